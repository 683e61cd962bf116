// Lineage as a picture: Graphviz DOT and Mermaid text (paste into any renderer), and SVG laid out
// by Graphviz itself compiled to WebAssembly (@viz-js/viz: no native dependencies). Output is a
// pure function of the trace, which is sorted, so the same trace draws the same bytes.
import type { LineageTrace, TraceNode } from './trace.js';
import type { EdgeType } from './tables.js';

export type LineageFormat = 'dot' | 'mermaid' | 'svg';

const SHAPES: Record<TraceNode['kind'], { dot: string; mermaid: [string, string]; color: string }> = {
  contributor: { dot: 'ellipse', mermaid: ['([', '])'], color: '#dbeafe' },
  sample: { dot: 'box', mermaid: ['[', ']'], color: '#dcfce7' },
  label: { dot: 'note', mermaid: ['[/', '/]'], color: '#fef9c3' },
  validation: { dot: 'diamond', mermaid: ['{', '}'], color: '#fae8ff' },
  asset: { dot: 'folder', mermaid: ['[[', ']]'], color: '#ffedd5' },
  'dataset-version': { dot: 'cylinder', mermaid: ['[(', ')]'], color: '#e0e7ff' },
  'training-run': { dot: 'hexagon', mermaid: ['{{', '}}'], color: '#fce7f3' },
  model: { dot: 'doubleoctagon', mermaid: ['((', '))'], color: '#f1f5f9' },
  unknown: { dot: 'box', mermaid: ['[', ']'], color: '#ffffff' },
};

const EDGE_STYLE: Record<EdgeType, string> = {
  'contributed-by': 'dotted',
  labels: 'solid',
  validates: 'solid',
  amends: 'bold',
  supersedes: 'bold',
  deprecates: 'dashed',
  'derived-from': 'solid',
  'selected-into': 'solid',
  'trained-on': 'solid',
};

function caption(n: TraceNode): string[] {
  const lines = [`${n.kind}: ${n.label}`, n.id.length > 16 ? `${n.id.slice(0, 12)}…` : n.id];
  if (n.state) lines.push(`[${n.state}${n.stateReason ? `: ${n.stateReason}` : ''}]`);
  return lines;
}

const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function lineageToDot(t: LineageTrace): string {
  const out = [
    `digraph lineage {`,
    `  rankdir=LR;`,
    `  node [fontname="Helvetica" fontsize=10 style=filled];`,
    `  edge [fontname="Helvetica" fontsize=9];`,
  ];
  for (const n of t.nodes) {
    const s = SHAPES[n.kind];
    const attrs = [`label=${dotString(caption(n).join('\n'))}`, `shape=${s.dot}`, `fillcolor=${dotString(s.color)}`];
    if (n.id === t.root) attrs.push('penwidth=3');
    if (n.state === 'deprecated' || n.state === 'erased') attrs.push('color="#dc2626"', 'fontcolor="#991b1b"');
    out.push(`  ${dotString(n.id)} [${attrs.join(' ')}];`);
  }
  for (const e of t.edges) {
    out.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(`${e.type} @${e.position}`)} style=${EDGE_STYLE[e.type]}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

// Mermaid ids must be simple words; node text goes in quotes with its own escaping.
const mermaidText = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;

export function lineageToMermaid(t: LineageTrace): string {
  const ids = new Map(t.nodes.map((n, i) => [n.id, `n${i}`]));
  const out = ['flowchart LR'];
  for (const n of t.nodes) {
    const [open, close] = SHAPES[n.kind].mermaid;
    out.push(`  ${ids.get(n.id)}${open}${mermaidText(caption(n).join('<br/>'))}${close}`);
  }
  for (const e of t.edges) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (from === undefined || to === undefined) continue;
    const arrow = e.type === 'deprecates' ? '-.->' : e.type === 'amends' || e.type === 'supersedes' ? '==>' : '-->';
    out.push(`  ${from} ${arrow}|${mermaidText(`${e.type} @${e.position}`)}| ${to}`);
  }
  const root = ids.get(t.root);
  if (root !== undefined) out.push(`  style ${root} stroke-width:3px`);
  t.nodes.forEach((n) => {
    if (n.state === 'deprecated' || n.state === 'erased') out.push(`  style ${ids.get(n.id)} stroke:#dc2626,color:#991b1b`);
  });
  return `${out.join('\n')}\n`;
}

let viz: Promise<{ renderString(dot: string, options: { format: string }): string }> | undefined;

export async function lineageToSvg(t: LineageTrace): Promise<string> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return (await viz).renderString(lineageToDot(t), { format: 'svg' });
}

/** The trace as DOT, Mermaid or SVG text. */
export async function renderLineage(t: LineageTrace, format: LineageFormat): Promise<string> {
  switch (format) {
    case 'dot':
      return lineageToDot(t);
    case 'mermaid':
      return lineageToMermaid(t);
    case 'svg':
      return lineageToSvg(t);
  }
}
