// What changed between two dataset versions: added, removed and changed (amended/superseded in
// place) CFs, each with the event that caused it, and the assets whose share moved.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { anyOfText, positionFromDb, positionToDb } from '@cairn/projector';
import { hexOf } from '@cairn/assembly';
import { STORED_CF_COLUMNS, evidenceFromJson, storedCfOf } from '../evidence-json.js';
import type { EventRef } from '@cairn/assembly';
import type { CfId } from '@cairn/schemas';
import { T, storedCfId, type DatasetsDatabase } from '../tables.js';
import { diffSortedMembers } from './diff-merge.js';
import { versionNotFound, type AnswerError } from './errors.js';
import { latestBuildOf, readPackedMembers, readVersion, type DatasetVersion } from './versions.js';

export interface DiffCause {
  /** contributed | validated | amended | superseded | deprecated | erased | duplicate | rule */
  readonly kind: string;
  readonly event: EventRef | null;
  readonly reason: string;
}

export interface DiffEntry {
  readonly cfId: CfId;
  readonly cause: DiffCause;
}

export interface ChangedEntry {
  readonly from: CfId;
  readonly to: CfId;
  readonly cause: DiffCause;
}

export interface VersionDiff {
  readonly a: DatasetVersion;
  readonly b: DatasetVersion;
  readonly counts: { readonly added: number; readonly removed: number; readonly changed: number; readonly unchanged: number };
  readonly added: readonly DiffEntry[];
  readonly removed: readonly DiffEntry[];
  /** A member of A replaced in B by the CF that amends or supersedes it. */
  readonly changed: readonly ChangedEntry[];
  readonly assets: readonly { readonly assetId: string; readonly name: string; readonly added: number; readonly removed: number }[];
  /** True when only the first `detailLimit` entries of each list carry causes. */
  readonly truncated: boolean;
}

export interface DiffOptions {
  /** Entries per list explained with their cause (default 1000); counts are always complete. */
  readonly detailLimit?: number;
}

export async function diff(
  db: Kysely<DatasetsDatabase>,
  versionA: string,
  versionB: string,
  options: DiffOptions = {},
): Promise<E.Either<AnswerError, VersionDiff>> {
  const limit = options.detailLimit ?? 1000;
  const a = await readVersion(db, versionA);
  if (E.isLeft(a)) return a;
  const b = await readVersion(db, versionB);
  if (E.isLeft(b)) return b;
  const packedA = await readPackedMembers(db, versionA);
  const packedB = await readPackedMembers(db, versionB);
  if (packedA === null) return E.left(versionNotFound(versionA));
  if (packedB === null) return E.left(versionNotFound(versionB));
  const merged = diffSortedMembers(packedA, packedB);
  const addedIds = Array.from(merged.added, (j) => hexOf(packedB, 32 * j, 32));
  const removedIds = Array.from(merged.removed, (i) => hexOf(packedA, 32 * i, 32));

  // changed: an added CF that amends/supersedes a removed one stands in its place
  const target = sql<string>`coalesce(amends, supersedes)`;
  const replacing = await db
    .selectFrom(T.cfs)
    .select(['cf_id', target.as('target'), 'amends', 'valid_from'])
    .where('cf_id', '=', anyOfText(addedIds))
    .where(target, '=', anyOfText(removedIds))
    .orderBy('cf_id')
    .execute();
  const changed: ChangedEntry[] = replacing.map((r) => ({
    from: storedCfId(r.target),
    to: storedCfId(r.cf_id),
    cause: {
      kind: r.amends !== null ? 'amended' : 'superseded',
      event: { eventId: r.cf_id, position: positionFromDb(r.valid_from) },
      reason: `${r.amends !== null ? 'amended' : 'superseded'} by ${r.cf_id}`,
    },
  }));
  const changedFrom = new Set<string>(changed.map((c) => c.from));
  const changedTo = new Set<string>(changed.map((c) => c.to));
  const added = addedIds.filter((id) => !changedTo.has(id));
  const removed = removedIds.filter((id) => !changedFrom.has(id));
  const detailAdded = added.slice(0, limit);
  const detailRemoved = removed.slice(0, limit);

  const buildB = await latestBuildOf(db, versionB);
  const removedCauses = await causesOfRemoval(db, versionB, buildB?.position ?? b.right.position, detailRemoved);
  const addedCauses = await causesOfAddition(db, versionA, a.right.position, detailAdded);

  // count(*) filter (where …): two counts in one pass, more than the builder says plainly
  const assets = await sql<{ asset_id: string; name: string; added: string; removed: string }>`select a.asset_id, a.name,
      count(*) filter (where m.cf_id = any(${[...added, ...changed.map((c) => c.to)]}::text[]))::text as added,
      count(*) filter (where m.cf_id = any(${[...removed, ...changed.map((c) => c.from)]}::text[]))::text as removed
    from ${sql.table(T.assetMembers)} m join ${sql.table(T.assets)} a using (asset_id)
    where m.cf_id = any(${[...addedIds, ...removedIds]}::text[]) group by a.asset_id, a.name order by a.asset_id`.execute(db);

  return E.right({
    a: a.right,
    b: b.right,
    counts: { added: added.length, removed: removed.length, changed: changed.length, unchanged: merged.unchanged },
    added: detailAdded.map((cfId) => ({ cfId: storedCfId(cfId), cause: addedCauses.get(cfId)! })),
    removed: detailRemoved.map((cfId) => ({ cfId: storedCfId(cfId), cause: removedCauses.get(cfId)! })),
    changed,
    assets: assets.rows.map((r) => ({ assetId: r.asset_id, name: r.name, added: Number(r.added), removed: Number(r.removed) })),
    truncated: added.length > limit || removed.length > limit,
  });
}

// A removed CF was turned away by B's build: its decision names the rule and the event.
async function causesOfRemoval(
  db: Kysely<DatasetsDatabase>,
  versionB: string,
  buildPosition: LogPosition,
  ids: readonly string[],
): Promise<Map<string, DiffCause>> {
  const rows = await db
    .selectFrom(`${T.exclusions} as x`)
    .leftJoin(`${T.cfs} as c`, 'c.cf_id', 'x.cf_id')
    .distinctOn('x.cf_id')
    .select(['x.cf_id', 'x.rule', 'x.reason', 'x.evidence'])
    .select(STORED_CF_COLUMNS)
    .where('x.version_id', '=', versionB)
    .where('x.cf_id', '=', anyOfText(ids))
    .where('x.build_position', '<=', positionToDb(buildPosition))
    .orderBy('x.cf_id')
    .orderBy('x.build_position', 'desc')
    .execute();
  const out = new Map<string, DiffCause>();
  for (const r of rows) {
    const ev = evidenceFromJson(r.evidence, storedCfOf(r));
    const event: EventRef | null =
      r.rule === 'erased'
        ? (ev.erasedBy ?? null)
        : r.rule === 'deprecated'
          ? ev.deprecatedBy
          : r.rule === 'replaced'
            ? ev.replacedBy
            : r.rule === 'dedup'
              ? ev.duplicateOf
              : r.rule === 'minApprovals' || r.rule === 'minAgreement'
                ? (latest([...ev.rejections, ...ev.approvals]) ?? null)
                : null;
    const kind =
      r.rule === 'erased'
        ? 'erased'
        : r.rule === 'deprecated'
          ? 'deprecated'
          : r.rule === 'replaced'
            ? 'amended'
            : r.rule === 'dedup'
              ? 'duplicate'
              : r.rule === 'minAgreement'
                ? 'validated'
                : 'rule';
    out.set(r.cf_id, {
      kind,
      event: event === null ? null : { eventId: event.eventId, position: event.position },
      reason: `${r.rule}: ${r.reason}`,
    });
  }
  for (const id of ids) if (!out.has(id)) out.set(id, { kind: 'rule', event: null, reason: 'not a candidate of B (kind or manifest)' });
  return out;
}

// An added CF is new since A, or was excluded by A and has since won (an approval, usually).
async function causesOfAddition(
  db: Kysely<DatasetsDatabase>,
  versionA: string,
  positionA: LogPosition,
  ids: readonly string[],
): Promise<Map<string, DiffCause>> {
  const cfs = await db.selectFrom(T.cfs).select(['cf_id', 'valid_from']).where('cf_id', '=', anyOfText(ids)).execute();
  const before = await db
    .selectFrom(T.exclusions)
    .distinctOn('cf_id')
    .select(['cf_id', 'rule', 'reason'])
    .where('version_id', '=', versionA)
    .where('cf_id', '=', anyOfText(ids))
    .orderBy('cf_id')
    .orderBy('build_position', 'desc')
    .execute();
  const beforeOf = new Map(before.map((r) => [r.cf_id, r]));
  const evidence = await db
    .selectFrom(`${T.members} as m`)
    .leftJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
    .select(['m.cf_id', 'm.evidence'])
    .select(STORED_CF_COLUMNS)
    .where('m.cf_id', '=', anyOfText(ids))
    .orderBy('m.cf_id')
    .execute();
  const evidenceOf = new Map(evidence.map((r) => [r.cf_id, evidenceFromJson(r.evidence, storedCfOf(r))]));
  const out = new Map<string, DiffCause>();
  for (const r of cfs) {
    const at = positionFromDb(r.valid_from);
    if (at > positionA) {
      out.set(r.cf_id, {
        kind: 'contributed',
        event: { eventId: r.cf_id, position: at },
        reason: `contributed at position ${at}, after A`,
      });
      continue;
    }
    const was = beforeOf.get(r.cf_id);
    const approvals = evidenceOf.get(r.cf_id)?.approvals.filter((v) => v.position > positionA) ?? [];
    const newest = latest(approvals);
    out.set(r.cf_id, {
      kind: newest ? 'validated' : 'rule',
      event: newest ? { eventId: newest.eventId, position: newest.position } : null,
      reason: was
        ? `was excluded by ${was.rule} (${was.reason})${newest ? `; approved at position ${newest.position}` : ''}`
        : "selected by B's rules",
    });
  }
  for (const id of ids) if (!out.has(id)) out.set(id, { kind: 'rule', event: null, reason: "selected by B's rules" });
  return out;
}

function latest<TRef extends EventRef>(refs: readonly TRef[]): TRef | undefined {
  let best: TRef | undefined;
  for (const r of refs) if (best === undefined || r.position > best.position) best = r;
  return best;
}
