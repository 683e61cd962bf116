import { describe, expect, it } from '@jest/globals';
import { framing, layOutInColumns, merged, NODE_HEIGHT, NODE_WIDTH } from './graph-layout.js';
import type { Trace, TraceNode } from './types.js';

const node = (id: string, kind: string, depth = 1): TraceNode => ({ id, kind, label: id, position: '1', state: null, depth });

/** A version, `n` samples selected into it, each contributed by one of two contributors. */
function star(n: number): Trace {
  const samples = Array.from({ length: n }, (_, i) => node(`s${String(i).padStart(4, '0')}`, 'sample'));
  return {
    root: 'v',
    nodes: [node('v', 'dataset-version', 0), node('alice', 'contributor', 2), node('bob', 'contributor', 2), ...samples],
    edges: samples.flatMap((s, i) => [
      { type: 'selected-into', from: s.id, to: 'v', position: '1' },
      { type: 'contributed-by', from: s.id, to: i % 2 ? 'alice' : 'bob', position: '1' },
    ]),
  };
}

describe('the lineage graph grown and laid out', () => {
  it('given a graph and a trace that overlaps it, when merged, then each node and each edge is there once and the root stays', () => {
    const base = star(3);
    const more: Trace = {
      root: 'alice',
      nodes: [node('alice', 'contributor', 0), node('s0000', 'sample'), node('s9999', 'sample')],
      edges: [
        { type: 'contributed-by', from: 's9999', to: 'alice', position: '2' },
        { type: 'selected-into', from: 's0000', to: 'v', position: '1' },
      ],
    };
    const m = merged(base, [more]);
    expect(m.root).toBe('v');
    expect(m.nodes.map((n) => n.id).sort()).toEqual(['alice', 'bob', 's0000', 's0001', 's0002', 's9999', 'v']);
    expect(m.edges).toHaveLength(base.edges.length + 1);
    expect(merged(base, [])).toBe(base);
  });

  it('given 2,000 samples of one version, when laid out in columns, then data flows left to right and no two nodes share a place', () => {
    const t = star(2000);
    const p = layOutInColumns(t);
    expect(p.size).toBe(t.nodes.length);
    const x = (id: string) => p.get(id)!.x;
    expect(x('alice')).toBeLessThan(x('s0000'));
    expect(Math.max(...t.nodes.filter((n) => n.kind === 'sample').map((n) => x(n.id)))).toBeLessThan(x('v'));
    const places = new Set([...p.values()].map((q) => `${q.x},${q.y}`));
    expect(places.size).toBe(t.nodes.length);
    // A layer of 2,000 wraps into columns, so the drawing stays about as wide as it is tall.
    const ys = [...p.values()].map((q) => q.y);
    expect(Math.max(...ys) - Math.min(...ys)).toBeLessThan(40 * 44);
  });

  it('given positions, when framed in a box, then every node is inside it whole, the graph centred and as large as the margin allows', () => {
    const positions = layOutInColumns(star(2000));
    const [width, height] = [1280, 600];
    const { zoom, pan } = framing(positions, width, height);
    const shown = [...positions.values()].map((p) => ({ x: p.x * zoom + pan.x, y: p.y * zoom + pan.y }));
    const left = Math.min(...shown.map((p) => p.x)) - (NODE_WIDTH / 2) * zoom;
    const right = Math.max(...shown.map((p) => p.x)) + (NODE_WIDTH / 2) * zoom;
    const top = Math.min(...shown.map((p) => p.y)) - (NODE_HEIGHT / 2) * zoom;
    const bottom = Math.max(...shown.map((p) => p.y)) + (NODE_HEIGHT / 2) * zoom;
    expect(left).toBeGreaterThanOrEqual(29.999);
    expect(right).toBeLessThanOrEqual(width - 29.999);
    expect(top).toBeGreaterThanOrEqual(29.999);
    expect(bottom).toBeLessThanOrEqual(height - 29.999);
    // centred, and touching the margin on the side that limits the zoom
    expect((left + right) / 2).toBeCloseTo(width / 2, 6);
    expect((top + bottom) / 2).toBeCloseTo(height / 2, 6);
    expect(Math.min(left - 30, width - 30 - right, top - 30, height - 30 - bottom)).toBeCloseTo(0, 6);
  });

  it('given one node, when framed, then it is shown at the most zoom allowed, in the middle', () => {
    const { zoom, pan } = framing(new Map([['a', { x: 10, y: 20 }]]), 1280, 600);
    expect(zoom).toBe(4);
    expect({ x: 10 * zoom + pan.x, y: 20 * zoom + pan.y }).toEqual({ x: 640, y: 300 });
  });

  it('given no node, when framed, then the view is at zoom 1', () => {
    expect(framing(new Map(), 1280, 600).zoom).toBe(1);
  });
});
