import { describe, expect, it } from '@jest/globals';
import { CHUNK, chunkRanges, layoutOf, projectionProgress } from './store.js';

describe("the server bench's store is sealed a chunk per author", () => {
  it('given the samples after the first build starting mid-chunk, then no ingest batch crosses into the next author’s chunk', () => {
    const layout = layoutOf(1_000_000);
    expect(layout.first % CHUNK).not.toBe(0);
    const ranges = chunkRanges(layout.first, layout.samples);
    for (const [start, end] of ranges) expect(Math.floor(start / CHUNK)).toBe(Math.floor((end - 1) / CHUNK));
    // and together they are every sample of the range, once, in order
    expect(ranges[0]![0]).toBe(layout.first);
    expect(ranges.at(-1)![1]).toBe(layout.samples);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
  });
});

describe("the server bench's store says how its projections catch up", () => {
  it('given runner reports over 25 s, then it prints a line each 10 s with every projection at its checkpoint and the time to go at the pace of the one behind', () => {
    const lines: string[] = [];
    let clock = 1_000;
    const progress = projectionProgress(
      (line) => lines.push(line),
      clock,
      () => clock,
    );
    const report = (projection: string, position: bigint, at: number) => {
      clock = at;
      progress({ projection, position, head: 1_000n, applied: Number(position) });
    };
    report('lineage', 100n, 2_000);
    report('datasets', 50n, 9_000);
    expect(lines).toEqual([]);
    report('lineage', 300n, 11_000);
    report('datasets', 200n, 12_000);
    report('lineage', 500n, 21_000);
    report('datasets', 400n, 26_000);
    // At 11 s: datasets is behind, 50 applied in 10 s, 950 to go. At 21 s: 200 in 20 s, 800 to go.
    expect(lines).toEqual([
      'build: projecting: lineage 300, datasets 50 of 1000 events in 10 s, 5 events/s, about 190 s to go',
      'build: projecting: lineage 500, datasets 200 of 1000 events in 20 s, 10 events/s, about 80 s to go',
    ]);
  });
});
