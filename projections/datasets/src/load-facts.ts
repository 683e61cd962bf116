// The assembly facts of the log up to a position, read back from the projection's tables in
// log order (ORDER BY position: assembly must never depend on the order rows were inserted).
import type { Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb, positionToDb } from '@cairn/projector';
import type { AssemblyFacts, AssetFact, CfFact } from '@cairn/assembly';
import { T, type DatasetsDatabase } from './tables.js';

export async function loadFacts(db: Kysely<DatasetsDatabase>, upTo: LogPosition): Promise<AssemblyFacts> {
  const at = positionToDb(upTo);
  const cfRows = await db
    .selectFrom(T.cfs)
    .select([
      'cf_id',
      'kind',
      'author',
      'source',
      'license',
      'commitment',
      'label_type',
      'targets',
      'amends',
      'supersedes',
      'verdict',
      'valid_from',
    ])
    .where('valid_from', '<=', at)
    .orderBy('valid_from')
    .execute();
  const cfs: CfFact[] = cfRows.map((r) => ({
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
