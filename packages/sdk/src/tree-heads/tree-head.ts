// What a tree head says and how it is signed. The log's Merkle tree is RFC 6962's (core's
// leaf/node domain separation); leaf i is the i-th event in log order and its leaf data is the
// 32-byte event id followed by the 64-byte Ed25519 signature, so the tree binds both what each
// event says and who signed it. A head's signed bytes are domain separated like events':
// UTF-8("cairn/v1/tree-head\n") ++ RFC 8785 canonical JSON of the head. The ledger and every
// witness sign those same bytes (a cosignature is a second signature over one statement).
import * as E from 'fp-ts/lib/Either.js';
import { canonicalize, fromHex, sign, toHex, verify } from '@cairn/core';
import type { TreeHead } from '@cairn/schemas';

const encoder = new TextEncoder();

/** The bytes a ledger or witness signature over `head` covers. */
export function treeHeadBytes(head: TreeHead): Uint8Array {
  const text = canonicalize({ size: head.size, root: head.root, timestamp: head.timestamp, ledgerKey: head.ledgerKey });
  // A decoded head is plain JSON (numbers, hex, an ISO time): canonicalisation cannot fail.
  if (E.isLeft(text)) throw new Error(`a tree head has no canonical form: ${text.left.reason}`);
  return encoder.encode(`cairn/v1/tree-head\n${text.right}`);
}

export function signTreeHead(head: TreeHead, secretKey: Uint8Array): string {
  return toHex(sign(treeHeadBytes(head), secretKey));
}

/** Does `signature` (hex) over `head` verify against `publicKey` (hex)? False for malformed hex. */
export function treeHeadSignatureValid(head: TreeHead, signature: string, publicKey: string): boolean {
  const sig = fromHex(signature, 64);
  const pk = fromHex(publicKey, 32);
  return E.isRight(sig) && E.isRight(pk) && verify(sig.right, treeHeadBytes(head), pk.right);
}

// The leaf protocol (id ‖ signature) lives in core, so a reader with core alone can recompute roots.
export { logLeafHash } from '@cairn/core';
