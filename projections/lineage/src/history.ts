// history(cfId): the amend / supersede / deprecate chain of a CF as of a position or time, each
// step with the event that made it. The chain is the CF's whole family: everything reachable over
// amends/supersedes edges in either direction (a correction of a correction is still its history).
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { cfIdFromDb, eventIdFromDb, resolveAsOf, type AsOf } from '@cairn/projector';
import type { CfId, EventId } from '@cairn/schemas';
import { nodeNotFound, type LineageError } from './errors.js';
import { edgesTouching, nodesByIds, stateChanges, type NodeView } from './graph-reads.js';
import type { LineageDatabase, LineageEdge } from './tables.js';

export type HistoryStep =
  | { readonly action: 'contributed'; readonly cfId: CfId; readonly eventId: EventId; readonly position: LogPosition }
  | {
      readonly action: 'amends' | 'supersedes';
      readonly cfId: CfId;
      /** The CF it amends or supersedes. */
      readonly target: CfId;
      readonly eventId: EventId;
      readonly position: LogPosition;
      readonly recordedAt: Date;
    }
  | {
      readonly action: 'deprecated';
      readonly cfId: CfId;
      /** The contributor who deprecated it. */
      readonly by: string;
      readonly reason: string | null;
      readonly eventId: EventId;
      readonly position: LogPosition;
      readonly recordedAt: Date;
    }
  | {
      readonly action: 'erased';
      readonly cfId: CfId;
      readonly reason: string | null;
      readonly eventId: EventId;
      readonly position: LogPosition;
    };

export interface CfHistory {
  readonly cfId: CfId;
  /** The position the answer holds at (undefined: the whole projection). */
  readonly asOf: LogPosition | null | undefined;
  readonly node: NodeView;
  /** Every CF of the family, by position. */
  readonly family: readonly NodeView[];
  /** Members of the family nothing amends or supersedes (what stands in for the CF now). */
  readonly standing: readonly CfId[];
  /** The steps, in log order. */
  readonly steps: readonly HistoryStep[];
}

const CHAIN_TYPES = new Set(['amends', 'supersedes']);

export async function history(
  db: Kysely<LineageDatabase>,
  cfId: string,
  options: { readonly asOf?: AsOf } = {},
): Promise<Either<LineageError, CfHistory>> {
  const asOf = await resolveAsOf(db, options.asOf);
  const root = (await nodesByIds(db, [cfId], asOf)).get(cfId);
  if (root === undefined) return left(nodeNotFound(cfId, asOf));

  const family = new Set([cfId]);
  const chainEdges = new Map<string, LineageEdge>();
  for (let frontier = [cfId]; frontier.length > 0;) {
    const next: string[] = [];
    for (const e of await edgesTouching(db, frontier, 'either', asOf)) {
      if (!CHAIN_TYPES.has(e.type)) continue;
      chainEdges.set(`${e.type}:${e.from}:${e.to}:${e.eventId}`, e);
      for (const id of [e.from, e.to]) {
        if (family.has(id)) continue;
        family.add(id);
        next.push(id);
      }
    }
    frontier = next;
  }
  const ids = [...family].sort();
  const nodes = await nodesByIds(db, ids, asOf);
  const deprecations = (await edgesTouching(db, ids, 'to', asOf)).filter((e) => e.type === 'deprecates');
  const changes = await stateChanges(db, ids, asOf);
  const reasonOf = new Map(changes.map((c) => [`${c.eventId}:${c.nodeId}`, c.reason]));

  const steps: HistoryStep[] = [];
  for (const n of nodes.values())
    steps.push({ action: 'contributed', cfId: cfIdFromDb(n.id), eventId: eventIdFromDb(n.eventId), position: n.position });
  for (const e of chainEdges.values()) {
    steps.push({
      action: e.type as 'amends' | 'supersedes',
      cfId: cfIdFromDb(e.from),
      target: cfIdFromDb(e.to),
      eventId: eventIdFromDb(e.eventId),
      position: e.position,
      recordedAt: e.recordedAt,
    });
  }
  for (const e of deprecations) {
    steps.push({
      action: 'deprecated',
      cfId: cfIdFromDb(e.to),
      by: e.from,
      reason: reasonOf.get(`${e.eventId}:${e.to}`) ?? null,
      eventId: eventIdFromDb(e.eventId),
      position: e.position,
      recordedAt: e.recordedAt,
    });
  }
  for (const c of changes)
    if (c.state === 'erased')
      steps.push({
        action: 'erased',
        cfId: cfIdFromDb(c.nodeId),
        reason: c.reason,
        eventId: eventIdFromDb(c.eventId),
        position: c.position,
      });
  steps.sort((a, b) =>
    a.position !== b.position ? (a.position < b.position ? -1 : 1) : `${a.action}${a.cfId}` < `${b.action}${b.cfId}` ? -1 : 1,
  );

  const replaced = new Set([...chainEdges.values()].map((e) => e.to));
  const familyNodes = [...nodes.values()].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  return right({
    cfId: cfIdFromDb(root.id),
    asOf,
    node: root,
    family: familyNodes,
    standing: familyNodes.filter((n) => !replaced.has(n.id)).map((n) => cfIdFromDb(n.id)),
    steps,
  });
}
