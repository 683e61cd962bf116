// lineageFacts states each edge of an event once: lineage_edges has no key to refuse a second copy.
import { describe, expect, it } from '@jest/globals';
import type { ProjectedEvent } from '@cairn/projector';
import { lineageFacts, type LineageFacts } from './facts.js';

const cf = (n: number) => n.toString(16).padStart(64, '0');

function event(id: string, type: string, payload: Record<string, unknown>): ProjectedEvent {
  return {
    position: 7n,
    recordedAt: new Date('2026-01-01T00:00:00Z'),
    stream: `cf-${id}`,
    id,
    event: { type, payload, signer: 'a'.repeat(64) } as unknown as ProjectedEvent['event'],
  };
}

const factsOf = (e: ProjectedEvent): LineageFacts => {
  const facts: LineageFacts = { nodes: [], edges: [], states: [] };
  lineageFacts(e, facts);
  return facts;
};

describe('lineage facts of one event', () => {
  it('given a label whose targets name one CF twice, then it states one labels edge to it', () => {
    const facts = factsOf(event(cf(1), 'LabelContributed', { labelType: 'class', value: 'cat', targets: [cf(2), cf(3), cf(2)] }));
    expect(facts.edges.filter((e) => e.type === 'labels').map((e) => e.to)).toEqual([cf(2), cf(3)]);
  });

  it('given a validation whose targets repeat, then it states one validates edge per CF', () => {
    const facts = factsOf(event(cf(1), 'ValidationContributed', { verdict: 'approve', targets: [cf(2), cf(2)] }));
    expect(facts.edges.filter((e) => e.type === 'validates').map((e) => e.to)).toEqual([cf(2)]);
  });

  it('given an asset whose members repeat, then it states one derived-from edge per member', () => {
    const facts = factsOf(event(cf(1), 'AssetAssembled', { name: 'set', members: [cf(4), cf(5), cf(4), cf(5)] }));
    expect(facts.edges.filter((e) => e.type === 'derived-from').map((e) => e.to)).toEqual([cf(4), cf(5)]);
  });
});
