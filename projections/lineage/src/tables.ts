// The lineage graph's tables, and the shared edge shape other projections write with.
//
// The graph is an append-only DAG: a node or an edge, once in, is never retracted (valid from its
// position on, forever). What changes over time is a node's state (amended, superseded,
// deprecated, erased), kept with history in lineage_node_states (valid_from/valid_to).
//
// selected-into edges (CF → dataset version) come from the datasets projection, which computes the
// versions. Each projection must own its tables (a rebuild drops only its own, and dumps compare
// one projection at a time), so the datasets projection offers those edges as a view of this same
// shape over its own members and versions (it keeps each membership once, not again as an edge
// row), and the graph queries read the union of both.
import { sql, type ColumnType, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { idBytesArray, idBytesCopyField, idHex, integerArrayLiteral, isIdHex, textArrayLiteral } from '@cairn/projector';
import { copyField, copyRows } from '@cairn/projector';

export const LINEAGE_NODES_TABLE = 'lineage_nodes';
export const LINEAGE_NODE_STATES_TABLE = 'lineage_node_states';
export const LINEAGE_EDGES_TABLE = 'lineage_edges';
/**
 * Owned by the datasets projection: a view of lineage_edges' shape over its members and versions
 * (the selected-into edges); read by the graph queries.
 */
export const DATASETS_LINEAGE_EDGES_TABLE = 'datasets_lineage_selected_into';
/** Owned by the datasets projection: its dataset-version nodes, same shape as lineage_nodes. */
export const DATASETS_LINEAGE_NODES_TABLE = 'datasets_lineage_nodes';
/**
 * The contributed-by edges that lineage_nodes keeps in the row of the node they leave (see
 * LineageOwnNodesTable), as a view of lineage_edges' shape; read by the graph queries with the
 * other edge relations.
 */
export const LINEAGE_CONTRIBUTED_BY_VIEW = 'lineage_contributed_by';

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

/** An int8 column: both drivers read it as decimal text (see the projector's positions.ts) and positions are sent so. */
type Int8 = string;

/**
 * A lineage_edges row (and a datasets_lineage_selected_into row: same shape). lineage_edges keeps
 * event_id null when the edge's event is its from node's own (a CF's contributed-by, labels,
 * amends … edges: most of the graph), so the id is stored once; reads give it back whole.
 */
export interface LineageEdgesTable {
  edge_type: EdgeType;
  from_id: string;
  to_id: string;
  event_id: string | null;
  position: Int8;
  recorded_at: ColumnType<Date, Date | string, Date | string>;
}

/**
 * A lineage_nodes row (and a datasets_lineage_nodes row: same shape). lineage_nodes keeps event_id
 * null when the node is the event that states it (every CF node), so the id is stored once; reads
 * give it back whole. datasets_lineage_nodes always holds it.
 */
export interface LineageNodesTable {
  node_id: string;
  kind: NodeKind;
  label: string;
  event_id: string | null;
  position: Int8;
}

/**
 * A lineage_nodes row. A node whose own statement also states its contributed-by edge (every CF,
 * asset and training run) keeps that edge's far end and time here, not as a lineage_edges row: the
 * edge's type, from end, event and position are the node's own, so a row of its own would repeat
 * all of them and need two more index entries. Null when the node has no such edge (a
 * contributor, a model) or when a second statement of the node (which the key refuses) stated it;
 * that edge stays a lineage_edges row. datasets_lineage_nodes has neither column.
 */
export interface LineageOwnNodesTable extends LineageNodesTable {
  /** The signer's contributor id as its 32 bytes (the view gives it back as hex text). */
  contributed_by: Uint8Array | null;
  recorded_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

/**
 * The contributed-by view's rows: lineage_edges' shape, and the to end (the signer) also as the 32
 * bytes lineage_nodes keeps it by, which its index holds: a walk from a signer compares those.
 */
export interface LineageContributedByView extends LineageEdgesTable {
  to_bytes: Uint8Array;
}

/**
 * The datasets projection's selected-into view: lineage_edges' shape, and the from end (the member
 * CF) also as the 32 bytes its members table keeps it by, which its CF index holds: a walk from a CF
 * compares those.
 */
export interface SelectedIntoView extends LineageEdgesTable {
  from_bytes: Uint8Array;
}

/** A node's state from valid_from until valid_to (null: still its state). */
export interface LineageNodeStatesTable {
  node_id: string;
  state: NodeState;
  reason: string | null;
  event_id: string;
  valid_from: Int8;
  valid_to: Int8 | null;
}

/**
 * The tables the lineage reads and writes, by the names they have in the store's schema (the
 * handle's search_path picks the schema, so a scratch rebuild uses the same names). The
 * datasets_lineage_nodes table and the datasets_lineage_selected_into view belong to the datasets
 * projection; they are here because the graph is the union of both and lineage's functions create
 * and fill the nodes table for it.
 */
export interface LineageDatabase {
  lineage_nodes: LineageOwnNodesTable;
  lineage_edges: LineageEdgesTable;
  lineage_contributed_by: LineageContributedByView;
  lineage_node_states: LineageNodeStatesTable;
  datasets_lineage_nodes: LineageNodesTable;
  datasets_lineage_selected_into: SelectedIntoView;
}

/**
 * The ends of an edge relation kept as a 32-byte id rather than its hex text, by the column of the
 * relation that holds the bytes: a walk looks an id up there as bytes (@cairn/projector's idBytes),
 * so the relation's index on the bytes is read. Every other end is text.
 */
export const BYTES_ENDS: { readonly [T in LineageEdgesTableName]?: { readonly from_id?: string; readonly to_id?: string } } = {
  [LINEAGE_CONTRIBUTED_BY_VIEW]: { to_id: 'to_bytes' },
  [DATASETS_LINEAGE_EDGES_TABLE]: { from_id: 'from_bytes' },
};

/**
 * The relations of lineage_edges' shape (the graph's own table, its contributed-by edges kept in
 * the nodes, and the datasets projection's selected-into view).
 */
export type LineageEdgesTableName = typeof LINEAGE_EDGES_TABLE | typeof LINEAGE_CONTRIBUTED_BY_VIEW | typeof DATASETS_LINEAGE_EDGES_TABLE;
/** The tables of lineage_nodes' shape (the graph's own, and the datasets projection's version nodes). */
export type LineageNodesTableName = typeof LINEAGE_NODES_TABLE | typeof DATASETS_LINEAGE_NODES_TABLE;

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

/** A node with the contributed-by edge its own statement states (see LineageOwnNodesTable). */
export interface LineageNodeWithEdge extends LineageNode {
  readonly contributedBy?: { readonly signer: string; readonly recordedAt: Date };
}

/** The edges' index on their from end (the to end has its own): a walk looks edges up by either end. */
const FROM_INDEX = (table: string) => `${table}_from_position`;
const TO_INDEX = (table: string) => `${table}_to_position`;

/**
 * Creates the edges table, and its indexes if they are missing: a bulk load drops both
 * (dropLineageEdgeIndexes) and a runner killed before it built them again gets them back here.
 * No key: an event is applied once and lineageFacts states each of its edges once, so
 * (from, type, to, event) is unique by construction, and a key on four ids would be the widest
 * structure of the store, read by no query.
 */
export async function createLineageEdgesTable(db: Kysely<LineageDatabase>, table: typeof LINEAGE_EDGES_TABLE): Promise<void> {
  await db.schema
    .createTable(table)
    .ifNotExists()
    .addColumn('edge_type', 'text', (c) => c.notNull())
    .addColumn('from_id', 'text', (c) => c.notNull())
    .addColumn('to_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text')
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // By position after the id: a hub (a signer every CF is contributed-by) has as many edges as the
  // log has CFs, and a trace takes them a page at a time in position order, so the page is read
  // from the index in that order and stops at its limit instead of sorting every edge of the hub.
  // Without B-tree deduplication: most edges point at a handful of ids, and merging their TIDs
  // into posting lists, then splitting those lists on every later insert, cost a rebuild about a
  // quarter of its edge-insert time.
  for (const [index, column] of [
    [FROM_INDEX(table), 'from_id'],
    [TO_INDEX(table), 'to_id'],
  ] as const)
    await sql`create index if not exists ${sql.id(index)} on ${sql.table(table)} (${sql.ref(column)}, position) with (deduplicate_items = off)`.execute(
      db,
    );
}

/**
 * Drops the edges table's indexes for a bulk load: apply never reads them (edges are plain
 * inserts), and one sorted build each at the end costs a fraction of maintaining two random-key
 * B-trees row by row.
 */
export async function dropLineageEdgeIndexes(tx: Transaction<LineageDatabase>, table: typeof LINEAGE_EDGES_TABLE): Promise<void> {
  await tx.schema.dropIndex(FROM_INDEX(table)).ifExists().execute();
  await tx.schema.dropIndex(TO_INDEX(table)).ifExists().execute();
}

/**
 * Creates the nodes table, and its key if it is missing. A bulk load drops the key
 * (dropLineageNodeKey) and lets a node stated twice in, so the key comes back only after the later
 * statements are deleted: the first statement of a node wins, as `on conflict do nothing` decides
 * it when the key is there. Positions tell them apart (insertLineageNodes keeps one per id per call).
 */
/**
 * The table a store projected by datasets version 4 or before kept the selected-into edges in, one
 * row per member per version (the same facts as the datasets projection's members, kept twice).
 */
const FORMER_DATASETS_LINEAGE_EDGES_TABLE = 'datasets_lineage_edges';

/**
 * Makes the datasets projection's selected-into edges a view of lineage_edges' shape over `rows`
 * (a select of edge_type, from_id, to_id, event_id, position, recorded_at and from_bytes, the
 * member CF's 32 bytes: see SelectedIntoView) from its own tables, so
 * a membership is stored once, and drops the table an older store copied them into. The datasets
 * projection supplies the rows; the graph's relation names stay here, where the graph reads them.
 */
export async function createDatasetsLineageEdgesView(db: Kysely<LineageDatabase>, rows: RawBuilder<unknown>): Promise<void> {
  await sql`drop table if exists ${sql.table(FORMER_DATASETS_LINEAGE_EDGES_TABLE)}`.execute(db);
  await sql`create or replace view ${sql.table(DATASETS_LINEAGE_EDGES_TABLE)} as ${rows}`.execute(db);
}

const CONTRIBUTED_BY_INDEX = `${LINEAGE_NODES_TABLE}_contributed_by_position`;

export async function createLineageNodesTable(db: Kysely<LineageDatabase>, table: LineageNodesTableName): Promise<void> {
  const own = table === LINEAGE_NODES_TABLE;
  const columns = db.schema
    .createTable(table)
    .ifNotExists()
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    // null in lineage_nodes when the node is its own event (see LineageNodesTable)
    .addColumn('event_id', 'text', (c) => (own ? c : c.notNull()))
    .addColumn('position', 'bigint', (c) => c.notNull());
  // lineage_nodes only: the contributed-by edge its statement states (see LineageOwnNodesTable)
  await (own ? columns.addColumn('contributed_by', 'bytea').addColumn('recorded_at', 'timestamptz') : columns)
    .addPrimaryKeyConstraint(`${table}_pkey`, ['node_id'])
    .execute();
  if (await missing(db, `${table}_pkey`)) {
    if (!db.isTransaction) await db.transaction().execute(async (tx) => addNodeKey(tx, table));
    else await addNodeKey(db, table);
  }
  if (!own) return;
  // The contributed-by edges by their to end, as the edges' to-index (see createLineageEdgesTable):
  // a signer's CFs are a hub's edges, paged in position order from the index. Their from end is
  // the key. Partial: contributors and models have no such edge. On the signer's 32 bytes, not its
  // hex text: half the width in the row and in every index entry.
  await sql`create index if not exists ${sql.id(CONTRIBUTED_BY_INDEX)} on ${sql.table(table)} (contributed_by, position)
    with (deduplicate_items = off) where contributed_by is not null`.execute(db);
  await sql`create or replace view ${sql.table(LINEAGE_CONTRIBUTED_BY_VIEW)} as
    select 'contributed-by'::text as edge_type, node_id as from_id, ${idHex('contributed_by')} as to_id, event_id, position, recorded_at,
      contributed_by as to_bytes
    from ${sql.table(table)} where contributed_by is not null`.execute(db);
}

async function addNodeKey(db: Kysely<LineageDatabase>, table: LineageNodesTableName): Promise<void> {
  const addKey = db.schema.alterTable(table).addPrimaryKeyConstraint(`${table}_pkey`, ['node_id']);
  // A self-join delete names the table twice under two aliases: the builder's typed aliases need a
  // literal table name, and this one is either of two.
  const later = sql`from ${sql.table(table)} later where exists (select from ${sql.table(table)} earlier
    where later.node_id = earlier.node_id and later.position > earlier.position)`;
  // Most loads state each node once: try the key first, and pay for the self-join that finds the
  // later statements only when the key's build reports a duplicate (23505, unique_violation).
  await sql`savepoint cairn_node_key`.execute(db);
  try {
    await addKey.execute();
  } catch (cause) {
    if ((cause as { code?: unknown }).code !== '23505') throw cause;
    await sql`rollback to savepoint cairn_node_key`.execute(db);
    // A later statement's contributed-by edge is the graph's all the same: it becomes an edge row,
    // as it would have had the key refused the statement (insertLineageNodeRows).
    if (table === LINEAGE_NODES_TABLE)
      await sql`insert into ${sql.table(LINEAGE_EDGES_TABLE)} (edge_type, from_id, to_id, event_id, position, recorded_at)
        select 'contributed-by', node_id, ${idHex('contributed_by')}, event_id, position, recorded_at ${later} and contributed_by is not null`.execute(
        db,
      );
    await sql`delete ${later}`.execute(db);
    await addKey.execute();
  }
  await sql`release savepoint cairn_node_key`.execute(db);
}

/**
 * Drops the nodes table's key for a bulk load: a random-key B-tree on 64-character ids is most of
 * what a node insert costs, and one sorted build at the end is a fraction of it. lineage_nodes'
 * contributed-by index too, for the same reason (createLineageNodesTable builds both again).
 */
export async function dropLineageNodeKey(tx: Transaction<LineageDatabase>, table: LineageNodesTableName): Promise<void> {
  await tx.schema.alterTable(table).dropConstraint(`${table}_pkey`).ifExists().execute();
  if (table === LINEAGE_NODES_TABLE) await tx.schema.dropIndex(CONTRIBUTED_BY_INDEX).ifExists().execute();
}

/** Creates lineage_node_states. Not a deferrable index: writeStates reads the key to close a node's open row. */
export async function createLineageNodeStatesTable(db: Kysely<LineageDatabase>): Promise<void> {
  await db.schema
    .createTable(LINEAGE_NODE_STATES_TABLE)
    .ifNotExists()
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('valid_to', 'bigint')
    .addPrimaryKeyConstraint(`${LINEAGE_NODE_STATES_TABLE}_pkey`, ['node_id', 'valid_from', 'state'])
    .execute();
}

async function missing(db: Kysely<LineageDatabase>, relation: string): Promise<boolean> {
  const found = await sql<{ found: string | null }>`select to_regclass(${relation})::text as found`.execute(db);
  return found.rows[0]?.found == null;
}

// In the order of lineageEdgeRows' and lineageNodeRows' COPY fields.
const EDGE_COLUMNS = [
  'edge_type',
  'from_id',
  'to_id',
  'event_id',
  'position',
  'recorded_at',
] as const satisfies readonly (keyof LineageEdgesTable)[];
const NODE_COLUMNS = ['node_id', 'kind', 'label', 'event_id', 'position'] as const satisfies readonly (keyof LineageNodesTable)[];
const OWN_NODE_COLUMNS = [...NODE_COLUMNS, 'contributed_by', 'recorded_at'] as const satisfies readonly (keyof LineageOwnNodesTable)[];

/** A batch's edges as COPY text (copyRows), made before its transaction. */
export interface LineageEdgeRows {
  readonly count: number;
  readonly copy: string;
}

/**
 * One line per edge, its event id null (\N) when it is the from node's own. The edges of one
 * append share a time (and most of an event's fields), so its
 * text is made once per distinct time rather than once per row.
 */
export function lineageEdgeRows(edges: readonly LineageEdge[]): LineageEdgeRows {
  const lines = new Array<string>(edges.length);
  let lastMs = Number.NaN;
  let lastTime = '';
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    const ms = e.recordedAt.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastTime = e.recordedAt.toISOString();
    }
    const event = e.eventId === e.from ? '\\N' : copyField(e.eventId);
    lines[i] = `${copyField(e.type)}\t${copyField(e.from)}\t${copyField(e.to)}\t${event}\t${e.position}\t${lastTime}\n`;
  }
  // One join, not += per line: a flat string, where += leaves a rope of thousands of pieces that
  // the driver must flatten before it can encode it.
  return { count: edges.length, copy: lines.join('') };
}
/** One COPY for the whole batch (per-event inserts cost the rebuild most of its speed; see copy.ts for COPY). */
export async function insertLineageEdgeRows(
  tx: Transaction<LineageDatabase>,
  table: typeof LINEAGE_EDGES_TABLE,
  rows: LineageEdgeRows,
): Promise<void> {
  if (rows.count === 0) return;
  await copyRows<LineageDatabase, typeof LINEAGE_EDGES_TABLE>(tx, table, EDGE_COLUMNS, rows.copy);
}

export async function insertLineageEdges(
  tx: Transaction<LineageDatabase>,
  table: typeof LINEAGE_EDGES_TABLE,
  edges: readonly LineageEdge[],
): Promise<void> {
  await insertLineageEdgeRows(tx, table, lineageEdgeRows(edges));
}

/** A batch's nodes, the first statement of each id; as COPY text too when made for a bulk load. */
export interface LineageNodeRows {
  readonly nodes: readonly LineageNodeWithEdge[];
  readonly copy: string | undefined;
}

/**
 * Moves each contributed-by edge that a node's own statement states (same from end, same event)
 * into that node, when the node is the batch's first statement of its id (the one lineage_nodes
 * may keep; lineageNodeRows drops the others). Every other edge is left as it is. Pure, and what
 * it returns depends on the batch alone, so a rebuild folds the same edges as a live projection.
 */
export function foldContributedBy(
  nodes: readonly LineageNode[],
  edges: readonly LineageEdge[],
): { nodes: LineageNodeWithEdge[]; edges: LineageEdge[] } {
  const first = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (!first.has(n.id)) first.set(n.id, i);
  });
  const folded: LineageNodeWithEdge[] = [...nodes];
  const rest: LineageEdge[] = [];
  for (const e of edges) {
    // a signer that is no id (the schemas refuse one) cannot be kept as bytes: it stays an edge row
    const i = e.type === 'contributed-by' && isIdHex(e.to) ? first.get(e.from) : undefined;
    const n = i === undefined ? undefined : folded[i]!;
    if (n === undefined || n.eventId !== e.eventId || n.contributedBy !== undefined) {
      rest.push(e);
      continue;
    }
    folded[i!] = { ...n, contributedBy: { signer: e.to, recordedAt: e.recordedAt } };
  }
  return { nodes: folded, edges: rest };
}

/** The contributed-by edge a node carries, whole. */
function carriedEdge(n: LineageNodeWithEdge): LineageEdge | undefined {
  const c = n.contributedBy;
  return c === undefined
    ? undefined
    : { type: 'contributed-by', from: n.id, to: c.signer, eventId: n.eventId, position: n.position, recordedAt: c.recordedAt };
}

/**
 * Nodes are immutable: the first statement of a node wins (a re-registration does not rename it).
 * The batch keeps its first statement of each id here; the key drops later batches' statements,
 * or, while a bulk load has dropped the key, createLineageNodesTable does when it builds it again.
 * `copy`: also make the COPY text for `table`, for a load without the key (insertLineageNodeRows).
 */
export function lineageNodeRows(
  nodes: readonly LineageNodeWithEdge[],
  options: { readonly copy: boolean; readonly table: LineageNodesTableName },
): LineageNodeRows {
  const seen = new Set<string>();
  const first: LineageNodeWithEdge[] = [];
  const lines: string[] = [];
  const own = options.table === LINEAGE_NODES_TABLE;
  for (const n of nodes) {
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    first.push(n);
    if (!options.copy) continue;
    const event = nodeEvent(n, options.table);
    const c = n.contributedBy;
    const edge = !own ? '' : c === undefined ? '\t\\N\t\\N' : `\t${idBytesCopyField(c.signer)}\t${c.recordedAt.toISOString()}`;
    lines.push(
      `${copyField(n.id)}\t${copyField(n.kind)}\t${copyField(n.label)}\t${event === null ? '\\N' : copyField(event)}\t${n.position}${edge}\n`,
    );
  }
  return { nodes: first, copy: options.copy ? lines.join('') : undefined };
}

/** The event_id `table` keeps for `n`: lineage_nodes keeps none for a node that is its own event. */
function nodeEvent(n: LineageNode, table: LineageNodesTableName): string | null {
  return table === LINEAGE_NODES_TABLE && n.eventId === n.id ? null : n.eventId;
}

/**
 * With the key in place, a node stated again is left out (`on conflict do nothing`). A bulk load
 * that dropped the key (`keyDropped`) has nothing to conflict with, so the rows go in as a COPY,
 * and the key's build at the end deletes the later statements (createLineageNodesTable).
 * Returns the contributed-by edges of the nodes left out: they are edges of the graph all the
 * same, and the caller writes them as edge rows.
 */
export async function insertLineageNodeRows(
  tx: Transaction<LineageDatabase>,
  table: LineageNodesTableName,
  rows: LineageNodeRows,
  options: { readonly keyDropped: boolean } = { keyDropped: false },
): Promise<LineageEdge[]> {
  const { nodes } = rows;
  if (nodes.length === 0) return [];
  const own = table === LINEAGE_NODES_TABLE;
  if (options.keyDropped) {
    const copy = rows.copy ?? lineageNodeRows(nodes, { copy: true, table }).copy!;
    if (own) await copyRows<LineageDatabase, typeof LINEAGE_NODES_TABLE>(tx, table, OWN_NODE_COLUMNS, copy);
    else await copyRows<LineageDatabase, LineageNodesTableName>(tx, table, NODE_COLUMNS, copy);
    return [];
  }
  const columns = own ? OWN_NODE_COLUMNS : NODE_COLUMNS;
  const carried = sql`, ${idBytesArray(nodes.map((n) => n.contributedBy?.signer ?? null))},
    ${textArrayLiteral(nodes.map((n) => n.contributedBy?.recordedAt.toISOString() ?? null))}::timestamptz[]`;
  // unnest over one array literal per column: one parameter each, however many nodes (a values
  // list would take five per node, and Postgres takes at most 65535 in one statement). Raw: the
  // columns differ by table, more than the builder's types follow.
  const inserted = await sql<{ node_id: string }>`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    select * from unnest(${textArrayLiteral(nodes.map((n) => n.id))}::text[], ${textArrayLiteral(nodes.map((n) => n.kind))}::text[],
      ${textArrayLiteral(nodes.map((n) => n.label))}::text[], ${textArrayLiteral(nodes.map((n) => nodeEvent(n, table)))}::text[],
      ${integerArrayLiteral(nodes.map((n) => n.position))}::bigint[]${own ? carried : sql``})
    on conflict do nothing returning node_id`.execute(tx);
  if (!own || inserted.rows.length === nodes.length) return [];
  const kept = new Set(inserted.rows.map((r) => r.node_id));
  return nodes.flatMap((n) => {
    const e = kept.has(n.id) ? undefined : carriedEdge(n);
    return e === undefined ? [] : [e];
  });
}

export async function insertLineageNodes(
  tx: Transaction<LineageDatabase>,
  table: LineageNodesTableName,
  nodes: readonly LineageNode[],
): Promise<void> {
  await insertLineageNodeRows(tx, table, lineageNodeRows(nodes, { copy: false, table }));
}
