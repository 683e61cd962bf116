// Strict decoding of an import file: UTF-8 that is not well formed is refused rather than turned
// into U+FFFD (which would change the sample's bytes without a word), naming the line; a leading
// byte order mark is not part of the first row.
import { parseStrictJson } from '@cairn/core';
import * as E from 'fp-ts/lib/Either.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const BOM = [0xef, 0xbb, 0xbf];

export function withoutBom(bytes: Uint8Array): Uint8Array {
  return BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(BOM.length) : bytes;
}

export interface Line {
  /** 1-based. */
  readonly line: number;
  readonly bytes: Uint8Array;
}

/** Splits on LF; a UTF-8 multi-byte sequence never contains 0x0A, so a line can be decoded alone. */
export function splitLines(bytes: Uint8Array): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      lines.push({ line: lines.length + 1, bytes: bytes.subarray(start, i) });
      start = i + 1;
    }
  }
  return lines;
}

/**
 * `splitLines` over a file read in pieces: the same lines, numbered the same, a leading byte order
 * mark dropped, so a file of any size is read a line at a time rather than held whole.
 */
export async function* streamLines(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Line> {
  let line = 0;
  // The start of the current line, in the pieces it spans: joined once its end is found.
  let parts: Uint8Array[] = [];
  const lineOf = (tail: Uint8Array): Line => {
    const bytes = parts.length === 0 ? tail : join([...parts, tail]);
    parts = [];
    line += 1;
    return { line, bytes: line === 1 ? withoutBom(bytes) : bytes };
  };
  for await (const piece of pieces) {
    let start = 0;
    for (let i = piece.indexOf(0x0a); i !== -1; i = piece.indexOf(0x0a, start)) {
      yield lineOf(piece.subarray(start, i));
      start = i + 1;
    }
    if (start < piece.length) parts.push(piece.subarray(start));
  }
  yield lineOf(new Uint8Array(0));
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function decodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function decodeLossy(bytes: Uint8Array): string {
  return lossyUtf8.decode(bytes);
}

/**
 * The top-level member a strict-parser path (`$.attributes.a[3]`, `$["x y"]`) points into, or
 * undefined for the row itself: errors name the row's field, not a path thousands of steps long.
 */
export function topField(path: string): string | undefined {
  const rest = path.replace(/^\$/, '');
  const plain = /^\.([A-Za-z_$][A-Za-z0-9_$]*)/.exec(rest);
  if (plain) return plain[1];
  const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
  if (quoted) {
    const parsed = parseStrictJson(quoted[1]!);
    return E.isRight(parsed) && typeof parsed.right === 'string' ? parsed.right : undefined;
  }
  return undefined;
}

/**
 * Which field of a row holds the bytes that are not UTF-8: the row is read again with U+FFFD in
 * their place, and the first member whose value (or name) now holds one is named.
 */
export function fieldHoldingBadUtf8(bytes: Uint8Array): string | undefined {
  const parsed = parseStrictJson(decodeLossy(bytes).trim());
  if (E.isLeft(parsed) || typeof parsed.right !== 'object' || parsed.right === null || Array.isArray(parsed.right)) return undefined;
  for (const [key, value] of Object.entries(parsed.right)) {
    if (key.includes('\uFFFD') || JSON.stringify(value).includes('\uFFFD')) return key;
  }
  return undefined;
}
