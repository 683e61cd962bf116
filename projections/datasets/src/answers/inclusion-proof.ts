// A contributor's proof that their CF is a member of dataset version V: core's InclusionProof
// (plain JSON), checkable offline with core's verifyInclusionProof against V's Merkle root, plus
// what is needed to recompute V's id from that root (versionId = contentIdOf('dataset-version',
// { manifest, root })).
import type { Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import {
  buildMerkleTree,
  inclusionProofFromTree,
  leafHashesOfPacked32,
  toHex,
  type InclusionProof,
  type Sha256Hex,
  isSha256Hex,
} from '@cairn/core';
import { writeHex32 } from '@cairn/assembly';
import { cfNotFound, versionNotFound, type AnswerError } from './errors.js';
import { readPackedMembers, readVersion } from './versions.js';
import type { CfId, VersionId } from '@cairn/schemas';
import { storedCfId, type DatasetsDatabase } from '../tables.js';

export interface DatasetInclusionProof {
  readonly cfId: CfId;
  readonly versionId: VersionId;
  readonly manifestId: string;
  readonly proof: InclusionProof;
}

/** Index of `cfId` in the packed sorted ids, or -1 (binary search). */
export function memberIndex(packed: Uint8Array, cfId: string): number {
  const key = new Uint8Array(32);
  if (!writeHex32(cfId, key, 0)) return -1;
  let lo = 0;
  let hi = packed.length / 32 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    let c = 0;
    for (let k = 0; k < 32 && c === 0; k++) c = packed[32 * mid + k]! - key[k]!;
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export async function inclusionProof(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  versionId: string,
): Promise<E.Either<AnswerError, DatasetInclusionProof>> {
  const version = await readVersion(db, versionId);
  if (E.isLeft(version)) return version;
  const packed = await readPackedMembers(db, versionId);
  if (packed === null) return E.left(versionNotFound(versionId));
  const index = memberIndex(packed, cfId);
  if (index < 0) {
    return E.left(
      isSha256Hex(cfId)
        ? { _tag: 'NotAMember', cfId, versionId, message: `CF ${cfId} is not a member of ${versionId}; there is nothing to prove` }
        : cfNotFound(cfId),
    );
  }
  const leaves = leafHashesOfPacked32(packed);
  const path = inclusionProofFromTree(buildMerkleTree(leaves), index);
  // index was found among the members, so the proof exists; a Left here is a bug
  if (E.isLeft(path)) throw new Error(`inclusion proof for member ${index}: ${path.left.reason}`);
  return E.right({
    // found among the version's packed member ids
    cfId: storedCfId(cfId),
    versionId: version.right.versionId,
    manifestId: version.right.manifestId,
    proof: {
      leafIndex: index,
      treeSize: packed.length / 32,
      leafHash: toHex(leaves.subarray(32 * index, 32 * index + 32)) as Sha256Hex,
      auditPath: path.right.map((h) => toHex(h) as Sha256Hex),
      root: version.right.merkleRoot as Sha256Hex,
    },
  });
}
