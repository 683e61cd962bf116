// Content id of a non-event thing (common envelope rules): SHA-256 of
// UTF-8("cairn/v1/<kind>\n") ++ RFC 8785 canonical JSON.
// TODO(core): replace with core's contentIdOf once it is exported.
import { createHash } from 'node:crypto';
import { canonicalize, type JsonValue } from '@cairn/core';
import * as E from 'fp-ts/lib/Either.js';

export function contentIdOf(kind: string, value: JsonValue): string {
  const json = canonicalize(value);
  // the values hashed here are built by this package from ids and roots: no refusal is possible
  if (E.isLeft(json)) throw new Error(`not canonicalisable at ${json.left.path}: ${json.left.reason}`);
  return createHash('sha256').update(`cairn/v1/${kind}\n${json.right}`, 'utf8').digest('hex');
}
