// A dataset version: the members the rules admit from a log prefix, their RFC 6962 Merkle
// root over the sorted member ids, and the version id derived from the manifest hash and that
// root. Same facts + same rules + same manifest hash ⇒ same members, root and id.
import { contentIdOf } from './content-id.js';
import { decideAll, type Decisions } from './decide.js';
import type { AssemblyIndex } from './index-facts.js';
import { merkleRootOfLeafHashes, toHex } from '@cairn/core';
import { INCLUDED, type AssemblyRules } from './rules.js';

export interface AssembledVersion {
  readonly versionId: string;
  readonly manifestHash: string;
  readonly merkleRoot: string;
  /** Member CF ids, ascending (the Merkle leaf order). */
  readonly members: readonly string[];
  /** Leaf hashes of the members in the same order, flat (for inclusion proofs). */
  readonly memberLeafHashes: Uint8Array;
  readonly index: AssemblyIndex;
  readonly rules: AssemblyRules;
  readonly decisions: Decisions;
}

export function datasetVersionId(manifestHash: string, merkleRoot: string): string {
  return contentIdOf('dataset-version', { manifest: manifestHash, root: merkleRoot });
}

export function assembleVersion(index: AssemblyIndex, rules: AssemblyRules, manifestHash: string): AssembledVersion {
  const decisions = decideAll(index, rules);
  const { sortedOrder, leafHashes, leafSlot, cfs } = index;
  let count = 0;
  for (let k = 0; k < decisions.code.length; k++) if (decisions.code[k] === INCLUDED) count++;
  const members = new Array<string>(count);
  const memberLeafHashes = new Uint8Array(32 * count);
  // word copies through aligned views: a subarray per member would allocate a million objects
  const from = new Uint32Array(leafHashes.buffer, leafHashes.byteOffset, leafHashes.length / 4);
  const to = new Uint32Array(memberLeafHashes.buffer);
  let m = 0;
  for (let k = 0; k < sortedOrder.length; k++) {
    const c = sortedOrder[k]!;
    if (decisions.code[c] !== INCLUDED) continue;
    members[m] = cfs.id(c);
    const s = leafSlot[c]!;
    for (let w = 0; w < 8; w++) to[8 * m + w] = from[8 * s + w]!;
    m++;
  }
  const merkleRoot = toHex(merkleRootOfLeafHashes(memberLeafHashes));
  return {
    versionId: datasetVersionId(manifestHash, merkleRoot),
    manifestHash,
    merkleRoot,
    members,
    memberLeafHashes,
    index,
    rules,
    decisions,
  };
}
