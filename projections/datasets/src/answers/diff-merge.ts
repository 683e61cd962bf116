// The diff of two versions is one merge over their sorted, packed member ids (32 bytes each):
// linear, no hashing and no per-row query, so two million-member versions diff in milliseconds.
export interface MemberDiff {
  /** Indices into B of members only B has. */
  readonly added: Int32Array;
  /** Indices into A of members only A has. */
  readonly removed: Int32Array;
  readonly unchanged: number;
}

function compareAt(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  for (let k = 0; k < 32; k++) {
    const d = a[i + k]! - b[j + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

export function diffSortedMembers(a: Uint8Array, b: Uint8Array): MemberDiff {
  const na = a.length / 32;
  const nb = b.length / 32;
  const added = new Int32Array(nb);
  const removed = new Int32Array(na);
  let nAdded = 0;
  let nRemoved = 0;
  let unchanged = 0;
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const c = compareAt(a, 32 * i, b, 32 * j);
    if (c === 0) {
      unchanged++;
      i++;
      j++;
    } else if (c < 0) removed[nRemoved++] = i++;
    else added[nAdded++] = j++;
  }
  while (i < na) removed[nRemoved++] = i++;
  while (j < nb) added[nAdded++] = j++;
  return { added: added.slice(0, nAdded), removed: removed.slice(0, nRemoved), unchanged };
}
