// Sealed batches: one Ed25519 signature for many CFs. The seal (a BatchSealed event) signs the
// RFC 6962 Merkle tree hash over the batch's CF ids in order (each id's 32 bytes is one leaf, so
// leaf = SHA-256(0x00 || id)) and the count; each CF names its seal and index instead of carrying
// a signature. Authorship of one CF is then the seal's signature plus the CF's audit path, which
// anyone can check offline with this package (checkAuthorship).
import * as E from 'fp-ts/lib/Either.js';
import { verify } from './ed25519.js';
import { fromHex, toHex } from './hex.js';
import { signingBytes } from './ids.js';
import { HASH_SIZE, buildMerkleTree, leafHashesOfPacked32, merkleLeafHash, merkleRootOfLeafHashes } from './merkle.js';
import { inclusionProofFromTree, verifyInclusion } from './merkle-proofs.js';
import { isSha256Hex, sha256Hex } from './sha256.js';

export interface SealError {
  readonly _tag: 'SealError';
  readonly reason: string;
}

const sealError = (reason: string): E.Either<SealError, never> => E.left({ _tag: 'SealError', reason });

/** The CF ids packed 32 bytes each, or the first that is not an id. */
function packIds(cfIds: readonly string[]): E.Either<SealError, Uint8Array> {
  const packed = new Uint8Array(cfIds.length * HASH_SIZE);
  for (let i = 0; i < cfIds.length; i++) {
    const bytes = fromHex(cfIds[i]!, HASH_SIZE);
    if (E.isLeft(bytes)) return sealError(`cfIds[${i}]: expected 64 lowercase hex characters`);
    packed.set(bytes.right, i * HASH_SIZE);
  }
  return E.right(packed);
}

/** The root a seal signs over these CF ids, in this order (lowercase hex). */
export function sealRootOf(cfIds: readonly string[]): E.Either<SealError, string> {
  if (cfIds.length === 0) return sealError('a sealed batch holds at least one CF');
  return E.map((packed: Uint8Array) => toHex(merkleRootOfLeafHashes(leafHashesOfPacked32(packed))))(packIds(cfIds));
}

/**
 * Incremental form of sealRootOf for a reader that meets the CFs one at a time (verify):
 * ids are packed as they come and hashed once the batch is complete.
 */
export class SealedIds {
  private readonly packed: Uint8Array;
  private count = 0;

  constructor(readonly expected: number) {
    this.packed = new Uint8Array(expected * HASH_SIZE);
  }

  get size(): number {
    return this.count;
  }

  /** Adds the next id; false when it is not an id or the batch is already complete. */
  push(cfId: string): boolean {
    if (this.count >= this.expected) return false;
    const bytes = fromHex(cfId, HASH_SIZE);
    if (E.isLeft(bytes)) return false;
    this.packed.set(bytes.right, this.count * HASH_SIZE);
    this.count += 1;
    return true;
  }

  /** The root over the ids pushed so far. */
  root(): string {
    return toHex(merkleRootOfLeafHashes(leafHashesOfPacked32(this.packed.subarray(0, this.count * HASH_SIZE))));
  }
}

/** The RFC 6962 audit path (hex, leaf side first) of the CF at `index` among `cfIds`. */
export function sealAuditPath(cfIds: readonly string[], index: number): E.Either<SealError, readonly string[]> {
  const packed = packIds(cfIds);
  if (E.isLeft(packed)) return packed;
  const path = inclusionProofFromTree(buildMerkleTree(leafHashesOfPacked32(packed.right)), index);
  return E.isLeft(path) ? sealError(path.left.reason) : E.right(path.right.map(toHex));
}

const SEALED_LEAF = 32 + 32 + 8;

/**
 * The log leaf of a sealed CF: SHA-256(0x00 || id || sealId || index as 8 bytes big-endian). A
 * signed event's leaf data is 96 bytes (id || signature), this one 72, so the two forms can
 * never be taken for one another. Null when an id is not well-formed or the index is not a count.
 */
export function sealedLeafHash(id: string, sealId: string, index: number): Uint8Array | null {
  const idBytes = fromHex(id, 32);
  const sealBytes = fromHex(sealId, 32);
  if (E.isLeft(idBytes) || E.isLeft(sealBytes) || !Number.isSafeInteger(index) || index < 0) return null;
  const data = new Uint8Array(SEALED_LEAF);
  data.set(idBytes.right, 0);
  data.set(sealBytes.right, 32);
  new DataView(data.buffer).setBigUint64(64, BigInt(index));
  return merkleLeafHash(data);
}

/** What `cairn prove --signed-by` hands out: enough to check a CF's author offline. */
export interface AuthorshipProof {
  readonly cairnAuthorshipProof: 1;
  /** The CF's envelope as the log stores it: signed (signature) or sealed (seal { id, index }). */
  readonly cf:
    | { readonly type: string; readonly payload: unknown; readonly signer: string; readonly signature: string }
    | {
        readonly type: string;
        readonly payload: unknown;
        readonly signer: string;
        readonly seal: { readonly id: string; readonly index: number };
      };
  /** For a sealed CF, its seal's envelope: type BatchSealed, payload { root, count }, signer, signature. */
  readonly seal?: {
    readonly type: string;
    readonly payload: { readonly root: string; readonly count: number };
    readonly signer: string;
    readonly signature: string;
  };
  /** For a sealed CF, the RFC 6962 audit path from its id to the seal's root, leaf side first. */
  readonly auditPath?: readonly string[];
  /** The Ed25519 key the log holds valid for the signer at the signing event's position. */
  readonly publicKey: string;
  /** That position (the CF's, or its seal's), for reference. */
  readonly position?: string;
}

export interface AuthorshipCheck {
  readonly ok: boolean;
  readonly cfId: string | null;
  readonly signer: string | null;
  readonly checks: readonly { readonly check: string; readonly ok: boolean }[];
}

const bytesOf = (hex: string, length: number): Uint8Array | null => {
  const bytes = fromHex(hex, length);
  return E.isRight(bytes) ? bytes.right : null;
};

function signatureVerifies(message: E.Either<unknown, Uint8Array>, signature: unknown, publicKey: unknown): boolean {
  const sig = typeof signature === 'string' ? bytesOf(signature, 64) : null;
  const key = typeof publicKey === 'string' ? bytesOf(publicKey, 32) : null;
  return E.isRight(message) && sig !== null && key !== null && verify(sig, message.right, key);
}

/**
 * Offline, with this package alone: the CF's id is recomputed and its signature verifies under
 * `publicKey`, or, for a sealed CF, its audit path leads to the root its seal signed, the seal's
 * id is the one the CF names, and the seal's signature verifies under `publicKey`. That the key
 * was the signer's at that position is the log's word (`cairn verify` replays it).
 */
export function checkAuthorship(value: unknown): AuthorshipCheck {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<AuthorshipProof>;
  const cf = (typeof v.cf === 'object' && v.cf !== null ? v.cf : {}) as Partial<{
    type: string;
    payload: unknown;
    signer: string;
    signature: string;
    seal: { id?: unknown; index?: unknown };
  }>;
  const cfBytes = signingBytes(String(cf.type), cf.payload, String(cf.signer));
  const cfId = E.isRight(cfBytes) ? sha256Hex(cfBytes.right) : null;
  const signer = typeof cf.signer === 'string' ? cf.signer : null;
  const wellFormed = v.cairnAuthorshipProof === 1 && cfId !== null && typeof v.publicKey === 'string';
  if (cf.seal === undefined) {
    const checks = [
      { check: 'the proof is well-formed (cairnAuthorshipProof 1, cf, publicKey)', ok: wellFormed },
      { check: "the CF's Ed25519 signature verifies under the public key", ok: signatureVerifies(cfBytes, cf.signature, v.publicKey) },
    ];
    return { ok: checks.every((c) => c.ok), cfId, signer, checks };
  }
  const seal = (typeof v.seal === 'object' && v.seal !== null ? v.seal : {}) as Partial<NonNullable<AuthorshipProof['seal']>>;
  const sealBytes = signingBytes(String(seal.type), seal.payload, String(seal.signer));
  const sealId = E.isRight(sealBytes) ? sha256Hex(sealBytes.right) : null;
  const root = typeof seal.payload?.root === 'string' ? bytesOf(seal.payload.root, 32) : null;
  const count = seal.payload?.count;
  const path = Array.isArray(v.auditPath) && v.auditPath.every(isSha256Hex) ? v.auditPath.map((h) => bytesOf(h, 32)!) : null;
  const index = cf.seal.index;
  const pathOk =
    cfId !== null &&
    path !== null &&
    root !== null &&
    typeof count === 'number' &&
    typeof index === 'number' &&
    verifyInclusion({ index, treeSize: count, leafHash: merkleLeafHash(bytesOf(cfId, 32)!), proof: path, root });
  const checks = [
    {
      check: 'the proof is well-formed (cairnAuthorshipProof 1, cf, seal, auditPath, publicKey)',
      ok: wellFormed && sealId !== null && path !== null,
    },
    {
      check: "the seal is a BatchSealed by the CF's signer, and it is the seal the CF names",
      ok: seal.type === 'BatchSealed' && sealId !== null && cf.seal.id === sealId && seal.signer === cf.signer,
    },
    { check: "the audit path leads from the CF's id to the root the seal signed (RFC 6962)", ok: pathOk },
    { check: "the seal's Ed25519 signature verifies under the public key", ok: signatureVerifies(sealBytes, seal.signature, v.publicKey) },
  ];
  return { ok: checks.every((c) => c.ok), cfId, signer, checks };
}
