// Proof of authorship of one CF, checkable offline with core alone (checkAuthorship): the CF's
// envelope, the key its signer held at the position that signed it, and, for a CF of a sealed
// batch, the seal and the audit path from the CF's id to the root the seal signed.
import * as E from 'fp-ts/lib/Either.js';
import { sealAuditPath, type AuthorshipProof } from '@cairn/core';
import type { RecordedEvent } from '@cairn/eventlog';
import { CF_EVENT_TYPES } from '@cairn/schemas';
import { ruleViolation, type LedgerError } from '../errors.js';
import type { IngestContext } from '../ingest/ingest-batch.js';

type Envelope = { readonly type: string; readonly payload: unknown; readonly signer: string };
type SealedCf = Envelope & { readonly seal: { readonly id: string; readonly index: number } };
type Signed = Envelope & { readonly signature: string };

export async function authorshipOf(ctx: IngestContext, cfId: string): Promise<E.Either<LedgerError, AuthorshipProof>> {
  const found = await ctx.log.readByIds([cfId]);
  if (E.isLeft(found)) return found;
  const cf = found.right[0];
  if (cf === undefined || !(CF_EVENT_TYPES as readonly string[]).includes(cf.type))
    return E.left(ruleViolation('reference-exists', 'cfId', `no CF ${cfId} in the log`));
  const data = cf.data as unknown as SealedCf | Signed;
  // The event whose signature vouches for the CF: the CF itself, or its seal.
  let signedBy: RecordedEvent = cf;
  let audit: { readonly seal: Signed; readonly auditPath: readonly string[] } | undefined;
  if ('seal' in data) {
    const sealRead = await ctx.log.readByIds([data.seal.id]);
    if (E.isLeft(sealRead)) return sealRead;
    const seal = sealRead.right[0];
    if (seal === undefined)
      return E.left(ruleViolation('reference-exists', 'seal.id', `the seal ${data.seal.id} of CF ${cfId} is not in the log`));
    const sealData = seal.data as unknown as Signed & { payload: { count: number } };
    // The seal's CFs follow it in log order (cairn verify checks that they do).
    const batch = await ctx.log.readAll({ after: seal.position, limit: sealData.payload.count });
    if (E.isLeft(batch)) return batch;
    const path = sealAuditPath(
      batch.right.map((e) => e.id),
      data.seal.index,
    );
    if (E.isLeft(path))
      return E.left(ruleViolation('seal-complete', 'seal', `the batch of seal ${seal.id} cannot be read whole: ${path.left.reason}`));
    signedBy = seal;
    audit = {
      seal: { type: sealData.type, payload: sealData.payload, signer: sealData.signer, signature: sealData.signature },
      auditPath: path.right,
    };
  }
  const contributors = await ctx.state.contributors([data.signer]);
  if (E.isLeft(contributors)) return contributors;
  const key = contributors.right
    .get(data.signer)
    ?.keys.find((k) => k.validFrom <= signedBy.position && (k.validUntil === undefined || signedBy.position < k.validUntil));
  if (key === undefined)
    return E.left(ruleViolation('signer-key-current', 'signer', `no key of ${data.signer} was valid at position ${signedBy.position}`));
  const envelope =
    'seal' in data
      ? { type: data.type, payload: data.payload, signer: data.signer, seal: data.seal }
      : { type: data.type, payload: data.payload, signer: data.signer, signature: data.signature };
  return E.right({
    cairnAuthorshipProof: 1,
    cf: envelope,
    ...(audit ?? {}),
    publicKey: key.publicKey,
    position: signedBy.position.toString(),
  } as AuthorshipProof);
}
