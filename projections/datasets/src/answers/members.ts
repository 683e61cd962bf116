// The members of a dataset version, a page at a time, in CF id order (the order of the version's
// Merkle leaves), each with what it is and why it is in.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import { T, type DatasetsDatabase } from '../tables.js';
import { versionNotFound, type AnswerError } from './errors.js';

export interface VersionMember {
  readonly cfId: string;
  readonly kind: string;
  readonly contributor: string;
  readonly source: string | null;
  readonly license: string | null;
  readonly labelType: string | null;
  /** The rule's sentence for why it is in (as `why` gives it). */
  readonly reason: string;
}

export interface MemberPage {
  readonly versionId: string;
  readonly members: readonly VersionMember[];
  /** Members of the whole version. */
  readonly total: number;
  /** Members skipped before this page (offset, or those at or before `after`). */
  readonly offset: number;
  readonly limit: number;
  /** The last CF id of this page when more follow (pass it as `after`), else null. */
  readonly next: string | null;
}

export interface MemberPageRequest {
  readonly limit: number;
  readonly offset?: number;
  /** Start after this CF id (keyset paging: stable however large the version). */
  readonly after?: string;
}

interface MemberRow {
  cf_id: string;
  kind: string | null;
  author: string | null;
  source: string | null;
  license: string | null;
  label_type: string | null;
  reason: string;
}

export async function versionMembers(
  db: Kysely<DatasetsDatabase>,
  versionId: string,
  request: MemberPageRequest,
): Promise<E.Either<AnswerError, MemberPage>> {
  const v = await sql<{ member_count: number }>`select member_count from ${sql.table(T.versions)} where version_id = ${versionId}`.execute(
    db,
  );
  if (v.rows[0] === undefined) return E.left(versionNotFound(versionId));
  const total = Number(v.rows[0].member_count);
  const after = request.after === undefined ? sql`` : sql`and m.cf_id > ${request.after}`;
  const skip = request.after === undefined ? (request.offset ?? 0) : 0;
  // one row more than asked says whether a next page exists
  const r = await sql<MemberRow>`select m.cf_id, c.kind, c.author, c.source, c.license, c.label_type, m.reason
    from ${sql.table(T.members)} m left join ${sql.table(T.cfs)} c using (cf_id)
    where m.version_id = ${versionId} ${after} order by m.cf_id limit ${request.limit + 1} offset ${skip}`.execute(db);
  const rows = r.rows.slice(0, request.limit);
  let offset = skip;
  if (request.after !== undefined) {
    const before = await sql<{ n: string }>`select count(*) as n from ${sql.table(T.members)}
      where version_id = ${versionId} and cf_id <= ${request.after}`.execute(db);
    offset = Number(before.rows[0]?.n ?? 0);
  }
  return E.right({
    versionId,
    members: rows.map((m) => ({
      cfId: m.cf_id,
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
    next: r.rows.length > request.limit ? (rows.at(-1)?.cf_id ?? null) : null,
  });
}
