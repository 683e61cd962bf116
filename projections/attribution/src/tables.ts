// The attribution projection's tables. It keeps its own copy of the few facts it needs (labels,
// withdrawals, asset membership) rather than reading the datasets or lineage tables: a projection
// may depend only on the log prefix it has applied, and another projection can be at a different
// checkpoint (or rebuilding), which would make scores depend on timing. A CF's own facts (kind,
// contributor, source, license) are read from its event in the log (cf-facts.ts), not copied.
//
// Results are keyed by (run_id, scored_at): a run is scored again when a later GradientsRecorded
// replaces one of its splits, and earlier scorings stay readable (as of a position).
// Scores are double precision: every f32 score and f64 sum is exactly a double, Postgres (12+)
// prints float8 in the shortest text that round-trips, so a read gives back the same bits.
import { sql, type ColumnType, type Kysely } from 'kysely';
import type { GradientKind, LabelExclusions } from './kinds.js';
import type { AttributionParams } from './params.js';
import type { ShareEvidence, ShareKind } from './shares.js';

export const A = {
  labels: 'attribution_labels',
  withdrawals: 'attribution_withdrawals',
  assetMembers: 'attribution_asset_members',
  runs: 'attribution_runs',
  gradients: 'attribution_gradients',
  scorings: 'attribution_scorings',
  topK: 'attribution_top_k',
  cfValues: 'attribution_cf_values',
  shares: 'attribution_shares',
} as const satisfies Record<string, keyof AttributionDatabase>; // a table renamed here and not there fails to compile

export const ATTRIBUTION_TABLES: readonly string[] = Object.values(A);

/** An int8 column: both drivers read it as decimal text (see the projector's positions.ts) and positions are sent so. */
type Int8 = string;
/** A jsonb column: read as the value, written as its JSON text (cast with ::jsonb, as PGlite and pg both take it). */
type Jsonb<T> = ColumnType<T, string, string>;

/**
 * The attribution tables by the names they have in the store's schema (the handle's search_path
 * picks the schema, so a scratch rebuild uses the same names). The DDL below makes exactly these
 * columns; a column added to one must be added to the other.
 */
export interface AttributionDatabase {
  /** value: the RFC 8785 canonical JSON of the label's value. */
  attribution_labels: { label_id: string; target_id: string; label_type: string; value: string; position: Int8 };
  attribution_withdrawals: { event_id: string; cf_id: string; position: Int8 };
  attribution_asset_members: { asset_id: string; cf_id: string; asset_name: string; position: Int8 };
  attribution_runs: {
    run_id: string;
    dataset: string;
    version_id: string;
    /** null when the run's attribution settings are invalid; params_error says why. */
    params: Jsonb<AttributionParams | null>;
    params_error: string | null;
    event_id: string;
    position: Int8;
  };
  attribution_gradients: {
    event_id: string;
    run_id: string;
    split: 'train' | 'query';
    content_hash: string;
    rows: number;
    dims: number;
    row_map: Jsonb<string[]>;
    position: Int8;
    /** null on events recorded before kinds existed. */
    kind: GradientKind | null;
    weights_hash: string | null;
  };
  attribution_scorings: {
    run_id: string;
    scored_at: Int8;
    status: 'scored' | 'unscorable';
    reason: string | null;
    train_hash: string;
    query_hash: string;
    train_event: string;
    query_event: string;
    train_rows: number;
    query_rows: number;
    dims: number;
    params: Jsonb<AttributionParams>;
    shapley_reason: string | null;
    train_kind: GradientKind | null;
    weights_hash: string | null;
    shapley_excluded: Jsonb<LabelExclusions | null>;
  };
  attribution_top_k: {
    run_id: string;
    scored_at: Int8;
    query_row: number;
    rank: number;
    query_cf: string;
    train_row: number;
    cf_id: string;
    score: number;
  };
  attribution_cf_values: {
    run_id: string;
    scored_at: Int8;
    cf_id: string;
    first_row: number;
    row_count: number;
    influence: number;
    knn_shapley: number | null;
  };
  attribution_shares: {
    run_id: string;
    scored_at: Int8;
    kind: ShareKind;
    rank: number;
    key: string | null;
    credit: number;
    share: number | null;
    shapley_credit: number | null;
    shapley_share: number | null;
    cf_count: number;
    evidence: Jsonb<ShareEvidence<string>>;
  };
}

export async function migrateAttributionTables(db: Kysely<AttributionDatabase>): Promise<void> {
  const statements = [
    // a store of version 3 or older kept a copy of the CFs here; they are read from the log now
    sql`drop table if exists attribution_cfs`,
    // one row per (label, target); value is the RFC 8785 canonical JSON of the label's value
    sql`create table if not exists ${sql.table(A.labels)} (
      label_id text not null, target_id text not null, label_type text not null, value text not null, position bigint not null,
      primary key (label_id, target_id))`,
    sql`create index if not exists attribution_labels_target on ${sql.table(A.labels)} (target_id, label_type, position)`,
    sql`create table if not exists ${sql.table(A.withdrawals)} (
      event_id text primary key, cf_id text not null, position bigint not null)`,
    sql`create index if not exists attribution_withdrawals_cf on ${sql.table(A.withdrawals)} (cf_id, position)`,
    sql`create table if not exists ${sql.table(A.assetMembers)} (
      asset_id text not null, cf_id text not null, asset_name text not null, position bigint not null, primary key (asset_id, cf_id))`,
    sql`create index if not exists attribution_asset_members_cf on ${sql.table(A.assetMembers)} (cf_id, position)`,
    sql`create table if not exists ${sql.table(A.runs)} (
      run_id text primary key, dataset text not null, version_id text not null, params jsonb, params_error text,
      event_id text not null, position bigint not null)`,
    sql`create table if not exists ${sql.table(A.gradients)} (
      event_id text primary key, run_id text not null, split text not null, content_hash text not null,
      rows integer not null, dims integer not null, row_map jsonb not null, position bigint not null,
      kind text, weights_hash text)`,
    sql`create index if not exists attribution_gradients_run on ${sql.table(A.gradients)} (run_id, split, position)`,
    sql`create table if not exists ${sql.table(A.scorings)} (
      run_id text not null, scored_at bigint not null, status text not null, reason text,
      train_hash text not null, query_hash text not null, train_event text not null, query_event text not null,
      train_rows integer not null, query_rows integer not null, dims integer not null, params jsonb not null,
      shapley_reason text, train_kind text, weights_hash text, shapley_excluded jsonb, primary key (run_id, scored_at))`,
    sql`create table if not exists ${sql.table(A.topK)} (
      run_id text not null, scored_at bigint not null, query_row integer not null, rank integer not null,
      query_cf text not null, train_row integer not null, cf_id text not null, score double precision not null,
      primary key (run_id, scored_at, query_row, rank))`,
    sql`create table if not exists ${sql.table(A.cfValues)} (
      run_id text not null, scored_at bigint not null, cf_id text not null, first_row integer not null, row_count integer not null,
      influence double precision not null, knn_shapley double precision,
      primary key (run_id, scored_at, cf_id))`,
    sql`create table if not exists ${sql.table(A.shares)} (
      run_id text not null, scored_at bigint not null, kind text not null, rank integer not null, key text,
      credit double precision not null, share double precision, shapley_credit double precision, shapley_share double precision,
      cf_count integer not null, evidence jsonb not null,
      primary key (run_id, scored_at, kind, rank))`,
  ];
  for (const statement of statements) await statement.execute(db);
}
