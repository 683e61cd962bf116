// The inclusion-proof check the page runs itself, so a reader need not trust the server that
// sent the proof: @cairn/core cannot be bundled for a browser (it reaches node:crypto and a
// native addon), so this is the same check written from the specs, held to core's checkProof by
// proof.unit.spec.ts. RFC 6962 section 2.1: leaf = SHA-256(0x00 || cfId bytes), node =
// SHA-256(0x01 || left || right); the audit path is verified as RFC 9162 section 2.1.3.2 says.
// The version id is Cairn's content id of (manifest, root): SHA-256("cairn/v1/dataset-version\n"
// || RFC 8785 JSON of {"manifest","root"}), whose canonical form for two hex strings is fixed.
import { sha256 } from '@noble/hashes/sha2.js';

const HEX64 = /^[0-9a-f]{64}$/;

export interface ProofCheck {
  readonly check: string;
  readonly ok: boolean;
}

export interface ProofVerdict {
  readonly ok: boolean;
  /** The root the audit path leads to, computed here (null when the proof is not well-formed). */
  readonly computedRoot: string | null;
  readonly checks: readonly ProofCheck[];
}

/** What the page knows of the version apart from the proof (from the dataset's versions). */
export interface PublishedVersion {
  readonly versionId: string;
  readonly manifestId: string;
  readonly merkleRoot: string;
}

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function fromHex64(hex: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const tagged = (tag: number, ...parts: Uint8Array[]): Uint8Array => {
  const input = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  input[0] = tag;
  let at = 1;
  for (const p of parts) {
    input.set(p, at);
    at += p.length;
  }
  return sha256(input);
};

export const leafHashOf = (cfId: string): string => toHex(tagged(0x00, fromHex64(cfId)));

/** RFC 9162 section 2.1.3.2: the root the audit path leads to from `leafHash`, or null when it cannot. */
export function rootFromAuditPath(leafIndex: number, treeSize: number, leafHash: string, auditPath: readonly string[]): string | null {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return null;
  const half = (n: number) => Math.floor(n / 2);
  const odd = (n: number) => n % 2 === 1;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = fromHex64(leafHash);
  for (const hex of auditPath) {
    if (sn === 0) return null;
    const p = fromHex64(hex);
    if (odd(fn) || fn === sn) {
      r = tagged(0x01, p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else r = tagged(0x01, r, p);
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? toHex(r) : null;
}

/** Cairn's dataset version id of (manifest, root). */
export function versionIdOf(manifestId: string, root: string): string {
  const text = `cairn/v1/dataset-version\n{"manifest":${JSON.stringify(manifestId)},"root":${JSON.stringify(root)}}`;
  return toHex(sha256(new TextEncoder().encode(text)));
}

interface ProofShape {
  readonly cfId: string;
  readonly versionId: string;
  readonly manifestId: string;
  readonly proof: {
    readonly leafIndex: number;
    readonly treeSize: number;
    readonly leafHash: string;
    readonly auditPath: readonly string[];
  };
}

function wellFormed(file: unknown): file is ProofShape {
  const f = file as Partial<ProofShape> | null;
  const p = f?.proof;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.cfId === 'string' &&
    HEX64.test(f.cfId) &&
    typeof f.versionId === 'string' &&
    typeof f.manifestId === 'string' &&
    HEX64.test(f.manifestId) &&
    typeof p === 'object' &&
    p !== null &&
    Number.isSafeInteger(p.leafIndex) &&
    Number.isSafeInteger(p.treeSize) &&
    typeof p.leafHash === 'string' &&
    HEX64.test(p.leafHash) &&
    Array.isArray(p.auditPath) &&
    p.auditPath.every((h) => typeof h === 'string' && HEX64.test(h))
  );
}

/**
 * Checks a proof file (`GET /v1/cfs/{cf}/proof`) for `cfId` against what the page was told of the
 * version elsewhere. The root is recomputed from the CF id and the path; nothing in the proof's
 * own `root` or `merkleRoot` fields is believed.
 */
export function verifyProof(file: unknown, cfId: string, published: PublishedVersion): ProofVerdict {
  if (!wellFormed(file)) return { ok: false, computedRoot: null, checks: [{ check: 'the proof is well-formed', ok: false }] };
  const leaf = leafHashOf(file.cfId);
  const root = rootFromAuditPath(file.proof.leafIndex, file.proof.treeSize, leaf, file.proof.auditPath);
  const checks: ProofCheck[] = [
    { check: 'the proof is well-formed', ok: true },
    { check: 'the proof is for this CF', ok: file.cfId === cfId },
    { check: 'the leaf hash is SHA-256(0x00 ‖ CF id), computed here', ok: leaf === file.proof.leafHash },
    { check: 'the audit path leads from the leaf to a root (RFC 9162 §2.1.3.2)', ok: root !== null },
    { check: "the root is the version's published Merkle root", ok: root !== null && root === published.merkleRoot },
    {
      check: 'the version id is the content id of (manifest, root)',
      ok:
        root !== null &&
        file.versionId === published.versionId &&
        file.manifestId === published.manifestId &&
        versionIdOf(published.manifestId, root) === published.versionId,
    },
  ];
  return { ok: checks.every((c) => c.ok), computedRoot: root, checks };
}
