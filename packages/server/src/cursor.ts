// Member-page cursors: opaque to clients, but they pin what the next page is read from (the
// version id, which never changes once cut, the last member shown, and the log position the
// first page answered at), so appends between two page requests cannot shift a page. They also
// carry how many members come before the next page, so a deep page is read by its key alone,
// without counting the members before it.
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { isSha256Hex } from '@cairn/core';
import type { FieldProblem } from './problem.js';

// `o` is optional: a cursor handed out before it was added still pages (its offset is counted).
const CursorBody = t.exact(
  t.intersection([t.type({ v: t.string, a: t.string, p: t.union([t.string, t.null]) }), t.partial({ o: t.number })]),
  'CursorBody',
);

export interface MemberCursor {
  readonly versionId: string;
  /** The last member CF id of the previous page. */
  readonly after: string;
  /** The log position the paging is pinned to (null: before the first event). */
  readonly position: bigint | null;
  /** Members before the next page (those up to and including `after`); absent in older cursors. */
  readonly offset?: number;
}

export function encodeCursor(c: MemberCursor): string {
  const body = { v: c.versionId, a: c.after, p: c.position === null ? null : c.position.toString() };
  return Buffer.from(JSON.stringify(c.offset === undefined ? body : { ...body, o: c.offset })).toString('base64url');
}

export function decodeCursor(text: string, field = 'query.cursor'): E.Either<FieldProblem, MemberCursor> {
  const bad = E.left({ field, reason: 'not a cursor this server gave (pass the `nextCursor` of the previous page as it is)' });
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(text)) return bad;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return bad;
  }
  const body = CursorBody.decode(parsed);
  if (E.isLeft(body)) return bad;
  const { v, a, p, o } = body.right;
  if (!isSha256Hex(v) || !isSha256Hex(a) || (p !== null && !/^\d{1,20}$/.test(p))) return bad;
  if (o !== undefined && !(Number.isSafeInteger(o) && o >= 1)) return bad;
  return E.right({ versionId: v, after: a, position: p === null ? null : BigInt(p), ...(o === undefined ? {} : { offset: o }) });
}
