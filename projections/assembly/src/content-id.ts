// Content id of a non-event thing through core (SHA-256 of "cairn/v1/<kind>\n" ++ JCS).
import { contentIdOf as coreContentIdOf, type JsonValue } from '@cairn/core';
import * as E from 'fp-ts/lib/Either.js';

export function contentIdOf(kind: string, value: JsonValue): string {
  const id = coreContentIdOf(kind, value);
  // the values hashed here are built by this package from ids and roots: a refusal is a bug
  if (E.isLeft(id)) throw new Error(`contentIdOf(${kind}): ${JSON.stringify(id.left)}`);
  return id.right;
}
