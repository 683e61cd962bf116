// trace(id): walk the graph from any node, up (towards origins: contributors, source CFs) or down
// (towards what was built from it: labels, assets, dataset versions, runs, models), with every
// edge's type and the event that states it. Breadth-first, one query per level.
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { resolveAsOf, type AsOf } from '@cairn/projector';
import { nodeNotFound, type LineageError } from './errors.js';
import { compareEdges, edgesTouching, nodesByIds, type NodeView } from './graph-reads.js';
import type { EdgeType, LineageDatabase, LineageEdge, NodeKind } from './tables.js';

export type TraceDirection = 'up' | 'down' | 'both';

export interface TraceOptions {
  readonly asOf?: AsOf;
  /** Default 'both': the walk up and the walk down from the root (never up then down again). */
  readonly direction?: TraceDirection;
  /** Levels from the root (default 8). */
  readonly maxDepth?: number;
  /** Stop adding nodes past this many (default 500); `truncated` says so. */
  readonly maxNodes?: number;
  /** Follow only these edge types (default all). */
  readonly edgeTypes?: readonly EdgeType[];
}

export interface TraceNode extends Omit<NodeView, 'kind'> {
  readonly kind: NodeKind | 'unknown';
  /** False when only an edge names this node (e.g. a dataset version the datasets projection has not written). */
  readonly known: boolean;
  /** Levels from the root; negative upstream, positive downstream. */
  readonly depth: number;
}

export interface LineageTrace {
  readonly root: string;
  readonly asOf: LogPosition | null | undefined;
  readonly direction: TraceDirection;
  readonly nodes: readonly TraceNode[];
  readonly edges: readonly LineageEdge[];
  readonly truncated: boolean;
}

/** Edge types whose `from` end is upstream; for every other type `to` is what `from` comes from. */
const UPSTREAM_IS_FROM: ReadonlySet<EdgeType> = new Set(['selected-into', 'deprecates']);

function upstreamOf(e: LineageEdge): { up: string; down: string } {
  return UPSTREAM_IS_FROM.has(e.type) ? { up: e.from, down: e.to } : { up: e.to, down: e.from };
}

/** What an edge says about a node the node tables do not hold. */
function inferredKind(id: string, edges: readonly LineageEdge[]): NodeKind | 'unknown' {
  for (const e of edges) {
    if (e.to === id && (e.type === 'trained-on' || e.type === 'selected-into')) return 'dataset-version';
    if (e.to === id && e.type === 'contributed-by') return 'contributor';
    if (e.from === id && e.type === 'deprecates') return 'contributor';
  }
  return 'unknown';
}

export async function trace(
  db: Kysely<LineageDatabase>,
  id: string,
  options: TraceOptions = {},
): Promise<Either<LineageError, LineageTrace>> {
  const asOf = await resolveAsOf(db, options.asOf);
  const direction = options.direction ?? 'both';
  const maxDepth = options.maxDepth ?? 8;
  const maxNodes = options.maxNodes ?? 500;
  const types = options.edgeTypes ? new Set(options.edgeTypes) : undefined;

  const rootNode = (await nodesByIds(db, [id], asOf)).get(id);
  const rootEdges = rootNode ? [] : await edgesTouching(db, [id], 'either', asOf);
  if (rootNode === undefined && rootEdges.length === 0) return left(nodeNotFound(id, asOf));

  const depthOf = new Map<string, number>([[id, 0]]);
  const edges = new Map<string, LineageEdge>();
  let truncated = false;
  for (const sign of direction === 'both' ? [-1, 1] : direction === 'up' ? [-1] : [1]) {
    let frontier = [id];
    for (let level = 1; level <= maxDepth && frontier.length > 0; level++) {
      const next: string[] = [];
      const inFrontier = new Set(frontier);
      for (const e of await edgesTouching(db, frontier, 'either', asOf)) {
        if (types && !types.has(e.type)) continue;
        const { up, down } = upstreamOf(e);
        const [here, there] = sign < 0 ? [down, up] : [up, down];
        if (!inFrontier.has(here)) continue;
        if (!depthOf.has(there)) {
          if (depthOf.size >= maxNodes) {
            truncated = true;
            continue;
          }
          depthOf.set(there, sign * level);
          next.push(there);
        }
        edges.set(`${e.type}:${e.from}:${e.to}:${e.eventId}`, e);
      }
      frontier = next;
    }
    if (frontier.length > 0) truncated = true;
  }

  const edgeList = [...edges.values()].sort(compareEdges);
  const known = await nodesByIds(db, [...depthOf.keys()], asOf);
  const nodes: TraceNode[] = [...depthOf.entries()]
    .map(([nodeId, depth]): TraceNode => {
      const n = known.get(nodeId);
      if (n) return { ...n, known: true, depth };
      return {
        id: nodeId,
        kind: inferredKind(nodeId, edgeList),
        label: nodeId.slice(0, 12),
        eventId: '',
        position: -1n,
        state: null,
        stateReason: null,
        stateEventId: null,
        known: false,
        depth,
      };
    })
    .sort((a, b) => a.depth - b.depth || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return right({ root: id, asOf, direction, nodes, edges: edgeList, truncated });
}
