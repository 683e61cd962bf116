import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { sortedIdOrder } from './sort-ids.js';

describe('sortedIdOrder', () => {
  it('given ids sharing their first 40 bits, then they are still in full byte order', () => {
    const tail = (i: number) => createHash('sha256').update(String(i)).digest('hex').slice(10);
    const ids = [
      ...Array.from({ length: 20 }, (_, i) => `abcdef0123${tail(i)}`),
      ...Array.from({ length: 20 }, (_, i) => tail(i + 100) + '0123456789'),
    ];
    const order = Array.from(sortedIdOrder(ids));
    expect(order.map((i) => ids[i])).toEqual([...ids].sort());
  });
});
