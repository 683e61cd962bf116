// The lineage graph around one node (`GET /v1/trace/{target}`): laid out by ELK's layered
// algorithm (elkjs), drawn by Cytoscape.js on a canvas (pan, zoom, click), edges coloured by
// type. Clicking a node opens its page; right-click (or the list below, by keyboard) chooses it,
// and the graph can grow from it in place, one step up or down, or be re-centred on it. Both
// libraries load only when this view opens.
import type { Core, ElementDefinition, StylesheetJson } from 'cytoscape';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson, seg } from '../api.js';
import { freshness, useMoment } from '../context.js';
import { useAsync } from '../hooks.js';
import { href } from '../route.js';
import {
  ELK_MAX_NODES,
  framing,
  layOutInColumns,
  MAX_ZOOM,
  merged,
  MIN_ZOOM,
  NODE_HEIGHT,
  NODE_WIDTH,
  type Positions,
} from '../graph-layout.js';
import type { Trace, TraceNode } from '../types.js';
import { Id, Show } from '../ui.js';

export const EDGE_COLOURS: Readonly<Record<string, string>> = {
  'contributed-by': '#7b1fa2',
  labels: '#0277bd',
  validates: '#2e7d32',
  amends: '#ef6c00',
  supersedes: '#d84315',
  deprecates: '#c62828',
  'derived-from': '#5d4037',
  'selected-into': '#00897b',
  'trained-on': '#283593',
};

const NODE_COLOURS: Readonly<Record<string, string>> = {
  contributor: '#ce93d8',
  sample: '#90caf9',
  label: '#b3e5fc',
  validation: '#a5d6a7',
  asset: '#bcaaa4',
  'dataset-version': '#80cbc4',
  'training-run': '#9fa8da',
  model: '#fff59d',
};

/** The page a node opens (the view and its argument). */
export function pageOf(node: Pick<TraceNode, 'id' | 'kind' | 'label'>): { view: string; arg: string; query?: Record<string, string> } {
  switch (node.kind) {
    case 'sample':
    case 'label':
    case 'validation':
      return { view: 'cf', arg: node.id };
    case 'dataset-version': {
      const at = node.label.lastIndexOf('@');
      return { view: 'dataset', arg: at > 0 ? node.label.slice(0, at) : node.label, query: { vid: node.id } };
    }
    case 'contributor':
      return { view: 'search', arg: '', query: { by: 'contributor', q: node.id } };
    case 'training-run':
      return { view: 'run', arg: node.id };
    default:
      return { view: 'graph', arg: node.id };
  }
}

// Asked for as this view's module loads, so Cytoscape arrives while the server walks the trace.
const cytoscapeLoading = import('cytoscape');

const go = (hash: string) => {
  window.location.hash = hash;
};

export function GraphView({ target, query }: { target: string; query: Readonly<Record<string, string>> }) {
  const moment = useMoment();
  const direction = query.direction === 'up' || query.direction === 'down' ? query.direction : 'both';
  const depth = /^\d{1,2}$/.test(query.depth ?? '') ? query.depth! : '3';
  // How many nodes the server may answer (its default is 500, its most MAX_NODES).
  const maxNodes = /^\d{1,4}$/.test(query.maxNodes ?? '') ? query.maxNodes : undefined;
  // Asked for as the view first renders (not after its first paint): the walk is most of the wait.
  const traceRead = useMemo(
    () => getJson<Trace>(`/v1/trace/${seg(target)}`, { direction, depth, maxNodes, asOf: moment.asOf }),
    [target, direction, depth, maxNodes, freshness(moment)],
  );
  const trace = useAsync(() => traceRead, [traceRead]);
  const set = (q: Record<string, string>) => go(href('graph', target, { direction, depth, maxNodes, ...q }, moment.asOf));
  return (
    <section aria-labelledby="graph-title">
      <h1 id="graph-title">
        Lineage around <Id id={target} n={16} />
      </h1>
      <form class="graph-controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          Direction{' '}
          <select name="direction" value={direction} onChange={(e) => set({ direction: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="both">up and down</option>
            <option value="up">up (where from)</option>
            <option value="down">down (where to)</option>
          </select>
        </label>{' '}
        <label>
          Depth{' '}
          <select name="depth" value={depth} onChange={(e) => set({ depth: (e.currentTarget as HTMLSelectElement).value })}>
            {['1', '2', '3', '4', '6', '8', '12'].map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
        </label>
      </form>
      <Legend />
      <Show loaded={trace} what="the lineage">
        {(t) => <Graph trace={t} direction={direction} depth={depth} />}
      </Show>
    </section>
  );
}

function Legend() {
  return (
    <ul class="legend" aria-label="edge colours">
      {Object.entries(EDGE_COLOURS).map(([type, colour]) => (
        <li>
          <span class="swatch" style={{ background: colour }} aria-hidden="true" /> {type}
        </li>
      ))}
    </ul>
  );
}

async function layOut(trace: Trace): Promise<Positions> {
  if (trace.nodes.length > ELK_MAX_NODES) return layOutInColumns(trace);
  // elkjs is CommonJS: its default export is the ELK class.
  const mod = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: new () => { layout(graph: ElkNode): Promise<ElkNode> } };
  const elk = new mod.default();
  const ids = new Set(trace.nodes.map((n) => n.id));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '18',
    },
    children: trace.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    // Contributors are laid out upstream of what they signed: data flows left to right.
    edges: trace.edges
      .filter((e) => ids.has(e.from) && ids.has(e.to))
      .map((e, i) =>
        e.type === 'contributed-by'
          ? { id: `e${i}`, sources: [e.to], targets: [e.from] }
          : { id: `e${i}`, sources: [e.from], targets: [e.to] },
      ),
  });
  return new Map((graph.children ?? []).map((c) => [c.id, { x: (c.x ?? 0) + NODE_WIDTH / 2, y: (c.y ?? 0) + NODE_HEIGHT / 2 }]));
}

/** The zoom from which a large graph's labels are styled (drawn from min-zoomed-font-size on). */
const LABEL_ZOOM = 0.5;

/**
 * The graph's look. A large graph gets the lean one: labels on one line and drawn only once zoomed
 * in far enough to read them, straight edges without arrows (the columns say which way data
 * flows), one border colour; styling thousands of elements and painting their first frame is most
 * of a large graph's wait.
 */
function stylesheet(large: boolean, labelled: boolean): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        shape: 'round-rectangle',
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        ...(labelled ? { label: 'data(label)' } : {}),
        'font-size': 10,
        // Labels too small to read are not drawn (the whole graph at once), they come back on zoom.
        'min-zoomed-font-size': large ? 8 : 7,
        'text-valign': 'center',
        'text-halign': 'center',
        ...(large ? {} : { 'text-wrap': 'ellipsis' as const, 'text-max-width': '140px' }),
        'background-color': '#eeeeee',
        // Every property set is one more pass over every node: a large graph's nodes go without a border.
        ...(large ? {} : { 'border-width': 1, 'border-color': '#546e7a' }),
      },
    },
    ...Object.entries(NODE_COLOURS).map(([kind, colour]) => ({
      selector: `node.${kind}`,
      style: { 'background-color': colour },
    })),
    { selector: 'node.root', style: { 'border-width': 3, 'border-color': '#000000' } },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#d50000' } },
    {
      selector: 'edge',
      style: large
        ? // Straight lines between centres: Cytoscape's default curve (haystack), left unset, as every
          // property set is one more to apply to every edge.
          { width: 1 }
        : { width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8 },
    },
    ...Object.entries(EDGE_COLOURS).map(([type, colour]) => ({
      selector: `edge.${type}`,
      style: large ? { 'line-color': colour } : { 'line-color': colour, 'target-arrow-color': colour },
    })),
  ];
}

const nodeName = (n: TraceNode) => `${n.kind} ${n.kind === 'contributor' || n.kind === 'dataset-version' ? n.label : n.id.slice(0, 8)}`;

function Graph({ trace: base, direction, depth }: { trace: Trace; direction: string; depth: string }) {
  const { asOf } = useMoment();
  const box = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  // Expanded in place: one more step up or down from a node, added to the graph shown.
  const [grown, setGrown] = useState<readonly Trace[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [expanding, setExpanding] = useState<string | null>(null);
  const [listOpen, setListOpen] = useState(false);
  const layouts = useRef(0);
  // A new base graph starts ungrown; left as they are when already so, or the graph (drawn once
  // per change of what it holds) would be drawn twice.
  useEffect(() => {
    setGrown((was) => (was.length === 0 ? was : []));
    setSelected(null);
  }, [base]);
  const trace = merged(base, grown);
  const byId = new Map(trace.nodes.map((n) => [n.id, n]));
  const expand = async (id: string, way: 'up' | 'down') => {
    setExpanding(`${way} from ${id}`);
    try {
      const more = await getJson<Trace>(`/v1/trace/${seg(id)}`, { direction: way, depth: 1, asOf });
      setGrown((was) => [...was, more]);
    } finally {
      setExpanding(null);
    }
  };
  useEffect(() => {
    let cy: Core | undefined;
    let live = true;
    setReady(false);
    void (async () => {
      // Marks for the bench (scripts/src/bench/groups/explorer.ts): where a large graph's time goes.
      performance.mark('cairn:graph-data');
      // For the browser tests: how many times the graph was laid out (once per change of what it holds).
      layouts.current += 1;
      box.current?.setAttribute('data-layouts', String(layouts.current));
      const [{ default: cytoscape }, positions] = await Promise.all([cytoscapeLoading, layOut(trace)]);
      if (!live || box.current === null) return;
      performance.mark('cairn:graph-laid-out');
      const large = trace.nodes.length > ELK_MAX_NODES;
      const ids = new Set(trace.nodes.map((n) => n.id));
      // The first view shows the whole graph, framed from the positions already known: Cytoscape's
      // own fit measures every label's box first, which at thousands of nodes costs more than drawing.
      const view = framing(positions, box.current.clientWidth, box.current.clientHeight);
      const elements: ElementDefinition[] = [
        ...trace.nodes.map((n) => ({
          group: 'nodes' as const,
          data: {
            id: n.id,
            label: `${n.kind === 'contributor' || n.kind === 'dataset-version' ? n.label : `${n.kind} ${n.id.slice(0, 8)}`}${n.state === null ? '' : ` (${n.state})`}`,
          },
          // Styled by class, not by attribute selectors: a class test is the cheapest match per element.
          classes: n.id === trace.root ? `${n.kind} root` : n.kind,
          position: positions.get(n.id) ?? { x: 0, y: 0 },
        })),
        ...trace.edges
          .filter((e) => ids.has(e.from) && ids.has(e.to))
          .map((e, i) => ({
            group: 'edges' as const,
            data: { id: `e${i}`, source: e.from, target: e.to, type: e.type },
            classes: e.type,
          })),
      ];
      cy = cytoscape({
        container: box.current,
        minZoom: MIN_ZOOM,
        maxZoom: MAX_ZOOM,
        zoom: view.zoom,
        pan: view.pan,
        // Large graphs stay smooth to pan and zoom: edges hidden and a bitmap moved while the view moves.
        hideEdgesOnViewport: large,
        textureOnViewport: large,
        motionBlur: false,
        // One canvas pixel per CSS pixel: on a dense display a large graph would fill four times the pixels.
        ...(large ? { pixelRatio: 1 } : {}),
        style: stylesheet(large, !large || view.zoom >= LABEL_ZOOM),
      });
      // Added after the core is made, not handed to it: the core would run a layout over the
      // positions the elements already carry, one more pass over every node.
      cy.add(elements);
      if (large && view.zoom < LABEL_ZOOM) {
        // A large graph framed whole is too small to read: its labels are styled only once it is
        // zoomed in, sparing the first frame the measuring and placing of thousands of labels.
        const core = cy;
        const labelOnZoom = () => {
          if (core.zoom() < LABEL_ZOOM) return;
          core.off('zoom', labelOnZoom);
          core.style(stylesheet(true, true));
        };
        core.on('zoom', labelOnZoom);
      }
      cy.on('tap', 'node', (event) => {
        const node = byId.get(event.target.id() as string);
        if (node === undefined) return;
        const page = pageOf(node);
        go(href(page.view, page.arg, page.query, asOf));
      });
      cy.on('cxttap', 'node', (event) => setSelected(event.target.id() as string));
      if (selected !== null) cy.getElementById(selected).select();
      // For the browser tests: where each node is drawn, so a real click can land on it.
      (box.current as HTMLDivElement & { cairnGraph?: unknown }).cairnGraph = cy;
      // Ready once the first frame is on the canvas, not when Cytoscape has only been handed the graph.
      performance.mark('cairn:graph-created');
      cy.one('render', () => {
        performance.mark('cairn:graph-drawn');
        if (live) setReady(true);
      });
    })();
    return () => {
      live = false;
      cy?.destroy();
    };
    // Redrawn when the graph grows, not when only the selection moves.
  }, [base, grown, asOf]);
  useEffect(() => {
    const cy = (box.current as (HTMLDivElement & { cairnGraph?: Core }) | null)?.cairnGraph;
    if (cy === undefined || cy.destroyed()) return;
    cy.elements().unselect();
    if (selected !== null) cy.getElementById(selected).select();
  }, [selected, ready]);
  const chosen = selected === null ? undefined : byId.get(selected);
  return (
    <>
      <p class="muted">
        {trace.nodes.length} nodes, {trace.edges.length} edges
        {trace.truncated === true ? ' (cut short: raise the depth or narrow the direction)' : ''}. Drag to pan, wheel to zoom, click a node
        to open it, right-click a node to expand the graph from it.
      </p>
      <div class="graph-node" role="group" aria-label="the node chosen">
        {chosen === undefined ? (
          <span class="muted">Right-click a node (or choose one in the list below) to expand the graph up or down from it.</span>
        ) : (
          <>
            <strong>{nodeName(chosen)}</strong>{' '}
            <button type="button" disabled={expanding !== null} onClick={() => void expand(chosen.id, 'up')}>
              Expand up
            </button>{' '}
            <button type="button" disabled={expanding !== null} onClick={() => void expand(chosen.id, 'down')}>
              Expand down
            </button>{' '}
            <a href={href(pageOf(chosen).view, pageOf(chosen).arg, pageOf(chosen).query, asOf)}>Open its page</a>{' '}
            <a href={href('graph', chosen.id, { direction, depth }, asOf)}>Centre the graph here</a>
          </>
        )}
        <span role="status">{expanding === null ? '' : `Expanding ${expanding.split(' ')[0]}…`}</span>
      </div>
      <div
        ref={box}
        class="graph"
        role="img"
        aria-label={`lineage graph of ${trace.nodes.length} nodes; the same nodes are listed below`}
        data-ready={ready ? 'true' : 'false'}
        data-nodes={trace.nodes.length}
        data-root={trace.root}
      />
      <details class="graph-list" onToggle={(e) => setListOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>The nodes as a list</summary>
        {/* Drawn only when opened: at 2,000 nodes the list is most of the page's elements. */}
        {listOpen && (
          <ul>
            {trace.nodes.map((n) => {
              const page = pageOf(n);
              return (
                <li>
                  <a href={href(page.view, page.arg, page.query, asOf)}>
                    {n.kind} {n.label}
                  </a>{' '}
                  <button type="button" onClick={() => setSelected(n.id)} aria-label={`choose ${nodeName(n)}`}>
                    choose
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </details>
    </>
  );
}
