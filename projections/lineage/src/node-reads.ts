// Small reads of the lineage nodes that every surface prints: how many nodes of each kind the
// graph holds (status), the human names of nodes (contributor names beside their ids), and how
// many samples were erased up to a position (the EU AI Act report's opt-out section).
import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { anyOfText, positionFromDb, positionToDb } from '@cairn/projector';
import { LINEAGE_NODES_TABLE, LINEAGE_NODE_STATES_TABLE, NODE_KINDS, type LineageDatabase, type NodeKind } from './tables.js';

/** Nodes in the graph by kind (every kind present, zero when none). */
export async function nodeCountsByKind(db: Kysely<LineageDatabase>): Promise<Readonly<Record<NodeKind, number>>> {
  const rows = await db
    .selectFrom(LINEAGE_NODES_TABLE)
    .select((eb) => ['kind', eb.fn.countAll<string>().as('n')])
    .groupBy('kind')
    .execute();
  const counts = Object.fromEntries(NODE_KINDS.map((k) => [k, 0])) as Record<NodeKind, number>;
  // the column holds what the projection wrote; a kind this code does not know is left out, not counted
  for (const r of rows) if ((NODE_KINDS as readonly string[]).includes(r.kind)) counts[r.kind] = Number(r.n);
  return counts;
}

/** Node id → label for the ids the graph knows (contributor names, sample sources …); unknown ids are left out. */
export async function nodeLabels(db: Kysely<LineageDatabase>, ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom(LINEAGE_NODES_TABLE)
    .select(['node_id', 'label'])
    .where('node_id', '=', anyOfText([...new Set(ids)]))
    .execute();
  return new Map(rows.map((row) => [row.node_id, row.label]));
}

/** Distinct nodes whose state became erased at or before `upTo`. */
export async function erasedNodeCount(db: Kysely<LineageDatabase>, upTo: LogPosition): Promise<number> {
  const r = await db
    .selectFrom(LINEAGE_NODE_STATES_TABLE)
    .select((eb) => eb.fn.count<string>('node_id').distinct().as('n'))
    .where('state', '=', 'erased')
    .where('valid_from', '<=', positionToDb(upTo))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** A contributor as search finds it: its id, its name, and where it was registered. */
export interface ContributorMatch {
  readonly contributorId: string;
  readonly name: string;
  readonly eventId: string;
  readonly position: LogPosition;
}

/**
 * Contributors whose name starts with `prefix` (any case) or whose id does, registered at or
 * before `upTo` (all when absent); by name, then id; at most `limit`.
 */
export async function contributorsByName(
  db: Kysely<LineageDatabase>,
  prefix: string,
  limit: number,
  upTo?: LogPosition | null,
): Promise<readonly ContributorMatch[]> {
  // LIKE's own wildcards in the text are matched as themselves.
  const like = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  let q = db
    .selectFrom(LINEAGE_NODES_TABLE)
    // a contributor is never its own event, but the whole id is what a node's event is
    .select(['node_id', 'label', sql<string>`coalesce(event_id, node_id)`.as('event_id'), 'position'])
    .where('kind', '=', 'contributor')
    .where((eb) => eb.or([eb(eb.fn('lower', ['label']), 'like', like.toLowerCase()), eb('node_id', 'like', like.toLowerCase())]));
  if (upTo !== undefined && upTo !== null) q = q.where('position', '<=', positionToDb(upTo));
  const rows = await q.orderBy('label').orderBy('node_id').limit(limit).execute();
  return rows.map((r) => ({ contributorId: r.node_id, name: r.label, eventId: r.event_id, position: positionFromDb(r.position) }));
}
