// An event's id recomputed from its stored text, without re-encoding the parsed payload: the
// text of an envelope as the log stores it is `{"payload":P,<signature or seal>,"signer":S,
// "type":T}` (RFC 8785 key order), and its id is SHA-256 over the signing bytes of T, S and P,
// which @cairn/core lays out (signingBytesOfPayloadText), so P can be cut out of the text as it
// is. When that hash is the event's id, the text is, byte for byte, the payload the id was made
// over (a different text would be a SHA-256 collision), so the parsed envelope is that event's.
// This proves the id, not that P is canonical: it serves events a trusted head already vouches
// for (verify --since); anything it cannot prove (no match, other keys, other spacing) goes the
// general way.
import * as E from 'fp-ts/lib/Either.js';
import { sha256, signingBytesOfPayloadText, toHex } from '@cairn/core';

const PAYLOAD_OPEN = '{"payload":';
// The envelope's last fields: a signature or a seal reference, the signer and the type, exactly
// as canonical JSON writes them. Only the tail of the text is matched against it.
const TAIL =
  /,"(?:signature":"[0-9a-f]{128}"|seal":\{"id":"[0-9a-f]{64}","index":(?:0|[1-9][0-9]{0,15})\}),"signer":"([0-9a-f]{64})","type":"([A-Za-z][A-Za-z0-9._-]{0,127})"\}$/;
const TAIL_MAX = 400;

export interface TextId {
  /** The id, lowercase hex, and its 32 bytes. */
  readonly id: string;
  readonly digest: Uint8Array;
}

/** The id the stored text hashes to when it has the canonical envelope's shape, else undefined. */
export function idOfStoredText(stored: string): TextId | undefined {
  if (!stored.startsWith(PAYLOAD_OPEN)) return undefined;
  const from = Math.max(PAYLOAD_OPEN.length, stored.length - TAIL_MAX);
  const tail = TAIL.exec(stored.slice(from));
  if (tail === null) return undefined;
  const payload = stored.slice(PAYLOAD_OPEN.length, from + tail.index);
  const bytes = signingBytesOfPayloadText(tail[2]!, payload, tail[1]!);
  if (E.isLeft(bytes)) return undefined;
  const digest = sha256(bytes.right);
  return { id: toHex(digest), digest };
}
