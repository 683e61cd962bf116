// The CF an amendment is made from, as a Cairn server shows it (GET /v1/cfs/{cf}): its event type
// and signed payload. A CF the server does not hold is the local ledger's reference-exists refusal.
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { ruleViolation, type LedgerError } from '../errors.js';
import { ProblemDocument } from '../wire/batch.js';

const ShownCf = t.type({ type: t.string, payload: t.UnknownRecord }, 'ShownCf');

export interface OriginalCf {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

export async function originalCf(url: string, cfId: string, send: typeof fetch): Promise<E.Either<LedgerError, OriginalCf>> {
  let res: Response;
  let body: unknown;
  try {
    res = await send(`${url}/v1/cfs/${encodeURIComponent(cfId)}`, { headers: { accept: 'application/json' } });
    body = await res.json();
  } catch (cause) {
    return E.left({
      _tag: 'Unavailable',
      reason: `the server at ${url} could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`,
    });
  }
  if (res.status === 404) return E.left(ruleViolation('reference-exists', 'cfId', `no CF ${cfId} in the log`));
  if (!res.ok) {
    const problem = ProblemDocument.decode(body);
    return E.left({
      _tag: 'Unavailable',
      reason: E.isRight(problem) ? problem.right.detail : `the server at ${url} answered ${res.status}`,
    });
  }
  const shown = ShownCf.decode(body);
  return E.isLeft(shown)
    ? E.left({ _tag: 'Unavailable', reason: `the server at ${url} showed CF ${cfId} in a form this client cannot read` })
    : E.right(shown.right);
}
