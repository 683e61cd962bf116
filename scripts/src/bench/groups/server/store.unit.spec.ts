import { describe, expect, it } from '@jest/globals';
import { CHUNK, chunkRanges, layoutOf } from './store.js';

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
