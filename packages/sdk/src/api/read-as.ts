// Reading a sample's bytes for a person: the bytes are the one thing the log does not show to
// everyone, so a read names its reader, who must prove it holds the key it signs with now, and
// be the sample's author or hold the reader role (curators and admins hold it too). The proof is
// the secret key itself (a local reader), or a signature by that key (a remote reader: the server
// passes on a signed request, and never holds the reader's secret key).
import * as E from 'fp-ts/lib/Either.js';
import { fromHex, verifyFast } from '@cairn/core';
import { ruleViolation, type LedgerError } from '../errors.js';
import type { IngestContext } from '../ingest/ingest-batch.js';
import { currentKey } from '../state/contributor-state.js';
import { holds } from '../rules/roles.js';
import { publicKeyHexOf } from '../signing.js';
import type { Reader } from '../reader.js';
import { readSample } from './samples.js';

export async function readSampleAs(ctx: IngestContext, sampleId: string, reader: Reader): Promise<E.Either<LedgerError, Uint8Array>> {
  const states = await ctx.state.contributors([reader.contributorId]);
  if (E.isLeft(states)) return states;
  const state = states.right.get(reader.contributorId);
  if (state === undefined)
    return E.left(ruleViolation('read-authority', 'reader', `contributor ${reader.contributorId} is not registered in the log`));
  if (!proves(reader, currentKey(state)))
    return E.left(
      ruleViolation(
        'read-authority',
        'reader',
        `the key given for contributor ${reader.contributorId} is not its current key${'proof' in reader ? ' (the signature does not verify under it)' : ''}`,
      ),
    );
  const facts = await ctx.state.events([sampleId]);
  if (E.isLeft(facts)) return facts;
  const author = facts.right.get(sampleId)?.signer;
  if (author !== undefined && author !== reader.contributorId) {
    const founder = await ctx.state.founder();
    if (E.isLeft(founder)) return founder;
    if (!holds({ contributor: (id) => states.right.get(id), founder: founder.right }, reader.contributorId, 'reader'))
      return E.left(
        ruleViolation(
          'read-authority',
          'reader',
          `reading another contributor's sample needs the reader role (curators and admins hold it); ${reader.contributorId} (${state.name}) does not hold it`,
        ),
      );
  }
  // A missing or non-sample id is readSample's to report.
  return readSample(ctx, sampleId);
}

/** Whether `reader` holds `key` (the contributor's current key; undefined once revoked). */
function proves(reader: Reader, key: string | undefined): boolean {
  if (key === undefined) return false;
  if ('secretKey' in reader) return key === publicKeyHexOf(reader.secretKey);
  const publicKey = fromHex(key, 32);
  return E.isRight(publicKey) && verifyFast(reader.proof.signature, reader.proof.message, publicKey.right);
}
