// What changed between two dataset versions: added, removed and changed (amended/superseded in
// place) CFs, each with the event that caused it, and the assets whose share moved.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { nullablePositionFromDb, positionFromDb, positionToDb, anyOfIdBytes, idHex } from '@cairn/projector';
import { hexOf } from '@cairn/assembly';
import { STORED_CF_COLUMNS, evidenceFromJson, storedCfOf } from '../evidence-json.js';
import type { EventRef } from '@cairn/assembly';
import type { CfId } from '@cairn/schemas';
import { T, storedCfId, versionNoOf, type DatasetsDatabase } from '../tables.js';
import { diffSortedMembers } from './diff-merge.js';
import { versionNotFound, type AnswerError } from './errors.js';
import { packedMembersColumn, packedMembersOf, versionOfRow, type DatasetVersion } from './versions.js';

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
  /** The moment the diff is asked at: builds and assets after it are not seen (default: all the projections hold). */
  readonly upTo?: LogPosition;
}

export const DEFAULT_DIFF_DETAIL = 1000;

/**
 * What a diff's answer rests on besides the two version ids and the detail limit (each version's
 * members are fixed by its id): the latest build of each version up to the moment (B's decisions
 * name a removal's cause, A's an addition's earlier exclusion) and the latest asset (the assets
 * whose share moved). Each is a log position, so once read the answer they pin never changes.
 */
export interface DiffPins {
  readonly buildA: LogPosition | null;
  readonly buildB: LogPosition | null;
  readonly asset: LogPosition | null;
}

/** The pins of a diff of A and B as of `upTo` (or now), in one statement. */
export async function readDiffPins(
  db: Kysely<DatasetsDatabase>,
  versionA: string,
  versionB: string,
  upTo?: LogPosition,
): Promise<DiffPins> {
  const bound = upTo === undefined ? sql`true` : sql`position <= ${positionToDb(upTo)}::bigint`;
  const latestBuild = (versionId: string) =>
    sql<string | null>`(select max(position) from ${sql.table(T.builds)} where version_id = ${versionId} and ${bound})`;
  const { rows } = await sql<{ build_a: string | null; build_b: string | null; asset: string | null }>`select
      ${latestBuild(versionA)}::text as build_a, ${latestBuild(versionB)}::text as build_b,
      (select max(position) from ${sql.table(T.assets)} where ${bound})::text as asset`.execute(db);
  const r = rows[0]!;
  return { buildA: nullablePositionFromDb(r.build_a), buildB: nullablePositionFromDb(r.build_b), asset: nullablePositionFromDb(r.asset) };
}

export async function diff(
  db: Kysely<DatasetsDatabase>,
  versionA: string,
  versionB: string,
  options: DiffOptions = {},
): Promise<E.Either<AnswerError, VersionDiff>> {
  return diffPinned(
    db,
    versionA,
    versionB,
    options.detailLimit ?? DEFAULT_DIFF_DETAIL,
    await readDiffPins(db, versionA, versionB, options.upTo),
  );
}

/** The diff of A and B as `pins` fix it: everything it reads is either fixed by a version id or bounded by a pin. */
export async function diffPinned(
  db: Kysely<DatasetsDatabase>,
  versionA: string,
  versionB: string,
  limit: number,
  pins: DiffPins,
): Promise<E.Either<AnswerError, VersionDiff>> {
  // Both versions, rows and packed members, in one statement.
  const rows = await db
    .selectFrom(T.versions)
    .select(['version_id', 'dataset', 'manifest_id', 'merkle_root', 'member_count', 'position'])
    .select(packedMembersColumn)
    .where('version_id', 'in', [versionA, versionB])
    .execute();
  const rowA = rows.find((r) => r.version_id === versionA);
  if (rowA === undefined) return E.left(versionNotFound(versionA));
  const rowB = rows.find((r) => r.version_id === versionB);
  if (rowB === undefined) return E.left(versionNotFound(versionB));
  const a = versionOfRow(rowA);
  const b = versionOfRow(rowB);
  const packedA = packedMembersOf(rowA.members);
  const packedB = packedMembersOf(rowB.members);
  const merged = diffSortedMembers(packedA, packedB);
  const addedIds = Array.from(merged.added, (j) => hexOf(packedB, 32 * j, 32));
  const removedIds = Array.from(merged.removed, (i) => hexOf(packedA, 32 * i, 32));

  // changed: an added CF that amends/supersedes a removed one stands in its place
  const target = sql<Uint8Array>`coalesce(amends, supersedes)`;
  const replacing =
    addedIds.length === 0 || removedIds.length === 0
      ? []
      : await db
          .selectFrom(T.cfs)
          .select([idHex('cf_id').as('cf_id'), idHex(target).as('target'), 'amends', 'valid_from'])
          .where('cf_id', '=', anyOfIdBytes(addedIds))
          .where(target, '=', anyOfIdBytes(removedIds))
          .orderBy(sql.ref(`${T.cfs}.cf_id`))
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

  const removedCauses = await causesOfRemoval(db, versionB, pins.buildB ?? b.position, detailRemoved);
  const addedCauses = await causesOfAddition(db, versionA, a.position, pins.buildA, versionB, detailAdded);
  const assets = await assetsMoved(db, addedIds, removedIds, pins.asset);

  return E.right({
    a,
    b,
    counts: { added: added.length, removed: removed.length, changed: changed.length, unchanged: merged.unchanged },
    added: detailAdded.map((cfId) => ({ cfId: storedCfId(cfId), cause: addedCauses.get(cfId)! })),
    removed: detailRemoved.map((cfId) => ({ cfId: storedCfId(cfId), cause: removedCauses.get(cfId)! })),
    changed,
    assets,
    truncated: added.length > limit || removed.length > limit,
  });
}

/**
 * The assets holding a CF that entered B (added, or the new side of a change) or left A, with
 * how many of each, among the assets registered up to `lastAsset`. A changed pair counts on both
 * sides, as an addition and a removal.
 */
async function assetsMoved(
  db: Kysely<DatasetsDatabase>,
  addedIds: readonly string[],
  removedIds: readonly string[],
  lastAsset: LogPosition | null,
): Promise<VersionDiff['assets']> {
  if (lastAsset === null || addedIds.length + removedIds.length === 0) return [];
  // each id once, with its side: the counts in one pass (count(*) filter, more than the builder says plainly)
  const { rows } = await sql<{ asset_id: string; name: string; added: string; removed: string }>`select a.asset_id, a.name,
      count(*) filter (where s.entered)::text as added, count(*) filter (where not s.entered)::text as removed
    from unnest(${[...addedIds, ...removedIds]}::text[], ${[...addedIds.map(() => true), ...removedIds.map(() => false)]}::boolean[]) as s(cf_id, entered)
      join ${sql.table(T.assetMembers)} m on m.cf_id = s.cf_id
      join ${sql.table(T.assets)} a on a.asset_id = m.asset_id
    where a.position <= ${positionToDb(lastAsset)}::bigint
    group by a.asset_id, a.name order by a.asset_id`.execute(db);
  return rows.map((r) => ({ assetId: r.asset_id, name: r.name, added: Number(r.added), removed: Number(r.removed) }));
}

// A removed CF was turned away by B's build: its decision names the rule and the event.
async function causesOfRemoval(
  db: Kysely<DatasetsDatabase>,
  versionB: string,
  buildPosition: LogPosition,
  ids: readonly string[],
): Promise<Map<string, DiffCause>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom(`${T.exclusions} as x`)
    .innerJoin(`${T.decisions} as d`, 'd.decision_id', 'x.decision_id')
    .leftJoin(`${T.cfs} as c`, 'c.cf_id', 'x.cf_id')
    .distinctOn('x.cf_id')
    .select([idHex('x.cf_id').as('cf_id'), 'd.rule', 'd.reason', 'd.evidence'])
    .select(STORED_CF_COLUMNS)
    .where('x.version_no', '=', versionNoOf(versionB))
    .where('x.cf_id', '=', anyOfIdBytes(ids))
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
  lastBuildA: LogPosition | null,
  versionB: string,
  ids: readonly string[],
): Promise<Map<string, DiffCause>> {
  if (ids.length === 0) return new Map();
  const cfs = await db
    .selectFrom(T.cfs)
    .select([idHex('cf_id').as('cf_id'), 'valid_from'])
    .where('cf_id', '=', anyOfIdBytes(ids))
    .execute();
  // A's decisions up to its latest build as of the moment (none: no build of A by then)
  const before =
    lastBuildA === null
      ? []
      : await db
          .selectFrom(`${T.exclusions} as x`)
          .innerJoin(`${T.decisions} as d`, 'd.decision_id', 'x.decision_id')
          .distinctOn('x.cf_id')
          .select([idHex('x.cf_id').as('cf_id'), 'd.rule', 'd.reason'])
          .where('x.version_no', '=', versionNoOf(versionA))
          .where('x.cf_id', '=', anyOfIdBytes(ids))
          .where('x.build_position', '<=', positionToDb(lastBuildA))
          .orderBy('x.cf_id')
          .orderBy('x.build_position', 'desc')
          .execute();
  const beforeOf = new Map(before.map((r) => [r.cf_id, r]));
  // The evidence B was cut with: an added CF is a member of B, and of other versions too, whose
  // evidence names other approvals (later ones, for a later version).
  const evidence = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.decisions} as d`, 'd.decision_id', 'm.decision_id')
    .leftJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
    .select([idHex('m.cf_id').as('cf_id'), 'd.evidence'])
    .select(STORED_CF_COLUMNS)
    .where('m.version_no', '=', versionNoOf(versionB))
    .where('m.cf_id', '=', anyOfIdBytes(ids))
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
