// How an appended event is reported: the SDK's Receipt, positions as decimal strings.
import type { Receipt } from '@cairn/sdk';

export interface ReceiptJson {
  readonly id: string;
  readonly type: string;
  readonly stream: string;
  readonly position: string;
  readonly alreadyAppended: boolean;
}

export const receiptJson = (r: Receipt): ReceiptJson => ({
  id: r.id,
  type: r.type,
  stream: r.stream,
  position: r.position.toString(),
  alreadyAppended: r.alreadyAppended,
});

export const receiptText = (r: ReceiptJson): string =>
  `${r.type} ${r.id}\n  ${r.alreadyAppended ? 'already in the log at' : 'appended at'} position ${r.position} (stream ${r.stream})`;

/** A flag value as JSON when it parses, else as the plain string. */
export function jsonOrString(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
