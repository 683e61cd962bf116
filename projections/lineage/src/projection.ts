// The lineage graph projection: contributors → CFs → assets → dataset versions → training runs →
// models. Each batch becomes one insert or COPY per table (and one update closing earlier node states).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ApplyContext, ProjectedEvent, Projection } from '@cairn/projector';
import { lineageFacts, type LineageFacts, type StateChange } from './facts.js';
import {
  LINEAGE_EDGES_TABLE,
  LINEAGE_NODES_TABLE,
  LINEAGE_NODE_STATES_TABLE,
  createLineageEdgesTable,
  createLineageNodesTable,
  createLineageNodeStatesTable,
  dropLineageEdgeIndexes,
  dropLineageNodeKey,
  foldContributedBy,
  insertLineageEdgeRows,
  insertLineageEdges,
  insertLineageNodeRows,
  lineageEdgeRows,
  lineageNodeRows,
  type LineageDatabase,
  type LineageEdgeRows,
  type LineageNodeRows,
} from './tables.js';

async function migrate(db: Kysely<LineageDatabase>): Promise<void> {
  // edges first: building the nodes' key after a bulk load moves the contributed-by edges of
  // nodes stated twice into lineage_edges
  await createLineageEdgesTable(db, LINEAGE_EDGES_TABLE);
  await createLineageNodesTable(db, LINEAGE_NODES_TABLE);
  await createLineageNodeStatesTable(db);
}

interface StateRow extends StateChange {
  validTo: StateChange['position'] | null;
}

/**
 * A node's state is its latest change; the change before it is closed at the new one's position.
 * Changes to a node already changed in this batch close the in-memory row; the first change of a
 * node closes its open row in the table (at most one per node, so one UPDATE for the batch).
 */
async function writeStates(tx: Transaction<LineageDatabase>, changes: readonly StateChange[]): Promise<void> {
  if (changes.length === 0) return;
  const open = new Map<string, StateRow>();
  const rows: StateRow[] = [];
  const closeIds: string[] = [];
  const closeAt: string[] = [];
  for (const change of changes) {
    const previous = open.get(change.nodeId);
    if (previous) previous.validTo = change.position;
    else {
      closeIds.push(change.nodeId);
      closeAt.push(change.position.toString());
    }
    const row: StateRow = { ...change, validTo: null };
    open.set(change.nodeId, row);
    rows.push(row);
  }
  // An update joined to a column-aliased unnest (c(node_id, at)): more than the builder can say.
  await sql`update ${sql.table(LINEAGE_NODE_STATES_TABLE)} s set valid_to = c.at
    from unnest(${closeIds}::text[], ${closeAt}::bigint[]) as c(node_id, at)
    where s.node_id = c.node_id and s.valid_to is null`.execute(tx);
  await tx
    .insertInto(LINEAGE_NODE_STATES_TABLE)
    .columns(['node_id', 'state', 'reason', 'event_id', 'valid_from', 'valid_to'])
    .expression(
      sql`select * from unnest(${rows.map((r) => r.nodeId)}::text[], ${rows.map((r) => r.state)}::text[], ${rows.map((r) => r.reason)}::text[],
        ${rows.map((r) => r.eventId)}::text[], ${rows.map((r) => r.position.toString())}::bigint[], ${rows.map((r) => r.validTo?.toString() ?? null)}::bigint[])`,
    )
    .execute();
}

/** A batch's rows, made by prepare before the batch's transaction (see Projection.prepare). */
interface LineageBatch {
  readonly nodes: LineageNodeRows;
  readonly edges: LineageEdgeRows;
  readonly states: readonly StateChange[];
}

function prepare(events: readonly ProjectedEvent[]): LineageBatch {
  const facts: LineageFacts = { nodes: [], edges: [], states: [] };
  for (const event of events) lineageFacts(event, facts);
  const { nodes, edges } = foldContributedBy(facts.nodes, facts.edges);
  // The nodes' COPY text too: prepare cannot tell a bulk load's batch from another, and making it
  // here, while the previous batch is written, costs the load nothing.
  return {
    nodes: lineageNodeRows(nodes, { copy: true, table: LINEAGE_NODES_TABLE }),
    edges: lineageEdgeRows(edges),
    states: facts.states,
  };
}

async function apply(
  tx: Transaction<LineageDatabase>,
  events: readonly ProjectedEvent[],
  prepared?: LineageBatch,
  context?: ApplyContext,
): Promise<void> {
  const batch = prepared ?? prepare(events);
  const refused = await insertLineageNodeRows(tx, LINEAGE_NODES_TABLE, batch.nodes, { keyDropped: context?.bulk === true });
  await insertLineageEdgeRows(tx, LINEAGE_EDGES_TABLE, batch.edges);
  await insertLineageEdges(tx, LINEAGE_EDGES_TABLE, refused);
  await writeStates(tx, batch.states);
}

export const lineageProjection: Projection<LineageDatabase, LineageBatch> = {
  name: 'lineage',
  // 2: the edges' to-index is (to_id, position), so a trace pages a hub's edges from the index.
  // 3: an edge or node whose event is its own (from) node keeps no second copy of the id, and the
  // edges' four-id key is an index on (from_id, position). A store projected before rebuilds.
  // 4: a node's contributed-by edge stated by its own event is kept in the node's row
  // (lineage_nodes.contributed_by, read through the lineage_contributed_by view), not as an edge row.
  // 5: lineage_nodes.contributed_by (and its index) holds the signer's 32 bytes, not its hex text.
  version: 5,
  tables: [LINEAGE_NODES_TABLE, LINEAGE_EDGES_TABLE, LINEAGE_NODE_STATES_TABLE],
  // The types lineageFacts acts on; the runner skips the rest (see Projection.handles).
  handles: [
    'ContributorRegistered',
    'SampleContributed',
    'LabelContributed',
    'ValidationContributed',
    'ContributionDeprecated',
    'SampleErased',
    'AssetAssembled',
    'TrainingRunRecorded',
  ],
  migrate,
  prepare,
  apply,
  // Not the states' key: writeStates reads it to close a node's open row.
  dropDeferrableIndexes: async (tx) => {
    await dropLineageNodeKey(tx, LINEAGE_NODES_TABLE);
    await dropLineageEdgeIndexes(tx, LINEAGE_EDGES_TABLE);
  },
};
