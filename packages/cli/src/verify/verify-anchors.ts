// `cairn verify`, against what lies outside the log: the store's tree-heads file (heads the
// ledger signed after each append call, and witnesses' cosignatures of them), tree heads a
// reader remembered (--trusted-root SIZE:ROOT, --trusted-heads FILE) and the witnesses a reader
// requires (--witness KEY). The log as it is now must extend every one of them: its first SIZE
// events must hash to ROOT. A log shorter than a head was truncated; a different root means the
// history that head covered was rewritten. Either is a FAILED verdict, since a rewritten log
// that verifies on its own is exactly what an operator with the database could produce.
import { treeHeadBytes, type TreeHeadEntry } from '@cairn/sdk';
import * as E from 'fp-ts/lib/Either.js';
import { fromHex, verifyFast, type LeafHashes } from '@cairn/core';
import type { TreeHead } from '@cairn/schemas';

/**
 * Does `signature` over `head` verify against `publicKey`? The SDK's treeHeadSignatureValid on the
 * native verifier (the strict verdicts): the store signs a head per append call, so a long log
 * brings thousands of them.
 */
function headSignatureValid(head: TreeHead, signature: string, publicKey: string): boolean {
  const sig = fromHex(signature, 64);
  const pk = fromHex(publicKey, 32);
  return E.isRight(sig) && E.isRight(pk) && verifyFast(sig.right, treeHeadBytes(head), pk.right);
}

/** A tree head a reader remembered: where it came from (flag, file and line) for the verdict. */
export interface TrustedHead {
  readonly size: number;
  readonly root: string;
  readonly source: string;
}

export interface AnchorInputs {
  /** Entries of the store's tree-heads file (empty when there is none). */
  readonly storeHeads: readonly TreeHeadEntry[];
  readonly storeHeadsFile: string;
  /** The store's ledger key (public, hex), when the store has one. */
  readonly ledgerKey: string | undefined;
  readonly trusted: readonly TrustedHead[];
  /** Public keys (hex) that must have cosigned a head the log extends. */
  readonly witnesses: readonly string[];
}

export interface BadAnchor {
  readonly check: 'tree-heads' | 'trusted-root' | 'cosignature' | 'witness';
  readonly reason: string;
}

export interface AnchorVerification {
  readonly storeHeads: number;
  readonly cosignatures: number;
  readonly trusted: readonly { readonly size: number; readonly root: string; readonly source: string; readonly ok: boolean }[];
  readonly witnesses: readonly { readonly key: string; readonly ok: boolean }[];
  readonly firstBad: BadAnchor | null;
}

/** Why the log does not extend (size, root), or null when it does. */
function mismatch(size: number, root: string, leaves: LeafHashes, roots: ReadonlyMap<number, string>): string | null {
  if (size > leaves.size) return `log truncated: it covers ${size} events, the log now has ${leaves.size}`;
  const actual = roots.get(size);
  return actual === root ? null : `history rewritten: the log's first ${size} events have root ${actual}, the head says ${root}`;
}

export function verifyAnchors(leaves: LeafHashes, inputs: AnchorInputs): AnchorVerification {
  const heads = inputs.storeHeads.flatMap((e) =>
    'head' in e ? [{ line: e.line, head: e.head.treeHead, signature: e.head.signature, position: e.head.position }] : [],
  );
  const cosignatures = inputs.storeHeads.flatMap((e) => ('cosignature' in e ? [{ line: e.line, ...e.cosignature }] : []));
  const roots = leaves.rootsAt([
    ...heads.map((h) => h.head.size),
    ...cosignatures.map((c) => c.treeHead.size),
    ...inputs.trusted.map((t) => t.size),
  ]);
  const trusted = inputs.trusted.map((t) => ({ ...t, ok: mismatch(t.size, t.root, leaves, roots) === null }));
  const result = (firstBad: BadAnchor | null, witnesses: AnchorVerification['witnesses'] = []): AnchorVerification => ({
    storeHeads: heads.length,
    cosignatures: cosignatures.length,
    trusted,
    witnesses,
    firstBad,
  });
  const at = (line: number) => `${inputs.storeHeadsFile} line ${line}`;

  for (const entry of inputs.storeHeads)
    if ('problem' in entry) return result({ check: 'tree-heads', reason: `${at(entry.line)} is not a tree head: ${entry.problem}` });
  for (const { line, head, signature, position } of heads) {
    if (inputs.ledgerKey !== undefined && head.ledgerKey !== inputs.ledgerKey)
      return result({
        check: 'tree-heads',
        reason: `${at(line)} is signed by ledger key ${head.ledgerKey}, not this store's ${inputs.ledgerKey}`,
      });
    if (!headSignatureValid(head, signature, head.ledgerKey))
      return result({ check: 'tree-heads', reason: `${at(line)}: the ledger's signature does not verify` });
    const wrong = mismatch(head.size, head.root, leaves, roots);
    if (wrong) return result({ check: 'tree-heads', reason: `${at(line)}: ${wrong}` });
    // The position is the writer's resume hint, not signed, but it was the log's: a log whose
    // events sit elsewhere now was renumbered (which moves every --as-of answer).
    const now = head.size === 0 ? null : leaves.eventAt(head.size - 1).position;
    if (position !== undefined && position !== null && now !== null && BigInt(position) !== now)
      return result({
        check: 'tree-heads',
        reason: `${at(line)}: positions renumbered: event ${head.size} of the log was at position ${position}, it is now at ${now}`,
      });
  }
  for (const c of cosignatures) {
    if (!headSignatureValid(c.treeHead, c.signature, c.witness))
      return result({ check: 'cosignature', reason: `${at(c.line)}: witness ${c.witness}'s cosignature does not verify` });
    const wrong = mismatch(c.treeHead.size, c.treeHead.root, leaves, roots);
    if (wrong)
      return result({
        check: 'cosignature',
        reason: `${at(c.line)}: the head witness ${c.witness} cosigned no longer fits the log: ${wrong}`,
      });
  }
  for (const t of inputs.trusted) {
    const wrong = mismatch(t.size, t.root, leaves, roots);
    if (wrong) return result({ check: 'trusted-root', reason: `${t.source}: ${wrong}` });
  }
  // Every cosignature left standing verified and fits the log, so a witness is satisfied by any one.
  const witnesses = inputs.witnesses.map((key) => ({ key, ok: cosignatures.some((c) => c.witness === key) }));
  const missing = witnesses.find((w) => !w.ok);
  if (missing)
    return result(
      { check: 'witness', reason: `no cosignature by witness ${missing.key} in ${inputs.storeHeadsFile} (cairn tree-head cosign)` },
      witnesses,
    );
  return result(null, witnesses);
}
