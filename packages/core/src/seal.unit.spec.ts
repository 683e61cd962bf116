import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { contributorIdOf, eventIdOf, signingBytes } from './ids.js';
import { generateSigningKey, publicKeyOf, sign } from './ed25519.js';
import { fromHex, toHex } from './hex.js';
import { eventLeafHash, logLeafHash } from './log-leaves.js';
import { merkleRoot } from './merkle.js';
import { SealedIds, checkAuthorship, sealAuditPath, sealRootOf, sealedLeafHash, type AuthorshipProof } from './seal.js';

const right = <T>(e: E.Either<unknown, T>): T => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

const secret = generateSigningKey();
const publicKey = toHex(publicKeyOf(secret));
const signer = right(contributorIdOf(publicKeyOf(secret)));
const cfs = Array.from({ length: 5 }, (_, i) => ({
  type: 'LabelContributed',
  payload: { targets: ['a'.repeat(64)], labelType: 'class', value: i },
  signer,
}));
const cfIds = cfs.map((cf) => right(eventIdOf(cf.type, cf.payload, cf.signer)));

function sealOf(ids: readonly string[]) {
  const payload = { root: right(sealRootOf(ids)), count: ids.length };
  const signature = toHex(sign(right(signingBytes('BatchSealed', payload, signer)), secret));
  const seal = { type: 'BatchSealed', payload, signer, signature };
  return { seal, id: right(eventIdOf('BatchSealed', payload, signer)) };
}

type SealedProof = AuthorshipProof & {
  readonly cf: {
    readonly type: string;
    readonly payload: unknown;
    readonly signer: string;
    readonly seal: { readonly id: string; readonly index: number };
  };
  readonly seal: NonNullable<AuthorshipProof['seal']>;
};

function proofFor(index: number): SealedProof {
  const { seal, id } = sealOf(cfIds);
  return {
    cairnAuthorshipProof: 1,
    cf: { ...cfs[index]!, seal: { id, index } },
    seal,
    auditPath: right(sealAuditPath(cfIds, index)),
    publicKey,
  };
}

describe('sealed batches in core', () => {
  it("given CF ids, then the seal root is RFC 6962's tree hash with each id's 32 bytes as a leaf, and order matters", () => {
    const leaves = cfIds.map((id) => right(fromHex(id, 32)));
    expect(right(sealRootOf(cfIds))).toBe(toHex(merkleRoot(leaves)));
    expect(right(sealRootOf([cfIds[1]!, cfIds[0]!, ...cfIds.slice(2)]))).not.toBe(right(sealRootOf(cfIds)));
    const incremental = new SealedIds(cfIds.length);
    for (const id of cfIds) expect(incremental.push(id)).toBe(true);
    expect(incremental.push(cfIds[0]!)).toBe(false);
    expect(incremental.root()).toBe(right(sealRootOf(cfIds)));
    expect(sealRootOf([])).toEqual(E.left({ _tag: 'SealError', reason: 'a sealed batch holds at least one CF' }));
    expect(sealRootOf(['XYZ'])).toEqual(E.left({ _tag: 'SealError', reason: 'cfIds[0]: expected 64 lowercase hex characters' }));
  });

  it('given a sealed CF, then its log leaf binds id, seal and index, and is never the leaf of a signed event', () => {
    const sealId = 'b'.repeat(64);
    const leaf = sealedLeafHash(cfIds[0]!, sealId, 2)!;
    expect(toHex(eventLeafHash({ id: cfIds[0]!, data: { seal: { id: sealId, index: 2 } } })!)).toBe(toHex(leaf));
    expect(toHex(sealedLeafHash(cfIds[0]!, sealId, 3)!)).not.toBe(toHex(leaf));
    expect(toHex(logLeafHash(cfIds[0]!, sealId + sealId)!)).not.toBe(toHex(leaf));
    // An envelope with both forms is no envelope: no leaf.
    expect(eventLeafHash({ id: cfIds[0]!, data: { signature: 'c'.repeat(128), seal: { id: sealId, index: 2 } } })).toBeNull();
  });

  it('given an authorship proof for each CF of a batch, then each checks offline with core alone', () => {
    for (let i = 0; i < cfIds.length; i++) {
      const check = checkAuthorship(JSON.parse(JSON.stringify(proofFor(i))));
      expect(check.checks.filter((c) => !c.ok)).toEqual([]);
      expect(check).toMatchObject({ ok: true, cfId: cfIds[i], signer });
    }
  });

  it.each([
    ['a changed payload', (p: SealedProof) => ({ ...p, cf: { ...p.cf, payload: { ...(p.cf.payload as object), value: 99 } } }), 2],
    ['another index', (p: SealedProof) => ({ ...p, cf: { ...p.cf, seal: { ...p.cf.seal, index: 1 } } }), 2],
    ['another seal id', (p: SealedProof) => ({ ...p, cf: { ...p.cf, seal: { ...p.cf.seal, id: 'd'.repeat(64) } } }), 1],
    ['another key', (p: SealedProof) => ({ ...p, publicKey: toHex(publicKeyOf(generateSigningKey())) }), 3],
    ['a seal with another count', (p: SealedProof) => ({ ...p, seal: { ...p.seal, payload: { ...p.seal.payload, count: 6 } } }), 1],
  ])('given a proof with %s, then the check fails and says which', (_what, tamper, failing) => {
    const check = checkAuthorship(tamper(proofFor(3)));
    expect(check.ok).toBe(false);
    expect(check.checks[failing]!.ok).toBe(false);
  });

  it('given a CF signed on its own, then its proof is its envelope and key, and a changed payload fails', () => {
    const signature = toHex(sign(right(signingBytes(cfs[0]!.type, cfs[0]!.payload, signer)), secret));
    const proof: AuthorshipProof = { cairnAuthorshipProof: 1, cf: { ...cfs[0]!, signature }, publicKey };
    expect(checkAuthorship(proof)).toMatchObject({ ok: true, cfId: cfIds[0], signer });
    expect(checkAuthorship({ ...proof, cf: { ...proof.cf, payload: { value: 1 } } }).ok).toBe(false);
  });

  it('given something that is not a proof, then it is refused without throwing', () => {
    expect(checkAuthorship(null).ok).toBe(false);
    expect(checkAuthorship({ cairnAuthorshipProof: 1, cf: 5, seal: 'x', auditPath: [1] }).ok).toBe(false);
  });
});
