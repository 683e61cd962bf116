// RFC 6962 Merkle roots at dataset-version scale (1M members), in leaves/s, against hashing the
// same number of 65-byte node inputs with node:crypto in a plain loop in the same run: the ratio
// says how close the tree gets to raw hashing (1.0 would be no overhead at all).
import crypto from 'node:crypto';
import type * as E from 'fp-ts/lib/Either.js';
import { buildMerkleTree, inclusionProofFromTree, merkleRoot, merkleRootOfLeafHashes, verifyInclusion } from '@cairn/core';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'merkle';
const LEAVES = Number(process.env.CAIRN_BENCH_MERKLE_LEAVES ?? 1_000_000);
const PROOFS = 20_000;

const hashOnce = (crypto as unknown as { hash: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;

/** Seconds for `count` SHA-256 calls over distinct 65-byte inputs, the cheapest way node offers. */
function rawHashing(count: number, source: Uint8Array): number {
  const input = new Uint8Array(65);
  input[0] = 1;
  const span = source.length - 64;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const from = (i * 64) % span;
    input.set(source.subarray(from, from + 64), 1);
    hashOnce('sha256', input, 'buffer');
  }
  return (performance.now() - t0) / 1000;
}

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, (performance.now() - t0) / 1000];
}

async function run(ctx: BenchContext): Promise<readonly BenchResult[]> {
  const leafHashes = new Uint8Array(crypto.randomBytes(LEAVES * 32));
  const leaves = Array.from({ length: LEAVES }, (_, i) => leafHashes.subarray(i * 32, i * 32 + 32));
  merkleRootOfLeafHashes(leafHashes.subarray(0, 1024 * 32)); // warm-up

  ctx.log(`raw hashing of ${LEAVES - 1} node inputs (baseline for a root over leaf hashes)`);
  const rawNodes = rawHashing(LEAVES - 1, leafHashes);
  ctx.log(`root over ${LEAVES} packed leaf hashes`);
  const [, rootSeconds] = timed(() => merkleRootOfLeafHashes(leafHashes));
  ctx.log(`all levels over ${LEAVES} leaf hashes (what proofs are answered from)`);
  const [tree, treeSeconds] = timed(() => buildMerkleTree(leafHashes));

  ctx.log(`raw hashing of ${2 * LEAVES - 1} inputs (baseline for a root over raw leaves)`);
  const rawAll = rawHashing(2 * LEAVES - 1, leafHashes);
  ctx.log(`root over ${LEAVES} raw 32-byte leaves (leaf hashing included)`);
  const [, rawRootSeconds] = timed(() => merkleRoot(leaves));

  ctx.log(`${PROOFS} inclusion proofs from the built tree, and their verification`);
  const indices = Array.from({ length: PROOFS }, (_, i) => (i * 7919) % LEAVES);
  const [proofs, proveSeconds] = timed(() => indices.map((i) => (inclusionProofFromTree(tree, i) as E.Right<readonly Uint8Array[]>).right));
  const [ok, verifySeconds] = timed(() =>
    indices.every((index, k) => verifyInclusion({ index, treeSize: LEAVES, leafHash: leaves[index]!, proof: proofs[k]!, root: tree.root })),
  );
  if (!ok) throw new Error('merkle bench: a generated inclusion proof did not verify');

  return [
    row(GROUP, `root of ${LEAVES} leaf hashes`, LEAVES / rootSeconds, 'leaves/s', LEAVES / rawNodes),
    row(GROUP, `root of ${LEAVES} leaf hashes: seconds`, rootSeconds, 's'),
    row(GROUP, `all levels of ${LEAVES} leaf hashes`, LEAVES / treeSeconds, 'leaves/s', LEAVES / rawNodes),
    row(GROUP, `root of ${LEAVES} raw leaves`, LEAVES / rawRootSeconds, 'leaves/s', LEAVES / rawAll),
    row(GROUP, `inclusion proof from a ${LEAVES}-leaf tree`, PROOFS / proveSeconds, 'proofs/s'),
    row(GROUP, `inclusion proof verification (${Math.ceil(Math.log2(LEAVES))} levels)`, PROOFS / verifySeconds, 'proofs/s'),
  ];
}

const group: BenchGroup = {
  group: GROUP,
  description: 'RFC 6962 Merkle root over 1M members vs raw node:crypto hashing of as many node inputs',
  run,
};
export default group;
