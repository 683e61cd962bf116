import type { LogPosition } from '@cairn/eventlog';

export type LineageError = {
  readonly _tag: 'NodeNotFound';
  readonly id: string;
  readonly asOf: LogPosition | null | undefined;
  readonly message: string;
};

export function nodeNotFound(id: string, asOf: LogPosition | null | undefined): LineageError {
  const when = asOf === undefined ? '' : asOf === null ? ' before the first event' : ` as of position ${asOf}`;
  return { _tag: 'NodeNotFound', id, asOf, message: `${id} is not in the lineage graph${when}` };
}
