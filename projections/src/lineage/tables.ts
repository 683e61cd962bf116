// The lineage graph's tables, and the shared edge shape other projections write with.
//
// The graph is an append-only DAG: a node or an edge, once in, is never retracted (valid from its
// position on, forever). What changes over time is a node's state (amended, superseded,
// deprecated, erased), kept with history in lineage_node_states (valid_from/valid_to).
//
// selected-into edges (CF → dataset version) come from the datasets projection, which computes the
// versions. Each projection must own its tables (a rebuild drops only its own, and dumps compare
// one projection at a time), so the datasets projection keeps those edges in its own table with
// this same shape (create it with createLineageEdgesTable(db, DATASETS_LINEAGE_EDGES_TABLE) in its
// migrate, write with insertLineageEdges) and the graph queries read the union of both.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import type { AnyDB } from '../runner/projection.js';

export const LINEAGE_NODES_TABLE = 'lineage_nodes';
export const LINEAGE_NODE_STATES_TABLE = 'lineage_node_states';
export const LINEAGE_EDGES_TABLE = 'lineage_edges';
/** Owned (created, written, dropped) by the datasets projection; read by the graph queries. */
export const DATASETS_LINEAGE_EDGES_TABLE = 'datasets_lineage_edges';
/** Owned by the datasets projection: its dataset-version nodes, same shape as lineage_nodes. */
export const DATASETS_LINEAGE_NODES_TABLE = 'datasets_lineage_nodes';

export const EDGE_TYPES = [
  'contributed-by', // CF / asset / run → contributor who signed it
  'labels', // label CF → the CF it labels
  'validates', // validation CF → the CF it judges
  'amends', // new CF → the CF it corrects
  'supersedes', // new CF → the CF it replaces
  'deprecates', // contributor → the CF taken out of future assembly
  'derived-from', // asset → member CF; model → training run
  'selected-into', // CF → dataset version (written by the datasets projection)
  'trained-on', // training run → dataset version
] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

export const NODE_KINDS = ['contributor', 'sample', 'label', 'validation', 'asset', 'dataset-version', 'training-run', 'model'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export const NODE_STATES = ['amended', 'superseded', 'deprecated', 'erased'] as const;
export type NodeState = (typeof NODE_STATES)[number];

export interface LineageEdge {
  readonly type: EdgeType;
  readonly from: string;
  readonly to: string;
  /** The event that states this edge, and its log position (the edge is valid from there on). */
  readonly eventId: string;
  readonly position: LogPosition;
  readonly recordedAt: Date;
}

export interface LineageNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** A short human name: contributor name, sample source, "class = cat", asset name... */
  readonly label: string;
  readonly eventId: string;
  readonly position: LogPosition;
}

export async function createLineageEdgesTable(db: Kysely<AnyDB>, table: string): Promise<void> {
  await sql`create table if not exists ${sql.table(table)} (
    edge_type text not null,
    from_id text not null,
    to_id text not null,
    event_id text not null,
    position bigint not null,
    recorded_at timestamptz not null,
    primary key (from_id, edge_type, to_id, event_id)
  )`.execute(db);
  // Without B-tree deduplication: most edges point at a handful of ids (every CF is contributed-by
  // one of a few signers), and merging their TIDs into posting lists, then splitting those lists on
  // every later insert, cost a rebuild about a quarter of its edge-insert time.
  await sql`create index if not exists ${sql.id(`${table}_to`)} on ${sql.table(table)} (to_id, edge_type) with (deduplicate_items = off)`.execute(db);
}

export async function createLineageNodesTable(db: Kysely<AnyDB>, table: string): Promise<void> {
  await sql`create table if not exists ${sql.table(table)} (
    node_id text primary key,
    kind text not null,
    label text not null,
    event_id text not null,
    position bigint not null
  )`.execute(db);
}

/** One multi-row insert for the whole batch (per-event inserts cost the rebuild most of its speed). */
export async function insertLineageEdges(tx: Transaction<AnyDB>, table: string, edges: readonly LineageEdge[]): Promise<void> {
  if (edges.length === 0) return;
  await sql`insert into ${sql.table(table)} (edge_type, from_id, to_id, event_id, position, recorded_at)
    select * from unnest(${edges.map((e) => e.type)}::text[], ${edges.map((e) => e.from)}::text[], ${edges.map((e) => e.to)}::text[],
      ${edges.map((e) => e.eventId)}::text[], ${edges.map((e) => e.position.toString())}::bigint[], ${edges.map((e) => e.recordedAt.toISOString())}::timestamptz[])`.execute(tx);
}

/** Nodes are immutable: the first statement of a node wins (a re-registration does not rename it). */
export async function insertLineageNodes(tx: Transaction<AnyDB>, table: string, nodes: readonly LineageNode[]): Promise<void> {
  if (nodes.length === 0) return;
  await sql`insert into ${sql.table(table)} (node_id, kind, label, event_id, position)
    select * from unnest(${nodes.map((n) => n.id)}::text[], ${nodes.map((n) => n.kind)}::text[], ${nodes.map((n) => n.label)}::text[],
      ${nodes.map((n) => n.eventId)}::text[], ${nodes.map((n) => n.position.toString())}::bigint[])
    on conflict (node_id) do nothing`.execute(tx);
}
