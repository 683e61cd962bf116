// One batch to POST /v1/events and its answer decoded: the receipts, or the server's problem as
// the LedgerError the local ledger would give. A server that cannot be reached, or answers
// something that is not the API's, is Unavailable (nothing is known to be appended). An error
// from an answer carries its status (and problem document) as `http`.
import * as E from 'fp-ts/lib/Either.js';
import type { LedgerError } from '../errors.js';
import type { IngestItem, Receipt } from '../ingest/ingest-batch.js';
import { BatchAccepted, ProblemDocument, type EventBatch } from '../wire/batch.js';
import { ledgerErrorOf } from './problem-error.js';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function batchBody(items: readonly IngestItem[]): EventBatch {
  return {
    events: items.map((item) => ({
      envelope: item.envelope as EventBatch['events'][number]['envelope'],
      ...(item.sample
        ? { sample: { bytes: base64(item.sample.bytes), ...(item.sample.salt ? { salt: base64(item.sample.salt) } : {}) } }
        : {}),
    })),
  };
}

const unavailable = (reason: string): LedgerError => ({ _tag: 'Unavailable', reason });

export async function postBatch(url: string, items: readonly IngestItem[], send: typeof fetch): Promise<E.Either<LedgerError, Receipt[]>> {
  let res: Response;
  let text: string;
  try {
    res = await send(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(batchBody(items)),
    });
    text = await res.text();
  } catch (cause) {
    return E.left(unavailable(`the server at ${url} could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`));
  }
  const status = res.status;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return E.left({ ...unavailable(`the server at ${url} answered ${status} without a JSON body`), http: { status } });
  }
  if (res.ok) {
    const accepted = BatchAccepted.decode(body);
    if (E.isLeft(accepted))
      return E.left({ ...unavailable(`the server at ${url} answered ${status} with no receipts this client can read`), http: { status } });
    return E.right(accepted.right.receipts);
  }
  const problem = ProblemDocument.decode(body);
  if (E.isLeft(problem))
    return E.left({ ...unavailable(`the server at ${url} answered ${status} without a problem document`), http: { status } });
  return E.left({ ...ledgerErrorOf(problem.right), http: { status, problem: problem.right } });
}
