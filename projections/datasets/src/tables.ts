// The datasets projection's tables. Facts carry the position they became true (valid_from) and,
// where they can stop being true, the position they stopped (valid_to, null = still true), so
// "as of P" is a WHERE clause. Versions, members and decisions are immutable once cut.
import { sql, type ColumnType, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { CfId, Manifest, VersionId } from '@cairn/schemas';
import type { CfKind } from '@cairn/assembly';
import {
  type DATASETS_LINEAGE_EDGES_TABLE,
  DATASETS_LINEAGE_NODES_TABLE,
  createDatasetsLineageEdgesView,
  createLineageNodesTable,
  type LineageDatabase,
} from '@cairn/lineage';
import { idHex } from '@cairn/projector';
import { migrateLiveIndexTable, type LiveIndexDatabase } from './live-index-table.js';

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
  decisions: 'datasets_decisions',
  members: 'datasets_members',
  exclusions: 'datasets_exclusions',
  runs: 'datasets_runs',
} as const satisfies Record<string, keyof DatasetsDatabase>; // a table renamed here and not there fails to compile

/** An int8 column: both drivers read it as decimal text (see the projector's positions.ts) and positions are sent so. */
type Int8 = string;
/** A jsonb column: read as the value, written as its JSON text (PGlite and pg both take it for a jsonb parameter). */
type Jsonb<T> = ColumnType<T, string, string>;
/** A timestamptz column: read as a Date, written as a Date or its ISO text. */
type Timestamptz = ColumnType<Date, Date | string, Date | string>;
/** A bytea column: read as bytes, written as bytes (or by COPY as its hex text). */
type Bytea = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

/** A datasets_cfs row: one per CF; valid_to = the first position it was amended, superseded or deprecated. */
export interface DatasetsCfsTable {
  /**
   * The CF id's 32 bytes, as are author, commitment, amends and supersedes (@cairn/projector's
   * id-bytes: idHex reads it back as the id; a CF's rows are found by idBytes(id), as no index
   * holds the hex).
   */
  cf_id: Bytea;
  kind: CfKind;
  /** The signer's contributor id (64 lowercase hex by the envelope's schema), as its 32 bytes. */
  author: Bytea;
  source: string | null;
  license: string | null;
  /** The content commitment's value (a SHA-256 or HMAC-SHA-256 digest, 64 lowercase hex), as its 32 bytes. */
  commitment: Bytea | null;
  /** The sample's own signed personalData (false for labels and validations). */
  personal_data: boolean;
  label_type: string | null;
  /** The CF ids a label or validation is about ([] for a sample). */
  targets: Jsonb<string[]>;
  amends: Bytea | null;
  supersedes: Bytea | null;
  /** A validation's verdict: 1 approve, 0 reject, else its score. */
  verdict: number | null;
  valid_from: Int8;
  valid_to: Int8 | null;
  recorded_at: Timestamptz;
}

/** A datasets_builds row: one per cut of a (dataset, manifest); valid until the next cut (valid_to). */
export interface DatasetsBuildsTable {
  dataset: string;
  manifest_id: string;
  position: Int8;
  version_id: string;
  cause: 'requested' | 'amended' | 'superseded' | 'deprecated' | 'erased';
  cause_event_id: string;
  valid_to: Int8 | null;
}

/** A datasets_versions row: a version id fixes its members, so a version is stored once. */
export interface DatasetsVersionsTable {
  version_id: string;
  /**
   * The version's number, 1 for the first version cut, then one more for each new one (cut order,
   * so a rebuild from the same log numbers them alike): members and exclusions name their version
   * by it, 4 bytes a row where its id takes 65.
   */
  version_no: number;
  dataset: string;
  manifest_id: string;
  merkle_root: string;
  member_count: number;
  position: Int8;
  /** The event that first cut it, and its time: its members' selected-into edges are stated by it. */
  event_id: string;
  recorded_at: Timestamptz;
  /** The sorted member ids, packed (assembly's packIds). */
  members: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
  /** The members counted by contributor, source and license, as cut (cut-version.ts storeTallies). */
  tallies: ColumnType<VersionTallies, never, never>;
}

/** [key, members] pairs, most members first then by key; a null key is a CF without one. */
export interface VersionTallies {
  readonly author: readonly (readonly [string | null, number])[];
  readonly source: readonly (readonly [string | null, number])[];
  readonly license: readonly (readonly [string | null, number])[];
}

/** Decision evidence as stored: evidence-json.ts's JSON form. */
type EvidenceJson = Jsonb<unknown>;

/**
 * A datasets_decisions row: one per distinct decision (rule, reason, evidence as stored), keyed by
 * its digest (decisions.ts). Members and exclusions name their decision by that key: most CFs of a
 * version are decided alike, so the reason and evidence are stored once, not once per member.
 */
export interface DatasetsDecisionsTable {
  decision_id: Bytea;
  /** The rule that turned the CF away; '' for an inclusion. */
  rule: string;
  reason: string;
  evidence: EvidenceJson;
}

/**
 * The datasets tables by the names they have in the store's schema (the handle's search_path picks
 * the schema, so a scratch rebuild uses the same names). migrateDatasetsTables makes exactly these
 * columns; a column added to one must be added to the other. datasets_lineage_nodes has lineage's
 * shape (lineage's functions create and fill it), datasets_lineage_selected_into is the view of the
 * members as lineage edges (selectedIntoRows), and datasets_live_index is the live index's record
 * (live-index-table.ts).
 */
export interface DatasetsDatabase {
  datasets_cfs: DatasetsCfsTable;
  datasets_deprecations: { event_id: string; cf_id: string; reason: string; note: string | null; author: string; position: Int8 };
  /** One row per SampleErased: the sample and what depends on it leave every later cut. */
  datasets_erasures: { event_id: string; cf_id: string; reason: string; author: string; position: Int8 };
  datasets_assets: { asset_id: string; name: string; author: string; transformations: Jsonb<unknown>; position: Int8 };
  datasets_asset_members: { asset_id: string; cf_id: string; position: Int8 };
  datasets_manifests: { manifest_id: string; manifest: Jsonb<Manifest>; event_id: string; position: Int8 };
  datasets_datasets: { name: string; event_id: string; position: Int8 };
  datasets_builds: DatasetsBuildsTable;
  datasets_versions: DatasetsVersionsTable;
  datasets_decisions: DatasetsDecisionsTable;
  /** A member row: the version by its number, the CF id as its 32 bytes (idHex reads it back as the id). */
  datasets_members: { version_no: number; cf_id: Bytea; decision_id: Bytea };
  datasets_exclusions: { build_position: Int8; version_no: number; cf_id: Bytea; decision_id: Bytea };
  datasets_runs: { run_id: string; dataset: string; version_id: string; model_hash: string; event_id: string; position: Int8 };
  // by lineage's names for them, with lineage's row types: lineage's functions create and fill the
  // nodes table; the edges are a view of datasets_members (selectedIntoRows)
  [DATASETS_LINEAGE_NODES_TABLE]: LineageDatabase[typeof DATASETS_LINEAGE_NODES_TABLE];
  [DATASETS_LINEAGE_EDGES_TABLE]: LineageDatabase[typeof DATASETS_LINEAGE_EDGES_TABLE];
  datasets_live_index: LiveIndexDatabase['datasets_live_index'];
}

/**
 * A CF id read back from these tables. Every cf_id, target, amends and supersedes was written from
 * a decoded event (its id, or a payload field the decoder checked as a CfId), so the brand is what
 * the row already is.
 */
export const storedCfId = (id: string): CfId => id as CfId;
export const storedCfIdOrNull = (id: string | null | undefined): CfId | null => (id === null || id === undefined ? null : storedCfId(id));
/**
 * A version id read back from these tables: written by cutVersion (assembly's datasetVersionId), or
 * for a run the version its decoded TrainingRunRecorded names.
 */
export const storedVersionId = (id: string): VersionId => id as VersionId;
export const storedVersionIdOrNull = (id: string | null | undefined): VersionId | null =>
  id === null || id === undefined ? null : storedVersionId(id);

/**
 * The same store handle, typed for the datasets reads: for another projection's answers that read
 * these tables through this package (the handle's schema holds every projection's tables).
 */
export function asDatasetsHandle<DB>(db: Kysely<DB>): Kysely<DatasetsDatabase> {
  return db as unknown as Kysely<DatasetsDatabase>;
}

/**
 * The same store handle, typed for lineage's functions: the handle's schema holds every
 * projection's tables. Used for lineage's table functions on the datasets_lineage_* tables (which
 * DatasetsDatabase holds with lineage's own row types) and for lineage's reads the report takes.
 */
export function asLineageHandle(db: Transaction<DatasetsDatabase>): Transaction<LineageDatabase>;
export function asLineageHandle(db: Kysely<DatasetsDatabase>): Kysely<LineageDatabase>;
export function asLineageHandle(db: Kysely<DatasetsDatabase>): Kysely<LineageDatabase> {
  return db as unknown as Kysely<LineageDatabase>;
}

/**
 * The projection's tables (what a rebuild drops and a dump compares). Not the selected-into view:
 * it holds no rows of its own, and dropping datasets_members drops it with it (cascade).
 */
export const DATASETS_TABLES: readonly string[] = [...Object.values(T), DATASETS_LINEAGE_NODES_TABLE];

/**
 * The version number that members and exclusions name `versionId` by (null for an unknown
 * version, which then has no rows): one key look-up the planner runs first, so a read of a
 * version's members walks their key (version_no, cf_id) as it walked (version_id, cf_id).
 */
export const versionNoOf = (versionId: string): RawBuilder<number> =>
  sql<number>`(select ${sql.ref(`${T.versions}.version_no`)} from ${sql.table(T.versions)} where ${sql.ref(`${T.versions}.version_id`)} = ${versionId})`;

/** A join of a text CF id column (erasures, asset members) with a stored one (members, exclusions). */
export const sameCf = (textColumn: string, bytesColumn: string): RawBuilder<boolean> =>
  sql<boolean>`${sql.ref(textColumn)} = ${idHex(bytesColumn)}`;

/**
 * The selected-into edges (member CF → version) in lineage_edges' shape, read by the graph
 * queries: one per row of datasets_members, stated by the event that cut the version. A view, so
 * a membership is stored once; an edge is found by its from end as bytes (from_bytes, the stored
 * cf_id: lineage's SelectedIntoView) through datasets_members' index on cf_id, and by its to end
 * through the versions' key and then the members' key (version_no, cf_id).
 */
const selectedIntoRows = sql`select 'selected-into'::text as edge_type, ${idHex('m.cf_id')} as from_id, v.version_id as to_id,
    v.event_id, v.position, v.recorded_at, m.cf_id as from_bytes
  from ${sql.table(T.members)} m join ${sql.table(T.versions)} v on v.version_no = m.version_no`;

export async function migrateDatasetsTables(db: Kysely<DatasetsDatabase>): Promise<void> {
  const statements = [
    // one row per CF; valid_to = first position it was amended, superseded or deprecated;
    // personal_data = the sample's own signed personalData (a passport counts them without the log);
    // the CF id, author, commitment, amends and supersedes are 64 lowercase hex by the event schema,
    // so each is kept as its 32 bytes (33 in the row and key, not 65), and bytea orders as the hex does
    sql`create table if not exists ${sql.table(T.cfs)} (
      cf_id bytea primary key, kind text not null, author bytea not null,
      source text, license text, commitment bytea, personal_data boolean not null, label_type text,
      targets jsonb not null, amends bytea, supersedes bytea, verdict double precision,
      valid_from bigint not null, valid_to bigint, recorded_at timestamptz not null)`,
    sql`create index if not exists datasets_cfs_valid_from on ${sql.table(T.cfs)} (valid_from)`,
    // a CF is looked up by what it amends or supersedes (an equality, which no null meets), and most
    // CFs replace none: so these hold only the CFs that do
    sql`create index if not exists datasets_cfs_amends on ${sql.table(T.cfs)} (amends) where amends is not null`,
    sql`create index if not exists datasets_cfs_supersedes on ${sql.table(T.cfs)} (supersedes) where supersedes is not null`,
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
    // version_no: the version's number in cut order (cut-version.ts), members and exclusions name it so
    sql`create table if not exists ${sql.table(T.versions)} (
      version_id text primary key, version_no integer not null unique, dataset text not null, manifest_id text not null, merkle_root text not null,
      member_count integer not null, position bigint not null, event_id text not null,
      recorded_at timestamptz not null, members bytea not null, tallies jsonb not null default '{}')`,
    // one row per distinct decision, keyed by its digest (decisions.ts); members and exclusions name it
    sql`create table if not exists ${sql.table(T.decisions)} (
      decision_id bytea primary key, rule text not null, reason text not null, evidence jsonb not null)`,
    // a member names its version by number and its CF by the id's 32 bytes: the row and its key
    // repeat both for every member, so they cost 4 + 33 bytes, not 65 + 65 (bytea orders as the
    // lowercase hex ids do, so the key keeps a version's members in id order)
    sql`create table if not exists ${sql.table(T.members)} (
      version_no integer not null, cf_id bytea not null, decision_id bytea not null,
      primary key (version_no, cf_id))`,
    // a CF's member rows, by the stored bytes: lineage's walks compare the selected-into view's from_bytes
    sql`create index if not exists datasets_members_cf on ${sql.table(T.members)} (cf_id)`,
    // build_position first: it is 8-aligned, so no padding precedes it
    sql`create table if not exists ${sql.table(T.exclusions)} (
      build_position bigint not null, version_no integer not null, cf_id bytea not null, decision_id bytea not null,
      primary key (version_no, build_position, cf_id))`,
    sql`create index if not exists datasets_exclusions_cf on ${sql.table(T.exclusions)} (cf_id)`,
    sql`create table if not exists ${sql.table(T.runs)} (
      run_id text primary key, dataset text not null, version_id text not null, model_hash text not null,
      event_id text not null, position bigint not null)`,
    sql`create index if not exists datasets_runs_version on ${sql.table(T.runs)} (version_id)`,
  ];
  for (const statement of statements) await statement.execute(db);
  await createDatasetsLineageEdgesView(asLineageHandle(db), selectedIntoRows);
  await createLineageNodesTable(asLineageHandle(db), DATASETS_LINEAGE_NODES_TABLE);
  await migrateLiveIndexTable(db);
}
