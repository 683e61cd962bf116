// The lineage graph's pure parts, apart from the drawing: growing a graph in place by merging
// traces, and the layout of graphs too large for ELK.
import type { Trace, TraceEdge, TraceNode } from './types.js';

export type Positions = ReadonlyMap<string, { x: number; y: number }>;

/** `base` with the nodes and edges of `more` added (each once): the graph grown in place. */
export function merged(base: Trace, more: readonly Trace[]): Trace {
  if (more.length === 0) return base;
  const nodes = new Map(base.nodes.map((n) => [n.id, n]));
  const edgeKey = (e: TraceEdge) => `${e.type} ${e.from} ${e.to}`;
  const edges = new Map(base.edges.map((e) => [edgeKey(e), e]));
  for (const t of more) {
    for (const n of t.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
    for (const e of t.edges) if (!edges.has(edgeKey(e))) edges.set(edgeKey(e), e);
  }
  return {
    ...base,
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    truncated: base.truncated === true || more.some((t) => t.truncated === true),
  };
}

/** Above this many nodes ELK's layered layout takes seconds: the graph is laid out in columns instead. */
export const ELK_MAX_NODES = 400;
/** Nodes a column holds before a layer wraps into the next column. */
const COLUMN_ROWS = 40;

/**
 * The large-graph layout: the same left-to-right flow as ELK's (contributors, samples, versions,
 * runs, models), each node in the layer a walk from the root gives it, and a layer of many nodes
 * wrapped into columns of COLUMN_ROWS, sorted by kind and label. Linear in nodes and edges.
 */
export function layOutInColumns(trace: Trace): Positions {
  const ids = new Set(trace.nodes.map((n) => n.id));
  const next = new Map<string, { id: string; step: number }[]>();
  const link = (a: string, b: string, step: number) => {
    const list = next.get(a) ?? [];
    list.push({ id: b, step });
    next.set(a, list);
  };
  for (const e of trace.edges) {
    if (!ids.has(e.from) || !ids.has(e.to)) continue;
    // Data flows from contributor to sample, and along every other edge from `from` to `to`.
    const [from, to] = e.type === 'contributed-by' ? [e.to, e.from] : [e.from, e.to];
    link(from, to, 1);
    link(to, from, -1);
  }
  const layer = new Map<string, number>([[trace.root, 0]]);
  const queue = [trace.root];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const n of next.get(at) ?? [])
      if (!layer.has(n.id)) {
        layer.set(n.id, layer.get(at)! + n.step);
        queue.push(n.id);
      }
  }
  const byLayer = new Map<number, TraceNode[]>();
  for (const n of trace.nodes) {
    const l = layer.get(n.id) ?? 0;
    const list = byLayer.get(l);
    if (list === undefined) byLayer.set(l, [n]);
    else list.push(n);
  }
  const positions = new Map<string, { x: number; y: number }>();
  let x = 0;
  for (const l of [...byLayer.keys()].sort((a, b) => a - b)) {
    const nodes = byLayer
      .get(l)!
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
    const columns = Math.ceil(nodes.length / COLUMN_ROWS);
    const rows = Math.min(nodes.length, COLUMN_ROWS);
    nodes.forEach((n, i) => {
      const column = Math.floor(i / COLUMN_ROWS);
      positions.set(n.id, { x: x + column * 170 + 75, y: ((i % COLUMN_ROWS) - rows / 2) * 44 });
    });
    x += columns * 170 + 120;
  }
  return positions;
}

/** The size every node is drawn at (its position is its centre). */
export const NODE_WIDTH = 150;
export const NODE_HEIGHT = 34;
export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 4;
/** Room left around the graph when it is framed. */
const MARGIN = 30;

/**
 * The zoom and pan that show every node whole in a `width` × `height` box, centred, with a
 * margin: the framing Cytoscape's fit gives, computed from the positions alone.
 */
export function framing(positions: Positions, width: number, height: number): { zoom: number; pan: { x: number; y: number } } {
  if (positions.size === 0) return { zoom: 1, pan: { x: width / 2, y: height / 2 } };
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of positions.values()) {
    x1 = Math.min(x1, p.x - NODE_WIDTH / 2);
    x2 = Math.max(x2, p.x + NODE_WIDTH / 2);
    y1 = Math.min(y1, p.y - NODE_HEIGHT / 2);
    y2 = Math.max(y2, p.y + NODE_HEIGHT / 2);
  }
  const fits = Math.min((width - 2 * MARGIN) / (x2 - x1), (height - 2 * MARGIN) / (y2 - y1));
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Number.isFinite(fits) && fits > 0 ? fits : 1));
  return { zoom, pan: { x: width / 2 - zoom * ((x1 + x2) / 2), y: height / 2 - zoom * ((y1 + y2) / 2) } };
}
