// Reads of the graph shared by history and trace: edges and nodes from the lineage tables and,
// when the datasets projection has created them, its tables of the same shape (the union is the
// graph). Every read is bounded by a position, so "as of" is a WHERE clause.
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { anyOfIdBytes, anyOfText, idBytes, idBytesArray, isIdHex, positionFromDb } from '@cairn/projector';
import {
  BYTES_ENDS,
  DATASETS_LINEAGE_EDGES_TABLE,
  DATASETS_LINEAGE_NODES_TABLE,
  LINEAGE_CONTRIBUTED_BY_VIEW,
  LINEAGE_EDGES_TABLE,
  LINEAGE_NODES_TABLE,
  LINEAGE_NODE_STATES_TABLE,
  type EdgeType,
  type LineageDatabase,
  type LineageEdge,
  type LineageEdgesTableName,
  type LineageNode,
  type LineageNodesTable,
  type LineageNodesTableName,
  type NodeState,
} from './tables.js';

/** Which of `tables` exist, in the order given: one statement, as a walk asks it at every step. */
async function existing<TTable extends keyof LineageDatabase>(db: Kysely<LineageDatabase>, tables: readonly TTable[]): Promise<TTable[]> {
  const r = await sql<{ t: string }>`select t from unnest(${[...tables]}::text[]) as t where to_regclass(t) is not null`.execute(db);
  const found = new Set(r.rows.map((row) => row.t));
  return tables.filter((t) => found.has(t));
}

/**
 * The relations the graph's edges are in: lineage's edge rows, the contributed-by edges its nodes
 * keep, and the datasets projection's selected-into edges.
 */
const EDGE_RELATIONS: readonly LineageEdgesTableName[] = [LINEAGE_EDGES_TABLE, LINEAGE_CONTRIBUTED_BY_VIEW, DATASETS_LINEAGE_EDGES_TABLE];

/** The edge tables a walk reads (those of the projections the store has), for stepEdges' `tables`. */
export const edgeTables = (db: Kysely<LineageDatabase>): Promise<LineageEdgesTableName[]> => existing(db, EDGE_RELATIONS);

/** An edge's event id, whole: lineage_edges keeps null for the from node's own event (see LineageEdgesTable). */
const EDGE_EVENT = sql<string>`coalesce(event_id, from_id)`;
/** A node's event id, whole: lineage_nodes keeps null for a node that is its own event (see LineageNodesTable). */
const NODE_EVENT = sql<string>`coalesce(event_id, node_id)`;

type End = 'from_id' | 'to_id';

/** The column `table` holds `end` by as 32 bytes, if it keeps it so (see BYTES_ENDS). */
const bytesColumn = (table: LineageEdgesTableName, end: End): string | undefined => BYTES_ENDS[table]?.[end];

/** `end` of `table` = any of `ids`: as bytes where the table keeps that end so (ids that are no id left out). */
function endIsAnyOf(table: LineageEdgesTableName, end: End, ids: readonly string[]): RawBuilder<boolean> {
  const bytes = bytesColumn(table, end);
  return bytes === undefined ? sql<boolean>`${sql.ref(end)} = ${anyOfText(ids)}` : sql<boolean>`${sql.ref(bytes)} = ${anyOfIdBytes(ids)}`;
}

/**
 * Whether `id` could be stored at all: Postgres text holds no NUL (and refuses a parameter with
 * one), so an id with a NUL names no node and no edge. Every read leaves such ids out.
 */
const storable = (id: string): boolean => !id.includes('\u0000');

/** The position bound as sent (undefined: no bound; null: before the first event, so nothing). */
const bound = (asOf: LogPosition | null | undefined) => (asOf === undefined ? undefined : asOf === null ? '-1' : asOf.toString());

/** Edges touching any of `ids` (as from or to), valid as of the bound, in a stable order. */
export async function edgesTouching(
  db: Kysely<LineageDatabase>,
  asked: readonly string[],
  side: 'from' | 'to' | 'either',
  asOf: LogPosition | null | undefined,
): Promise<LineageEdge[]> {
  const ids = asked.filter(storable);
  if (ids.length === 0) return [];
  const tables = await edgeTables(db);
  const limit = bound(asOf);
  const edges: LineageEdge[] = [];
  for (const table of tables) {
    const rows = await db
      .selectFrom(table)
      .select(['edge_type', 'from_id', 'to_id', EDGE_EVENT.as('event_id'), 'position', 'recorded_at'])
      .where((eb) =>
        side === 'from'
          ? endIsAnyOf(table, 'from_id', ids)
          : side === 'to'
            ? endIsAnyOf(table, 'to_id', ids)
            : eb.or([endIsAnyOf(table, 'from_id', ids), endIsAnyOf(table, 'to_id', ids)]),
      )
      .$if(limit !== undefined, (q) => q.where('position', '<=', limit!))
      .execute();
    for (const r of rows) {
      edges.push({
        type: r.edge_type,
        from: r.from_id,
        to: r.to_id,
        eventId: r.event_id,
        position: positionFromDb(r.position),
        recordedAt: new Date(r.recorded_at),
      });
    }
  }
  return edges.sort(compareEdges);
}

/** Edge types whose `from` end is upstream; for every other type `to` is what `from` comes from. */
export const UPSTREAM_IS_FROM: readonly EdgeType[] = ['selected-into', 'deprecates'];

export interface StepRequest {
  /** The nodes a walk level starts from. */
  readonly frontier: readonly string[];
  /** Towards origins (-1) or towards what was built from the frontier (+1). */
  readonly sign: -1 | 1;
  readonly types: readonly EdgeType[] | undefined;
  readonly asOf: LogPosition | null | undefined;
  /** Only edges after this one in compareEdges order. */
  readonly after?: LineageEdge;
  /** Only edges whose far end is one of these. */
  readonly among?: readonly string[];
  readonly limit?: number;
  /** The edge tables to read (edgeTables), when the walk has found them already. */
  readonly tables?: readonly LineageEdgesTableName[];
}

const C = (column: string) => sql`${sql.ref(column)} collate "C"`;
/** compareEdges' order in SQL, over rows whose event_id is whole (EDGE_EVENT's). */
const ORDER = sql`position, ${C('edge_type')}, ${C('from_id')}, ${C('to_id')}, ${C('event_id')}`;
/** The same order over an edge table's own columns. */
const TABLE_ORDER = sql`position, ${C('edge_type')}, ${C('from_id')}, ${C('to_id')}, ${EDGE_EVENT} collate "C"`;

/**
 * The edges that take one step from the frontier in one direction, in compareEdges order (ids and
 * types are ASCII, where collate "C" orders as JavaScript compares). Each branch names the end on
 * the frontier's side, so the key (from_id, …) or the to-index (to_id, edge_type) finds it, and
 * the walk never reads the edges it would throw away: those going the other way.
 */
export async function stepEdges(db: Kysely<LineageDatabase>, asked: StepRequest): Promise<LineageEdge[]> {
  const r = { ...asked, frontier: asked.frontier.filter(storable), among: asked.among?.filter(storable) };
  if (r.frontier.length === 0 || r.among?.length === 0 || r.types?.length === 0) return [];
  const tables = r.tables ?? (await edgeTables(db));
  if (tables.length === 0) return [];
  const limit = bound(r.asOf);
  const flipped = sql`${[...UPSTREAM_IS_FROM]}::text[]`;
  // down (+1): the frontier is the upstream end; up (-1): the downstream end.
  const branches: { here: End; there: End; types: RawBuilder<unknown> }[] = [
    { here: r.sign > 0 ? 'to_id' : 'from_id', there: r.sign > 0 ? 'from_id' : 'to_id', types: sql`edge_type <> all(${flipped})` },
    { here: r.sign > 0 ? 'from_id' : 'to_id', there: r.sign > 0 ? 'to_id' : 'from_id', types: sql`edge_type = any(${flipped})` },
  ];
  const several = r.frontier.length > 1;
  // The frontier as bytes too, made once here, for the ends kept as bytes (text that is no id is
  // left out: it names none of them).
  const frontierBytes = idBytesArray(r.frontier.filter(isIdHex));
  const selects = tables.flatMap((table) =>
    branches.map((b) => {
      // One id is compared with `=`, not `= any(…)`: then the planner knows the to-index gives the
      // edges in position order, and a page of a hub's edges stops at its limit. Several ids are
      // each looked up in the index on their end (a lateral join over the ids): as `= any(…)` the
      // planner, which has no statistics on these tables, guesses that most edges match a frontier
      // of a few hundred ids and scans every edge of the store, on each page of the walk.
      // Where the table keeps this end as bytes, the frontier's bytes are compared with them, so
      // the table's index on the bytes finds the edges (an id's text form is an expression no
      // index holds).
      const bytes = bytesColumn(table, b.here);
      const here =
        bytes === undefined
          ? sql`${sql.ref(b.here)} = ${several ? sql`f.id` : sql`${r.frontier[0]!}::text`}`
          : sql`${sql.ref(bytes)} = ${several ? sql`f.id` : idBytes(r.frontier[0]!)}`;
      const where = [here, b.types];
      if (r.types !== undefined) where.push(sql`edge_type = ${anyOfText(r.types)}`);
      if (limit !== undefined) where.push(sql`position <= ${limit}::bigint`);
      if (r.among !== undefined) where.push(sql`${sql.ref(b.there)} = ${anyOfText(r.among)}`);
      if (r.after !== undefined) {
        const a = r.after;
        // the bare position bound is one the index can seek to; the row comparison alone is not
        where.push(sql`position >= ${a.position.toString()}::bigint`);
        where.push(
          sql`(position, ${C('edge_type')}, ${C('from_id')}, ${C('to_id')}, ${EDGE_EVENT} collate "C") > (${a.position.toString()}::bigint, ${a.type}::text, ${a.from}::text, ${a.to}::text, ${a.eventId}::text)`,
        );
      }
      const edges = sql`select edge_type, from_id, to_id, ${EDGE_EVENT} as event_id, position, recorded_at from ${sql.table(table)} where ${sql.join(where, sql` and `)}`;
      const select = !several
        ? edges
        : // offset 0: the lateral select stays one per id (an index lookup), never flattened into a join the planner may answer by scanning every edge
          sql`select e.* from ${bytes === undefined ? sql`unnest(${[...r.frontier]}::text[])` : sql`unnest(${frontierBytes})`} as f(id)
            cross join lateral (${edges} offset 0) e`;
      // A page's limit in each branch too: a branch ordered and limited on its own is read from
      // the (to_id, position) index in order and stops at the limit; under the union's one sort it
      // reads every edge of a hub to sort them.
      // (TABLE_ORDER: an ORDER BY expression names the table's columns, not the select's.)
      return r.limit === undefined
        ? select
        : !several
          ? sql`(${select} order by ${TABLE_ORDER} limit ${r.limit})`
          : sql`(${select} order by ${ORDER} limit ${r.limit})`;
    }),
  );
  const rows = await sql<
    Selectable<LineageDatabase['lineage_edges']> & { event_id: string }
  >`select * from (${sql.join(selects, sql` union all `)}) e
    order by ${ORDER} ${r.limit === undefined ? sql`` : sql`limit ${r.limit}`}`.execute(db);
  return rows.rows.map((row) => ({
    type: row.edge_type,
    from: row.from_id,
    to: row.to_id,
    eventId: row.event_id,
    position: positionFromDb(row.position),
    recordedAt: new Date(row.recorded_at),
  }));
}

/** Whether any edge touches `id` as of the bound. */
export async function hasEdges(db: Kysely<LineageDatabase>, id: string, asOf: LogPosition | null | undefined): Promise<boolean> {
  if (!storable(id)) return false;
  const limit = bound(asOf);
  for (const table of await edgeTables(db)) {
    for (const side of ['from_id', 'to_id'] as const) {
      const bytes = bytesColumn(table, side);
      const found = await db
        .selectFrom(table)
        .select('event_id')
        .where(bytes === undefined ? sql<boolean>`${sql.ref(side)} = ${id}` : sql<boolean>`${sql.ref(bytes)} = ${idBytes(id)}`)
        .$if(limit !== undefined, (q) => q.where('position', '<=', limit!))
        .limit(1)
        .executeTakeFirst();
      if (found !== undefined) return true;
    }
  }
  return false;
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

/** The nodes among `ids` that exist as of the bound, with their state then. */
export async function nodesByIds(
  db: Kysely<LineageDatabase>,
  asked: readonly string[],
  asOf: LogPosition | null | undefined,
): Promise<Map<string, NodeView>> {
  const out = new Map<string, NodeView>();
  const ids = asked.filter(storable);
  if (ids.length === 0) return out;
  const limit = bound(asOf);
  // the node tables and the states table found in one statement
  const found = await existing<LineageNodesTableName | typeof LINEAGE_NODE_STATES_TABLE>(db, [
    LINEAGE_NODES_TABLE,
    DATASETS_LINEAGE_NODES_TABLE,
    LINEAGE_NODE_STATES_TABLE,
  ]);
  const tables = found.filter((t): t is LineageNodesTableName => t !== LINEAGE_NODE_STATES_TABLE);
  const rows: LineageNodeRow[] = [];
  for (const table of tables) {
    // Each id looked up by the key (a lateral select per id, offset 0 so it is not flattened into
    // a join): as `node_id = any(…)` the planner, with no statistics, scans every node of the store.
    const bounded = limit === undefined ? sql`` : sql` and position <= ${limit}::bigint`;
    const found = await sql<LineageNodeRow>`select n.node_id, n.kind, n.label, n.event_id, n.position
      from unnest(${[...ids]}::text[]) as f(id)
      cross join lateral (select node_id, kind, label, ${NODE_EVENT} as event_id, position from ${sql.table(table)}
        where node_id = f.id${bounded} offset 0) n`.execute(db);
    rows.push(...found.rows);
  }
  const states = found.includes(LINEAGE_NODE_STATES_TABLE)
    ? await db
        .selectFrom(LINEAGE_NODE_STATES_TABLE)
        .select(['node_id', 'state', 'reason', 'event_id'])
        .where('node_id', '=', anyOfText(ids))
        // the state that holds at the bound: begun by then and not yet ended (open, or closed after it)
        .$if(limit !== undefined, (q) => q.where('valid_from', '<=', limit!))
        .where((eb) => (limit === undefined ? eb('valid_to', 'is', null) : eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', limit)])))
        .execute()
    : [];
  const stateOf = new Map(states.map((s) => [s.node_id, s]));
  for (const r of rows) {
    if (out.has(r.node_id)) continue;
    const s = stateOf.get(r.node_id);
    out.set(r.node_id, {
      id: r.node_id,
      kind: r.kind,
      label: r.label,
      eventId: r.event_id,
      position: positionFromDb(r.position),
      state: s?.state ?? null,
      stateReason: s?.reason ?? null,
      stateEventId: s?.event_id ?? null,
    });
  }
  return out;
}

/** A node row with its event id whole. */
type LineageNodeRow = Selectable<LineageNodesTable> & { event_id: string };

export interface StateChangeView {
  readonly nodeId: string;
  readonly state: NodeState;
  readonly reason: string | null;
  readonly eventId: string;
  readonly position: LogPosition;
}

export async function stateChanges(
  db: Kysely<LineageDatabase>,
  asked: readonly string[],
  asOf: LogPosition | null | undefined,
): Promise<StateChangeView[]> {
  const ids = asked.filter(storable);
  if (ids.length === 0) return [];
  const limit = bound(asOf);
  const rows = await db
    .selectFrom(LINEAGE_NODE_STATES_TABLE)
    .select(['node_id', 'state', 'reason', 'event_id', 'valid_from'])
    .where('node_id', '=', anyOfText(ids))
    .$if(limit !== undefined, (q) => q.where('valid_from', '<=', limit!))
    .orderBy('valid_from')
    .orderBy('node_id')
    .orderBy('state')
    .execute();
  return rows.map((s) => ({
    nodeId: s.node_id,
    state: s.state,
    reason: s.reason,
    eventId: s.event_id,
    position: positionFromDb(s.valid_from),
  }));
}
