// The datasets projection: keeps the facts assembly needs, cuts a version on every
// DatasetBuildRequested, and re-assembles a (dataset, manifest) whose current version is hit by
// an amendment, supersession, deprecation or erasure, so the new version has the same manifest and the
// old one stays readable. The assembly index the cuts need is kept in memory and extended as
// events are applied (live-indexes.ts says when it can be trusted), so a cut costs the rules and
// the Merkle root, not a re-read and re-index of the whole log prefix.
import { sql, type Transaction } from 'kysely';
import type { Manifest } from '@cairn/schemas';
import { EventNotApplicable, anyOfIdBytes, idBytes, idBytesOf } from '@cairn/projector';
import type { ProjectedEvent, Projection } from '@cairn/projector';
import { positionToDb } from '@cairn/projector';
import { contentIdOf } from '@cairn/assembly';
import { cutVersion, type BuildCause } from './cut-version.js';
import { cfFactOf, cfRowOf, endValidity, insertCfs, type CfRowInput } from './ingest.js';
import { LiveIndexes, coldBatchIndex, openBatchIndex, type BatchIndex } from './live-indexes.js';
import { DATASETS_TABLES, T, migrateDatasetsTables, type DatasetsDatabase } from './tables.js';

export const DATASETS_PROJECTION = 'datasets';

/** Indexes of datasets_cfs that migrateDatasetsTables creates when they are missing. */
const DEFERRABLE_CF_INDEXES = ['datasets_cfs_valid_from', 'datasets_cfs_amends', 'datasets_cfs_supersedes'] as const;

export interface DatasetsProjectionOptions {
  /**
   * Where the live assembly index is kept between batches (default: one owned by this projection
   * instance, so two instances never share one); null cuts every version from an index loaded from
   * the tables, the reference path.
   */
  readonly liveIndexes?: LiveIndexes | null;
}

/** The datasets projection; tests make several to play separate processes or the reference path. */
export function createDatasetsProjection(options: DatasetsProjectionOptions = {}): Projection<DatasetsDatabase> {
  const indexes = options.liveIndexes === undefined ? new LiveIndexes() : options.liveIndexes;
  return {
    name: DATASETS_PROJECTION,
    // 2: erasure became an assembly rule (datasets_erasures); a store projected by 1 rebuilds
    // 3: datasets_cfs.personal_data (the sample's personalData), so a store projected by 2 rebuilds
    // 4: datasets_versions.tallies (member counts by contributor, source, license), so a store projected by 3 rebuilds
    // 5: the selected-into edges are a view of datasets_members (datasets_lineage_selected_into), no longer
    // a second copy in datasets_lineage_edges, and datasets_versions names its cutting event, so a
    // store projected by 4 rebuilds
    // 6: decision evidence is stored compactly (evidence-json.ts), so a store projected by 5 rebuilds
    // 7: members and exclusions name their decision in datasets_decisions (decisions.ts) instead of
    // carrying its rule, reason and evidence, so a store projected by 6 rebuilds
    // 8: members and exclusions name their version by its number (datasets_versions.version_no) and
    // their CF by the id's 32 bytes, not by 64-hex text, so a store projected by 7 rebuilds
    // 9: datasets_cfs keeps its CF id, author, commitment, amends and supersedes as their 32 bytes,
    // not as 64-hex text, and indexes amends and supersedes only where set, and
    // datasets_members_cf is on cf_id's bytes, not its hex text (lineage's walks compare bytes), so a store projected by 8 rebuilds
    version: 9,
    tables: DATASETS_TABLES,
    // The types apply acts on; the runner skips the rest (see Projection.handles).
    handles: [
      'SampleContributed',
      'LabelContributed',
      'ValidationContributed',
      'ContributionDeprecated',
      'SampleErased',
      'AssetAssembled',
      'ManifestDefined',
      'DatasetDefined',
      'DatasetBuildRequested',
      'TrainingRunRecorded',
    ],
    migrate: migrateDatasetsTables,
    // The CF indexes apply never reads (answers do): a load from zero builds each once, sorted, at
    // its end (migrate creates them again) instead of keeping them up row by row. Not the key:
    // apply looks CFs up by id.
    dropDeferrableIndexes: async (tx) => {
      for (const index of DEFERRABLE_CF_INDEXES) await sql`drop index if exists ${sql.id(index)}`.execute(tx);
    },
    apply: async (tx, events) => {
      const first = events[0];
      const last = events[events.length - 1];
      if (first === undefined || last === undefined) return;
      const index = indexes === null ? coldBatchIndex() : await openBatchIndex(tx, indexes, first.position);
      await applyDatasetEvents(tx, events, index);
      await index.finish(tx, last.position);
    },
  };
}

export const datasetsProjection: Projection<DatasetsDatabase> = createDatasetsProjection();

async function applyDatasetEvents(tx: Transaction<DatasetsDatabase>, events: readonly ProjectedEvent[], index: BatchIndex): Promise<void> {
  // CF rows are written in bulk; anything that reads the tables flushes them first
  let pending: { row: CfRowInput; event: ProjectedEvent }[] = [];
  const flush = async () => {
    await insertCfs(tx, pending);
    pending = [];
  };
  for (const e of events) {
    const cf = cfRowOf(e);
    if (cf !== null) {
      pending.push({ row: cf, event: e });
      index.addCf(cfFactOf(cf, e));
      const target = cf.amends ?? cf.supersedes;
      if (target !== null) {
        await flush();
        await endValidity(tx, target, e);
        await reassemble(tx, target, cf.amends !== null ? 'amended' : 'superseded', e, index);
      }
      continue;
    }
    await flush();
    await applyOther(tx, e, index);
  }
  await flush();
}

async function applyOther(tx: Transaction<DatasetsDatabase>, e: ProjectedEvent, index: BatchIndex): Promise<void> {
  const ev = e.event;
  const at = positionToDb(e.position);
  switch (ev.type) {
    case 'ContributionDeprecated': {
      const p = ev.payload;
      await tx
        .insertInto(T.deprecations)
        .values({ event_id: e.id, cf_id: p.target, reason: p.reason, note: p.note ?? null, author: ev.signer, position: at })
        .onConflict((c) => c.doNothing())
        .execute();
      index.addDeprecation({ cfId: p.target, eventId: e.id, position: e.position, reason: p.reason });
      await endValidity(tx, p.target, e);
      await reassemble(tx, p.target, 'deprecated', e, index);
      return;
    }
    case 'SampleErased': {
      const p = ev.payload;
      await tx
        .insertInto(T.erasures)
        .values({ event_id: e.id, cf_id: p.sample, reason: p.reason, author: ev.signer, position: at })
        .onConflict((c) => c.doNothing())
        .execute();
      index.addErasure({ cfId: p.sample, eventId: e.id, position: e.position });
      await reassembleErased(tx, e, index);
      return;
    }
    case 'AssetAssembled': {
      const p = ev.payload;
      await tx
        .insertInto(T.assets)
        .values({ asset_id: e.id, name: p.name, author: ev.signer, transformations: JSON.stringify(p.transformations), position: at })
        .onConflict((c) => c.doNothing())
        .execute();
      // one parameter for all members (an array), not one per member: an asset may name very many
      await tx
        .insertInto(T.assetMembers)
        .columns(['asset_id', 'cf_id', 'position'])
        .expression(sql`select ${e.id}, m, ${at}::bigint from unnest(${[...p.members]}::text[]) as m`)
        .onConflict((c) => c.doNothing())
        .execute();
      index.addAsset({ assetId: e.id, eventId: e.id, position: e.position, members: p.members });
      return;
    }
    case 'ManifestDefined': {
      const manifestId = contentIdOf('manifest', ev.payload.manifest as never);
      await tx
        .insertInto(T.manifests)
        .values({ manifest_id: manifestId, manifest: JSON.stringify(ev.payload.manifest), event_id: e.id, position: at })
        .onConflict((c) => c.doNothing())
        .execute();
      return;
    }
    case 'DatasetDefined':
      await tx
        .insertInto(T.datasets)
        .values({ name: ev.payload.name, event_id: e.id, position: at })
        .onConflict((c) => c.doNothing())
        .execute();
      return;
    case 'DatasetBuildRequested': {
      const { dataset, manifestId } = ev.payload;
      const manifest = await manifestOf(tx, manifestId, e);
      await cutVersion(tx, { dataset, manifestId, manifest, cause: 'requested', event: e }, await index.at(tx, e.position));
      return;
    }
    case 'TrainingRunRecorded': {
      const p = ev.payload;
      await tx
        .insertInto(T.runs)
        .values({
          run_id: p.runId,
          dataset: p.dataset.name,
          version_id: p.dataset.versionId,
          model_hash: p.modelHash,
          event_id: e.id,
          position: at,
        })
        .onConflict((c) => c.doNothing())
        .execute();
      return;
    }
    default:
      return;
  }
}

async function manifestOf(tx: Transaction<DatasetsDatabase>, manifestId: string, e: ProjectedEvent): Promise<Manifest> {
  const row = await tx.selectFrom(T.manifests).select('manifest').where('manifest_id', '=', manifestId).executeTakeFirst();
  // the SDK refuses a build of an undefined manifest, so a missing one means a log written around it
  if (row === undefined)
    throw new EventNotApplicable(`DatasetBuildRequested ${e.id} names manifest ${manifestId}, which the log never defined`);
  return row.manifest;
}

/**
 * Cuts anew every current version holding a CF this erasure reaches (the sample, the labels and
 * validations about it, its amendments: erasure.ts), so no current version keeps erased data.
 */
async function reassembleErased(tx: Transaction<DatasetsDatabase>, e: ProjectedEvent, index: BatchIndex): Promise<void> {
  const facts = await index.at(tx, e.position);
  const k = facts.erasures.findIndex((x) => x.eventId === e.id);
  const reached: string[] = [];
  for (let c = 0; c < facts.erasedBy.length; c++) if (facts.erasedBy[c] === k) reached.push(facts.cfs.id(c));
  if (reached.length === 0) return;
  const hit = await sql<{ dataset: string; manifest_id: string; manifest: Manifest }>`
    select distinct b.dataset, b.manifest_id, mf.manifest from ${sql.table(T.builds)} b
    join ${sql.table(T.versions)} v on v.version_id = b.version_id
    join ${sql.table(T.members)} m on m.version_no = v.version_no
    join ${sql.table(T.manifests)} mf on mf.manifest_id = b.manifest_id
    where b.valid_to is null and m.cf_id = ${anyOfIdBytes(reached)}
    order by b.dataset, b.manifest_id`.execute(tx);
  for (const h of hit.rows) {
    await cutVersion(
      tx,
      { dataset: h.dataset, manifestId: h.manifest_id, manifest: h.manifest, cause: 'erased', event: e },
      await index.at(tx, e.position),
    );
  }
}

/**
 * Re-assembles every current version that `target` (or the CF it labels/validates) is a
 * member of. Current = the latest cut of its (dataset, manifest).
 */
async function reassemble(
  tx: Transaction<DatasetsDatabase>,
  target: string,
  cause: BuildCause,
  e: ProjectedEvent,
  index: BatchIndex,
): Promise<void> {
  const hit = await sql<{ dataset: string; manifest_id: string; manifest: Manifest }>`
    select distinct b.dataset, b.manifest_id, mf.manifest from ${sql.table(T.builds)} b
    join ${sql.table(T.versions)} v on v.version_id = b.version_id
    join ${sql.table(T.members)} m on m.version_no = v.version_no
    join ${sql.table(T.manifests)} mf on mf.manifest_id = b.manifest_id
    where b.valid_to is null and (m.cf_id = ${idBytes(target)} or m.cf_id in (
      select ${idBytesOf(sql<string>`t`)} from ${sql.table(T.cfs)}, jsonb_array_elements_text(targets) t where cf_id = ${idBytes(target)}))
    order by b.dataset, b.manifest_id`.execute(tx);
  for (const h of hit.rows) {
    await cutVersion(
      tx,
      { dataset: h.dataset, manifestId: h.manifest_id, manifest: h.manifest, cause, event: e },
      await index.at(tx, e.position),
    );
  }
}
