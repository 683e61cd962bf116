// A server's refusal of a read, as the ReadError the local Cairn answers for the same question:
// the problem's type says which (not found, not applicable, a bad argument), its detail is the
// sentence the local read would have said.
import * as E from 'fp-ts/lib/Either.js';
import { problemType, ProblemDocument } from '@cairn/sdk';
import type { ReadError } from '../errors.js';

export const unavailable = (reason: string): ReadError => ({ _tag: 'Unavailable', reason });

/** The field a refused unsigned read names: who signs the reads. */
export const METADATA_PRIVATE_FIELD = 'signer';

/**
 * An unsigned read a server refused (401): its lineage metadata is private, open only to
 * requests signed by a registered contributor. A usage error: the caller must say who reads.
 */
export const metadataPrivate = (url: string): ReadError => ({
  _tag: 'UsageError',
  field: METADATA_PRIVATE_FIELD,
  reason: 'lineage metadata on this server is private: reads must be signed by a registered contributor',
  message: `the server at ${url} keeps lineage metadata private: sign reads as a registered contributor (cairn: --as NAME, a signer in the keyring)`,
});

export function readErrorOf(status: number, body: unknown): ReadError {
  const decoded = ProblemDocument.decode(body);
  if (E.isLeft(decoded)) return unavailable(`the server answered ${status} without a problem document`);
  const p = decoded.right;
  const field = p.field ?? '(request)';
  switch (p.type) {
    case problemType('invalid-request'):
      return { _tag: 'UsageError', field, reason: p.reason ?? p.detail, message: p.detail };
    case problemType('ambiguous-prefix'):
      return { _tag: 'AmbiguousCfPrefix', field, prefix: '', candidates: [], message: p.detail };
    case problemType('not-found'):
      // A field is named when what was not found is a CF the caller gave; otherwise a version.
      return p.field !== undefined
        ? { _tag: 'CfNotFound', cfId: '', field: p.field, message: p.detail }
        : { _tag: 'VersionNotFound', versionId: '', message: p.detail };
    case problemType('signature-refused'):
      return unavailable(`the server refused the read's signature: ${p.detail}`);
    case problemType('not-applicable'):
      return { _tag: 'NotAMember', cfId: '', versionId: '', message: p.detail };
    default:
      return unavailable(p.detail);
  }
}
