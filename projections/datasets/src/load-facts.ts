// The assembly facts of the log up to a position, read back from the projection's tables in
// log order (ORDER BY position: assembly must never depend on the order rows were inserted).
import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { idHex, positionFromDb, positionToDb } from '@cairn/projector';
import type { AssemblyFacts, AssetFact, CfFact } from '@cairn/assembly';
import { T, type DatasetsDatabase } from './tables.js';

export async function loadFacts(db: Kysely<DatasetsDatabase>, upTo: LogPosition): Promise<AssemblyFacts> {
  const at = positionToDb(upTo);
  const cfs = await loadCfFacts(db, at);
  const depRows = await db
    .selectFrom(T.deprecations)
    .select(['cf_id', 'event_id', 'position', 'reason'])
    .where('position', '<=', at)
    .orderBy('position')
    .execute();
  const erasureRows = await db
    .selectFrom(T.erasures)
    .select(['cf_id', 'event_id', 'position'])
    .where('position', '<=', at)
    .orderBy('position')
    .execute();
  const memberRows = await db
    .selectFrom(T.assetMembers)
    .select(['asset_id', 'cf_id', 'position'])
    .where('position', '<=', at)
    .orderBy('position')
    .orderBy('asset_id')
    .orderBy('cf_id')
    .execute();
  const assets = new Map<string, { position: bigint; members: string[] }>();
  for (const r of memberRows) {
    const a = assets.get(r.asset_id) ?? { position: positionFromDb(r.position), members: [] };
    a.members.push(r.cf_id);
    assets.set(r.asset_id, a);
  }
  const assetFacts: AssetFact[] = [...assets].map(([assetId, a]) => ({
    assetId,
    eventId: assetId,
    position: a.position,
    members: a.members,
  }));
  return {
    cfs,
    deprecations: depRows.map((r) => ({ cfId: r.cf_id, eventId: r.event_id, position: positionFromDb(r.position), reason: r.reason })),
    assets: assetFacts,
    erasures: erasureRows.map((r) => ({ cfId: r.cf_id, eventId: r.event_id, position: positionFromDb(r.position) })),
  };
}

/** CF rows per page of loadCfFacts: one JSON text each, a few tens of MB at most. */
const CF_PAGE = 50_000;

type CfJsonRow = [
  cfId: string,
  kind: CfFact['kind'],
  author: string,
  source: string | null,
  license: string | null,
  commitment: string | null,
  labelType: string | null,
  targets: string[],
  amends: string | null,
  supersedes: string | null,
  verdict: number | string | null,
  validFrom: string,
];

/**
 * The CF facts up to `at` in position order, a page at a time, each page one JSON text: a row
 * per CF costs the driver a decode per field, where one text is one JSON.parse. valid_from is a
 * CF's own event's position, so it is unique and pages follow it.
 */
async function loadCfFacts(db: Kysely<DatasetsDatabase>, at: string): Promise<CfFact[]> {
  const cfs: CfFact[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { rows: string | null; last: string | null } | undefined = (
      await sql<{ rows: string | null; last: string | null }>`
        select json_agg(json_build_array(${idHex('cf_id')}, kind, ${idHex('author')}, source, license, ${idHex('commitment')},
            label_type, targets, ${idHex('amends')}, ${idHex('supersedes')},
            verdict, valid_from::text) order by valid_from)::text as rows, max(valid_from)::text as last
        from (select * from ${sql.table(T.cfs)} where valid_from <= ${at}::bigint
          ${after === null ? sql`` : sql`and valid_from > ${after}::bigint`} order by valid_from limit ${CF_PAGE}) c`.execute(db)
    ).rows[0];
    if (page?.rows == null || page.last === null) return cfs;
    for (const r of JSON.parse(page.rows) as CfJsonRow[]) {
      const verdict = r[10];
      cfs.push({
        cfId: r[0],
        kind: r[1],
        author: r[2],
        position: positionFromDb(r[11]),
        source: r[3],
        license: r[4],
        commitment: r[5],
        labelType: r[6],
        targets: r[7],
        amends: r[8],
        supersedes: r[9],
        // NaN and the infinities come as JSON strings; Number reads them as the float8 text did
        verdict: verdict === null ? null : Number(verdict),
      });
    }
    after = page.last;
  }
}
