// The assembly facts of the log up to a position, read back from the projection's tables in
// log order (ORDER BY position: assembly must never depend on the order rows were inserted).
import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb, positionToDb } from '@cairn/projector';
import type { AssemblyFacts, AssetFact, CfFact, CfKind } from '@cairn/assembly';
import { T, type DatasetsDatabase } from './tables.js';

interface CfRow {
  cf_id: string;
  kind: CfKind;
  author: string;
  source: string | null;
  license: string | null;
  commitment: string | null;
  label_type: string | null;
  targets: string[];
  amends: string | null;
  supersedes: string | null;
  verdict: number | null;
  valid_from: string;
}

export async function loadFacts(db: Kysely<DatasetsDatabase>, upTo: LogPosition): Promise<AssemblyFacts> {
  const at = positionToDb(upTo);
  const cfRows = await sql<CfRow>`select cf_id, kind, author, source, license, commitment, label_type, targets, amends, supersedes,
      verdict, valid_from from ${sql.table(T.cfs)} where valid_from <= ${at}::bigint order by valid_from`.execute(db);
  const cfs: CfFact[] = cfRows.rows.map((r) => ({
    cfId: r.cf_id,
    kind: r.kind,
    author: r.author,
    position: positionFromDb(r.valid_from),
    source: r.source,
    license: r.license,
    commitment: r.commitment,
    labelType: r.label_type,
    targets: r.targets,
    amends: r.amends,
    supersedes: r.supersedes,
    verdict: r.verdict === null ? null : Number(r.verdict),
  }));
  const depRows = await sql<{ cf_id: string; event_id: string; position: string; reason: string }>`select cf_id, event_id, position, reason
    from ${sql.table(T.deprecations)} where position <= ${at}::bigint order by position`.execute(db);
  const erasureRows = await sql<{ cf_id: string; event_id: string; position: string }>`select cf_id, event_id, position
    from ${sql.table(T.erasures)} where position <= ${at}::bigint order by position`.execute(db);
  const memberRows = await sql<{ asset_id: string; cf_id: string; position: string }>`select asset_id, cf_id, position
    from ${sql.table(T.assetMembers)} where position <= ${at}::bigint order by position, asset_id, cf_id`.execute(db);
  const assets = new Map<string, { position: bigint; members: string[] }>();
  for (const r of memberRows.rows) {
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
    deprecations: depRows.rows.map((r) => ({ cfId: r.cf_id, eventId: r.event_id, position: positionFromDb(r.position), reason: r.reason })),
    assets: assetFacts,
    erasures: erasureRows.rows.map((r) => ({ cfId: r.cf_id, eventId: r.event_id, position: positionFromDb(r.position) })),
  };
}
