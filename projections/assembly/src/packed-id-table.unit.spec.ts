import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { idOf } from './fact-builders.js';
import { PackedIdTable } from './packed-id-table.js';

describe('packed id table', () => {
  it('given any mix of hex ids and other strings, then it numbers them in order of arrival, as a Map would', () => {
    const key = fc.oneof(
      fc.nat(300).map((k) => idOf(`id-${k}`)),
      fc.string({ maxLength: 70 }),
      fc.nat(5).map((k) => idOf(`x${k}`).toUpperCase()),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 3000 }), fc.array(key, { maxLength: 50 }), (keys, probes) => {
        const table = new PackedIdTable();
        const reference = new Map<string, number>();
        for (const k of keys) {
          if (!reference.has(k)) reference.set(k, reference.size);
          expect(table.intern(k)).toBe(reference.get(k));
        }
        expect(table.size).toBe(reference.size);
        for (const k of [...keys, ...probes]) expect(table.get(k)).toBe(reference.get(k) ?? -1);
        for (const [k, i] of reference) expect(table.keyAt(i)).toBe(k);
        expect(table.keyAt(reference.size)).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });
});
