// The TypeScript side of the Python client's byte-for-byte checks: reads a JSON list of
// questions on stdin and answers each with what @cairn/core and @cairn/sdk compute.
//   {"op": "canonicalize", "value": ...}                        -> the RFC 8785 text, or {"refused": path}
//   {"op": "event", "type", "payload", "seed"}                   -> {eventId, envelope} as signEvent makes it
//   {"op": "merkle", "leaves": [hex...]}                         -> RFC 6962 root (hex)
//   {"op": "contentId", "kind", "value"}                         -> content id
import { canonicalize, contentIdOf, fromHex, merkleRoot, toHex } from '@cairn/core';
import { signEvent, signerFromInitialKey } from '@cairn/sdk';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const questions = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const hex = (text) => {
  const bytes = fromHex(text);
  if (bytes._tag === 'Left') throw new Error(`not hex: ${text}`);
  return bytes.right;
};

const answer = (q) => {
  switch (q.op) {
    case 'canonicalize': {
      const c = canonicalize(q.value);
      return c._tag === 'Left' ? { refused: c.left.path } : c.right;
    }
    case 'event': {
      const e = signEvent(q.type, q.payload, signerFromInitialKey(hex(q.seed)));
      return e._tag === 'Left' ? { refused: e.left.message } : { eventId: e.right.eventId, envelope: e.right.envelope };
    }
    case 'merkle':
      return toHex(merkleRoot(q.leaves.map(hex)));
    case 'contentId': {
      const id = contentIdOf(q.kind, q.value);
      return id._tag === 'Left' ? { refused: id.left.reason } : id.right;
    }
    default:
      throw new Error(`unknown op ${q.op}`);
  }
};

process.stdout.write(JSON.stringify(questions.map(answer)));
