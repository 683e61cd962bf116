// Small reads of the lineage nodes that every surface prints: how many nodes of each kind the
// graph holds (status), the human names of nodes (contributor names beside their ids), and how
// many samples were erased up to a position (the EU AI Act report's opt-out section).
import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import type { AnyDB } from '@cairn/projector';
import { positionToDb } from '@cairn/projector';
import { LINEAGE_NODES_TABLE, LINEAGE_NODE_STATES_TABLE, NODE_KINDS, type NodeKind } from './tables.js';

/** Nodes in the graph by kind (every kind present, zero when none). */
export async function nodeCountsByKind(db: Kysely<AnyDB>): Promise<Readonly<Record<NodeKind, number>>> {
  const rows = await sql<{
    kind: string;
    n: string;
  }>`select kind, count(*)::text as n from ${sql.table(LINEAGE_NODES_TABLE)} group by kind`.execute(db);
  const counts = Object.fromEntries(NODE_KINDS.map((k) => [k, 0])) as Record<NodeKind, number>;
  for (const r of rows.rows) if ((NODE_KINDS as readonly string[]).includes(r.kind)) counts[r.kind as NodeKind] = Number(r.n);
  return counts;
}

/** Node id → label for the ids the graph knows (contributor names, sample sources …); unknown ids are left out. */
export async function nodeLabels(db: Kysely<AnyDB>, ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
  if (ids.length === 0) return new Map();
  const r = await sql<{ node_id: string; label: string }>`select node_id, label from ${sql.table(LINEAGE_NODES_TABLE)}
    where node_id = any(${[...new Set(ids)]}::text[])`.execute(db);
  return new Map(r.rows.map((row) => [row.node_id, row.label]));
}

/** Distinct nodes whose state became erased at or before `upTo`. */
export async function erasedNodeCount(db: Kysely<AnyDB>, upTo: LogPosition): Promise<number> {
  const r = await sql<{ n: string }>`select count(distinct node_id)::text as n from ${sql.table(LINEAGE_NODE_STATES_TABLE)}
    where state = 'erased' and valid_from <= ${positionToDb(upTo)}::bigint`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
