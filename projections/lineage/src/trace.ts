// trace(id): walk the graph from any node, up (towards origins: contributors, source CFs) or down
// (towards what was built from it: labels, assets, dataset versions, runs, models), with every
// edge's type and the event that states it. Breadth-first, a level a page of edges at a time.
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { resolveAsOf, type AsOf } from '@cairn/projector';
import { nodeNotFound, type LineageError } from './errors.js';
import { compareEdges, edgeTables, hasEdges, nodesByIds, stepEdges, UPSTREAM_IS_FROM, type NodeView } from './graph-reads.js';
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

const FLIPPED: ReadonlySet<EdgeType> = new Set(UPSTREAM_IS_FROM);
/** Edges a page of the walk reads at least (a page is sized by the room left for nodes). */
const MIN_PAGE = 64;

function upstreamOf(e: LineageEdge): { up: string; down: string } {
  return FLIPPED.has(e.type) ? { up: e.from, down: e.to } : { up: e.to, down: e.from };
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
  const types = options.edgeTypes;

  const rootNode = (await nodesByIds(db, [id], asOf)).get(id);
  if (rootNode === undefined && !(await hasEdges(db, id, asOf))) return left(nodeNotFound(id, asOf));

  // which edge tables the store has is asked once for the walk, not at every step
  const tables = await edgeTables(db);
  const depthOf = new Map<string, number>([[id, 0]]);
  const edges = new Map<string, LineageEdge>();
  let truncated = false;
  for (const sign of direction === 'both' ? ([-1, 1] as const) : direction === 'up' ? ([-1] as const) : ([1] as const)) {
    let frontier = [id];
    for (let level = 1; level <= maxDepth && frontier.length > 0; level++) {
      const next: string[] = [];
      // Each edge in compareEdges order: its far end joins the walk while there is room, and the
      // edge is kept when its far end is in the walk.
      const take = (e: LineageEdge) => {
        const { up, down } = upstreamOf(e);
        const there = sign < 0 ? up : down;
        if (!depthOf.has(there)) {
          if (depthOf.size >= maxNodes) {
            truncated = true;
            return;
          }
          depthOf.set(there, sign * level);
          next.push(there);
        }
        edges.set(`${e.type}:${e.from}:${e.to}:${e.eventId}`, e);
      };
      // Pages in order, the first about as large as the room left: a node with thousands of edges
      // (a contributor, a dataset version) costs a page, not all its edges. Each further page is
      // twice the last, so a level whose edges mostly lead back into the walk (thousands of samples
      // all signed by a few contributors) takes a few pages, not one per room's worth of edges.
      // Once the walk is full and has turned a node away, only edges to nodes already in it can count.
      // A page is larger than the frontier: a step from several nodes reads all their edges to order
      // them, whatever the limit, so a smaller page would only read them again (and a frontier of
      // nodes with one edge each, samples going up to their signer, is then read in one page).
      for (let after: LineageEdge | undefined, pages = 0; ; pages++) {
        const step = { frontier, sign, types, asOf, tables, ...(after === undefined ? {} : { after }) };
        if (truncated && depthOf.size >= maxNodes) {
          (await stepEdges(db, { ...step, among: [...depthOf.keys()] })).forEach(take);
          break;
        }
        const pageSize = Math.max(MIN_PAGE, maxNodes - depthOf.size + 1, frontier.length + 1) * 2 ** Math.min(pages, 16);
        const page = await stepEdges(db, { ...step, limit: pageSize });
        page.forEach(take);
        if (page.length < pageSize) break;
        after = page.at(-1);
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
