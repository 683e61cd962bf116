// The datasets projection's tables. Facts carry the position they became true (valid_from) and,
// where they can stop being true, the position they stopped (valid_to, null = still true), so
// "as of P" is a WHERE clause. Versions, members and decisions are immutable once cut.
import { sql, type Kysely } from 'kysely';
import type { AnyDB } from '@cairn/projector';
import {
  DATASETS_LINEAGE_EDGES_TABLE,
  DATASETS_LINEAGE_NODES_TABLE,
  createLineageEdgesTable,
  createLineageNodesTable,
} from '@cairn/lineage';
import { migrateLiveIndexTable } from './live-index-table.js';

export const T = {
  cfs: 'datasets_cfs',
  deprecations: 'datasets_deprecations',
  erasures: 'datasets_erasures',
  assets: 'datasets_assets',
  assetMembers: 'datasets_asset_members',
  manifests: 'datasets_manifests',
  datasets: 'datasets_datasets',
  builds: 'datasets_builds',
  versions: 'datasets_versions',
  members: 'datasets_members',
  exclusions: 'datasets_exclusions',
  runs: 'datasets_runs',
} as const;

export const DATASETS_TABLES: readonly string[] = [...Object.values(T), DATASETS_LINEAGE_NODES_TABLE, DATASETS_LINEAGE_EDGES_TABLE];

export async function migrateDatasetsTables(db: Kysely<AnyDB>): Promise<void> {
  const statements = [
    // one row per CF; valid_to = first position it was amended, superseded or deprecated;
    // personal_data = the sample's own signed personalData (a passport counts them without the log)
    sql`create table if not exists ${sql.table(T.cfs)} (
      cf_id text primary key, kind text not null, author text not null,
      source text, license text, commitment text, personal_data boolean not null, label_type text,
      targets jsonb not null, amends text, supersedes text, verdict double precision,
      valid_from bigint not null, valid_to bigint, recorded_at timestamptz not null)`,
    sql`create index if not exists datasets_cfs_valid_from on ${sql.table(T.cfs)} (valid_from)`,
    sql`create index if not exists datasets_cfs_amends on ${sql.table(T.cfs)} (amends)`,
    sql`create index if not exists datasets_cfs_supersedes on ${sql.table(T.cfs)} (supersedes)`,
    sql`create table if not exists ${sql.table(T.deprecations)} (
      event_id text primary key, cf_id text not null, reason text not null, note text,
      author text not null, position bigint not null)`,
    sql`create index if not exists datasets_deprecations_cf on ${sql.table(T.deprecations)} (cf_id, position)`,
    // one row per SampleErased: the sample and what depends on it leave every later cut
    sql`create table if not exists ${sql.table(T.erasures)} (
      event_id text primary key, cf_id text not null, reason text not null, author text not null, position bigint not null)`,
    sql`create index if not exists datasets_erasures_cf on ${sql.table(T.erasures)} (cf_id, position)`,
    sql`create table if not exists ${sql.table(T.assets)} (
      asset_id text primary key, name text not null, author text not null, transformations jsonb not null, position bigint not null)`,
    sql`create table if not exists ${sql.table(T.assetMembers)} (
      asset_id text not null, cf_id text not null, position bigint not null, primary key (asset_id, cf_id))`,
    sql`create index if not exists datasets_asset_members_cf on ${sql.table(T.assetMembers)} (cf_id)`,
    sql`create table if not exists ${sql.table(T.manifests)} (
      manifest_id text primary key, manifest jsonb not null, event_id text not null, position bigint not null)`,
    sql`create table if not exists ${sql.table(T.datasets)} (
      name text primary key, event_id text not null, position bigint not null)`,
    // every cut of a (dataset, manifest), requested or re-assembled; valid until the next cut
    sql`create table if not exists ${sql.table(T.builds)} (
      dataset text not null, manifest_id text not null, position bigint not null, version_id text not null,
      cause text not null, cause_event_id text not null, valid_to bigint,
      primary key (dataset, manifest_id, position))`,
    sql`create index if not exists datasets_builds_version on ${sql.table(T.builds)} (version_id, position)`,
    // a version id fixes its members, so a version is stored once, with its sorted member ids packed
    sql`create table if not exists ${sql.table(T.versions)} (
      version_id text primary key, dataset text not null, manifest_id text not null, merkle_root text not null,
      member_count integer not null, position bigint not null, members bytea not null)`,
    sql`create table if not exists ${sql.table(T.members)} (
      version_id text not null, cf_id text not null, reason text not null, evidence jsonb not null,
      primary key (version_id, cf_id))`,
    sql`create index if not exists datasets_members_cf on ${sql.table(T.members)} (cf_id)`,
    sql`create table if not exists ${sql.table(T.exclusions)} (
      version_id text not null, build_position bigint not null, cf_id text not null,
      rule text not null, reason text not null, evidence jsonb not null,
      primary key (version_id, build_position, cf_id))`,
    sql`create index if not exists datasets_exclusions_cf on ${sql.table(T.exclusions)} (cf_id)`,
    sql`create table if not exists ${sql.table(T.runs)} (
      run_id text primary key, dataset text not null, version_id text not null, model_hash text not null,
      event_id text not null, position bigint not null)`,
    sql`create index if not exists datasets_runs_version on ${sql.table(T.runs)} (version_id)`,
  ];
  for (const statement of statements) await statement.execute(db);
  await createLineageEdgesTable(db, DATASETS_LINEAGE_EDGES_TABLE);
  await createLineageNodesTable(db, DATASETS_LINEAGE_NODES_TABLE);
  await migrateLiveIndexTable(db);
}
