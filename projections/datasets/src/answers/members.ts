// The members of a dataset version, a page at a time, in CF id order (the order of the version's
// Merkle leaves), each with what it is and why it is in.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { CfId, VersionId } from '@cairn/schemas';
import { idBytes, idHex, isIdHex } from '@cairn/projector';
import { T, storedCfId, storedCfIdOrNull, storedVersionId, versionNoOf, type DatasetsDatabase } from '../tables.js';
import { versionNotFound, type AnswerError } from './errors.js';

export interface VersionMember {
  readonly cfId: CfId;
  readonly kind: string;
  readonly contributor: string;
  readonly source: string | null;
  readonly license: string | null;
  readonly labelType: string | null;
  /** The rule's sentence for why it is in (as `why` gives it). */
  readonly reason: string;
}

export interface MemberPage {
  readonly versionId: VersionId;
  readonly members: readonly VersionMember[];
  /** Members of the whole version. */
  readonly total: number;
  /** Members skipped before this page (offset, or those at or before `after`). */
  readonly offset: number;
  readonly limit: number;
  /** The last CF id of this page when more follow (pass it as `after`), else null. */
  readonly next: CfId | null;
}

export interface MemberPageRequest {
  readonly limit: number;
  /**
   * Members to skip; with `after`, how many come before the page (those at or before `after`) when
   * the caller knows it from the page before (a server cursor carries it): then the page is read
   * by its key alone, where without it the members before `after` are counted, a count that grows
   * with the page's depth.
   */
  readonly offset?: number;
  /** Start after this CF id (keyset paging: stable however large the version). */
  readonly after?: string;
}

/**
 * A member's CF id compared with a page cursor. A cursor that is a CF id (as `next` gives)
 * compares as bytes, as the members' key holds them and in the same order as the ids' text, so a
 * page starts by a key look-up; any other text is compared with the ids' text, as before. Text
 * cannot carry a NUL to Postgres, so it is cut at the first: no id holds one, and NUL sorts
 * before every character an id has, so an id falls on the same side of the cut text as of the whole.
 */
function afterCursor(column: string, op: '>' | '<=', cursor: string): RawBuilder<boolean> {
  if (isIdHex(cursor)) return sql<boolean>`${sql.ref(column)} ${sql.raw(op)} ${idBytes(cursor)}`;
  const nul = cursor.indexOf('\0');
  return sql<boolean>`${idHex(column)} ${sql.raw(op)} ${nul < 0 ? cursor : cursor.slice(0, nul)}`;
}

export async function versionMembers(
  db: Kysely<DatasetsDatabase>,
  versionId: string,
  request: MemberPageRequest,
): Promise<E.Either<AnswerError, MemberPage>> {
  const v = await db.selectFrom(T.versions).select(['version_id', 'member_count']).where('version_id', '=', versionId).executeTakeFirst();
  if (v === undefined) return E.left(versionNotFound(versionId));
  const total = Number(v.member_count);
  const skip = request.after === undefined ? (request.offset ?? 0) : 0;
  // One row more than asked says whether a next page exists. Each member's CF is looked up on its
  // own (a lateral join): a merge join walks the CF table from its first id to the cursor's, so a
  // page deep in a large version would cost as much as every page before it.
  let page = db
    .selectFrom(`${T.members} as m`)
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom(`${T.cfs} as cf`)
          .select(['cf.kind', idHex('cf.author').as('author'), 'cf.source', 'cf.license', 'cf.label_type'])
          .whereRef('cf.cf_id', '=', 'm.cf_id')
          // a CF id names one row; the limit also keeps the planner from flattening the lookup
          // back into a join it may merge
          .limit(1)
          .as('c'),
      (join) => join.onTrue(),
    )
    .innerJoin(`${T.decisions} as d`, 'd.decision_id', 'm.decision_id')
    .select([idHex('m.cf_id').as('cf_id'), 'c.kind', 'c.author', 'c.source', 'c.license', 'c.label_type', 'd.reason'])
    .where('m.version_no', '=', versionNoOf(versionId));
  if (request.after !== undefined) page = page.where(afterCursor('m.cf_id', '>', request.after));
  const found = await page
    .orderBy('m.cf_id')
    .limit(request.limit + 1)
    .offset(skip)
    .execute();
  const rows = found.slice(0, request.limit);
  let offset = request.offset ?? skip;
  if (request.after !== undefined && request.offset === undefined) {
    const before = await db
      .selectFrom(`${T.members} as m`)
      .select((q) => q.fn.countAll<string>().as('n'))
      .where('m.version_no', '=', versionNoOf(versionId))
      .where(afterCursor('m.cf_id', '<=', request.after))
      .executeTakeFirst();
    offset = Number(before?.n ?? 0);
  }
  return E.right({
    versionId: storedVersionId(v.version_id),
    members: rows.map((m) => ({
      cfId: storedCfId(m.cf_id),
      kind: m.kind ?? 'unknown',
      contributor: m.author ?? '',
      source: m.source,
      license: m.license,
      labelType: m.label_type,
      reason: m.reason,
    })),
    total,
    offset,
    limit: request.limit,
    next: found.length > request.limit ? storedCfIdOrNull(rows.at(-1)?.cf_id) : null,
  });
}
