// Reads of the graph shared by history and trace: edges and nodes from the lineage tables and,
// when the datasets projection has created them, its tables of the same shape (the union is the
// graph). Every read is bounded by a position, so "as of" is a WHERE clause.
import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb } from '@cairn/projector';
import type { AnyDB } from '@cairn/projector';
import {
  DATASETS_LINEAGE_EDGES_TABLE,
  DATASETS_LINEAGE_NODES_TABLE,
  LINEAGE_EDGES_TABLE,
  LINEAGE_NODES_TABLE,
  LINEAGE_NODE_STATES_TABLE,
  type EdgeType,
  type LineageEdge,
  type LineageNode,
  type NodeKind,
  type NodeState,
} from './tables.js';

async function existing(db: Kysely<AnyDB>, tables: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const table of tables) {
    const r = await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(db);
    if (r.rows[0]?.t) found.push(table);
  }
  return found;
}

const bound = (asOf: LogPosition | null | undefined) => (asOf === undefined ? null : asOf === null ? '-1' : asOf.toString());

interface EdgeRow {
  edge_type: string;
  from_id: string;
  to_id: string;
  event_id: string;
  position: string;
  recorded_at: Date;
}

/** Edges touching any of `ids` (as from or to), valid as of the bound, in a stable order. */
export async function edgesTouching(
  db: Kysely<AnyDB>,
  ids: readonly string[],
  side: 'from' | 'to' | 'either',
  asOf: LogPosition | null | undefined,
): Promise<LineageEdge[]> {
  if (ids.length === 0) return [];
  const tables = await existing(db, [LINEAGE_EDGES_TABLE, DATASETS_LINEAGE_EDGES_TABLE]);
  const limit = bound(asOf);
  const rows: EdgeRow[] = [];
  for (const table of tables) {
    const where =
      side === 'from'
        ? sql`from_id = any(${ids}::text[])`
        : side === 'to'
          ? sql`to_id = any(${ids}::text[])`
          : sql`(from_id = any(${ids}::text[]) or to_id = any(${ids}::text[]))`;
    const r = await sql<EdgeRow>`select edge_type, from_id, to_id, event_id, position, recorded_at from ${sql.table(table)}
      where ${where} and (${limit}::bigint is null or position <= ${limit}::bigint)`.execute(db);
    rows.push(...r.rows);
  }
  return rows
    .map((r) => ({
      type: r.edge_type as EdgeType,
      from: r.from_id,
      to: r.to_id,
      eventId: r.event_id,
      position: positionFromDb(r.position),
      recordedAt: new Date(r.recorded_at),
    }))
    .sort(compareEdges);
}

export function compareEdges(a: LineageEdge, b: LineageEdge): number {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  const ka = `${a.type}\u0000${a.from}\u0000${a.to}\u0000${a.eventId}`;
  const kb = `${b.type}\u0000${b.from}\u0000${b.to}\u0000${b.eventId}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export interface NodeView extends LineageNode {
  /** The node's state as of the bound (null: active, never changed). */
  readonly state: NodeState | null;
  readonly stateReason: string | null;
  readonly stateEventId: string | null;
}

interface NodeRow {
  node_id: string;
  kind: string;
  label: string;
  event_id: string;
  position: string;
}

/** The nodes among `ids` that exist as of the bound, with their state then. */
export async function nodesByIds(
  db: Kysely<AnyDB>,
  ids: readonly string[],
  asOf: LogPosition | null | undefined,
): Promise<Map<string, NodeView>> {
  const out = new Map<string, NodeView>();
  if (ids.length === 0) return out;
  const limit = bound(asOf);
  const tables = await existing(db, [LINEAGE_NODES_TABLE, DATASETS_LINEAGE_NODES_TABLE]);
  const rows: NodeRow[] = [];
  for (const table of tables) {
    const r = await sql<NodeRow>`select node_id, kind, label, event_id, position from ${sql.table(table)}
      where node_id = any(${ids}::text[]) and (${limit}::bigint is null or position <= ${limit}::bigint)`.execute(db);
    rows.push(...r.rows);
  }
  const states = (await existing(db, [LINEAGE_NODE_STATES_TABLE])).length
    ? await sql<{
        node_id: string;
        state: string;
        reason: string | null;
        event_id: string;
      }>`select node_id, state, reason, event_id from ${sql.table(LINEAGE_NODE_STATES_TABLE)}
        where node_id = any(${ids}::text[]) and (${limit}::bigint is null or valid_from <= ${limit}::bigint)
          and (valid_to is null or (${limit}::bigint is not null and valid_to > ${limit}::bigint))`.execute(db)
    : { rows: [] };
  const stateOf = new Map(states.rows.map((s) => [s.node_id, s]));
  for (const r of rows) {
    if (out.has(r.node_id)) continue;
    const s = stateOf.get(r.node_id);
    out.set(r.node_id, {
      id: r.node_id,
      kind: r.kind as NodeKind,
      label: r.label,
      eventId: r.event_id,
      position: positionFromDb(r.position),
      state: (s?.state as NodeState | undefined) ?? null,
      stateReason: s?.reason ?? null,
      stateEventId: s?.event_id ?? null,
    });
  }
  return out;
}

export interface StateChangeView {
  readonly nodeId: string;
  readonly state: NodeState;
  readonly reason: string | null;
  readonly eventId: string;
  readonly position: LogPosition;
}

export async function stateChanges(
  db: Kysely<AnyDB>,
  ids: readonly string[],
  asOf: LogPosition | null | undefined,
): Promise<StateChangeView[]> {
  if (ids.length === 0) return [];
  const limit = bound(asOf);
  const r = await sql<{
    node_id: string;
    state: string;
    reason: string | null;
    event_id: string;
    valid_from: string;
  }>`select node_id, state, reason, event_id, valid_from
    from ${sql.table(LINEAGE_NODE_STATES_TABLE)} where node_id = any(${ids}::text[]) and (${limit}::bigint is null or valid_from <= ${limit}::bigint)
    order by valid_from, node_id, state`.execute(db);
  return r.rows.map((s) => ({
    nodeId: s.node_id,
    state: s.state as NodeState,
    reason: s.reason,
    eventId: s.event_id,
    position: positionFromDb(s.valid_from),
  }));
}
