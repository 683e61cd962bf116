// Step 4: signatures. Small batches verify inline (a worker hop costs more than a few
// verifications); large ones go to the worker pool, whose verdicts equal core's verifyFast.
import { ruleViolation, type RuleViolation } from '../errors.js';
import { verifyFast } from '@cairn/core';
import type { SignatureCheck, VerifyPool } from '../verify-pool.js';
import type { CheckedItem } from './check.js';

const INLINE_BELOW = 64;
const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

function verifyInline(check: SignatureCheck): boolean {
  if (!HEX64.test(check.publicKey) || !HEX128.test(check.signature)) return false;
  return verifyFast(Buffer.from(check.signature, 'hex'), check.message, Buffer.from(check.publicKey, 'hex'));
}

/** Resolves to the violation of the first item (in batch order) whose signature does not verify. */
export async function verifySignatures(items: readonly CheckedItem[], pool: VerifyPool | undefined): Promise<RuleViolation | undefined> {
  const toVerify = items.filter((i) => i.publicKey !== undefined);
  const checks: SignatureCheck[] = toVerify.map((i) => ({ publicKey: i.publicKey!, signature: i.event.signature, message: i.signingBytes }));
  const verdicts = pool && checks.length >= INLINE_BELOW ? await pool.verify(checks) : checks.map(verifyInline);
  const bad = verdicts.indexOf(false);
  if (bad < 0) return undefined;
  const item = toVerify[bad]!;
  return ruleViolation(
    'signature-valid',
    `${item.event.type}.signature`,
    `does not verify against key ${item.publicKey} of ${item.event.signer} over this event's signing bytes`,
    item.index,
  );
}
