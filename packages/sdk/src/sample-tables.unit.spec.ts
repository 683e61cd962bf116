// The packed tables the samples check holds its ids and keys in answer as the maps they replace.
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SampleIdTable, SampleKeys } from './sample-tables.js';

const idOf = (i: number) => createHash('sha256').update(`sample ${i}`).digest('hex');

describe('the samples check’s id table', () => {
  it('given more ids than its first size, each added with a position, when looked up, then each answers its number in the order added, its id and its position', () => {
    const table = new SampleIdTable();
    const ids = Array.from({ length: 5000 }, (_, i) => idOf(i));
    ids.forEach((id, i) => expect(table.add(id, 10 + i)).toBe(i));

    expect(table.size).toBe(5000);
    ids.forEach((id, i) => {
      expect(table.find(id)).toBe(i);
      expect(table.idAt(i)).toBe(id);
      expect(table.positionAt(i)).toBe(10 + i);
    });
    expect(table.find(idOf(5000))).toBe(-1);
  });

  it('given an id added twice, when looked up, then it keeps its first number and position and is counted once', () => {
    const table = new SampleIdTable();
    table.add(idOf(1), 1);
    expect(table.add(idOf(2), 2)).toBe(1);
    expect(table.add(idOf(1), 3)).toBe(0);

    expect(table.size).toBe(2);
    expect(table.positionAt(0)).toBe(1);
  });

  it('given ids that are not lowercase hex, when looked up, then each is found only as written, never as the hex id it spells', () => {
    const table = new SampleIdTable();
    const upper = idOf(1).toUpperCase();
    expect(table.add('not-an-id', NaN)).toBe(0);
    expect(table.add(upper, 5)).toBe(1);
    expect(table.add(idOf(1), 6)).toBe(2);

    expect(table.find('not-an-id')).toBe(0);
    expect(table.find(upper)).toBe(1);
    expect(table.find(idOf(1))).toBe(2);
    expect(table.find(idOf(1).slice(0, 62))).toBe(-1);
    expect(table.find(`${idOf(1).slice(0, 63)}g`)).toBe(-1);
    expect(table.find(`g${idOf(1).slice(1)}`)).toBe(-1);
    expect(table.idAt(0)).toBe('not-an-id');
    expect(table.idAt(1)).toBe(upper);
    expect(table.positionAt(0)).toBeNaN();
  });
});

describe('the samples check’s key table', () => {
  const key = (fill: number, length = 32) => new Uint8Array(length).fill(fill);

  it('given one bare key, a salted key, several copies, a key of another length and none, when read back, then each sample answers its copies in the order added', () => {
    const keys = new SampleKeys(5);
    keys.add(0, { dataKey: key(1) });
    keys.add(1, { dataKey: key(2), salt: key(3) });
    keys.add(2, { dataKey: key(4) });
    keys.add(2, { dataKey: key(5), salt: key(6) });
    keys.add(2, { dataKey: key(7) });
    keys.add(3, { dataKey: key(8, 16) });

    expect(keys.of(0)).toEqual([{ dataKey: key(1) }]);
    expect(keys.of(1)).toEqual([{ dataKey: key(2), salt: key(3) }]);
    expect(keys.of(2)).toEqual([{ dataKey: key(4) }, { dataKey: key(5), salt: key(6) }, { dataKey: key(7) }]);
    expect(keys.of(3)).toEqual([{ dataKey: key(8, 16) }]);
    expect(keys.of(4)).toEqual([]);
    expect([0, 1, 2, 3, 4].map((at) => keys.has(at))).toEqual([true, true, true, true, false]);
  });

  it('given a key whose bytes the store later reuses, when read back, then the table answers the key as it was added', () => {
    const keys = new SampleKeys(2);
    const buffer = key(1);
    const salted = { dataKey: key(2), salt: key(3) };
    keys.add(0, { dataKey: buffer });
    keys.add(1, salted);
    buffer.fill(9);
    salted.dataKey.fill(9);
    salted.salt.fill(9);

    expect(keys.of(0)).toEqual([{ dataKey: key(1) }]);
    expect(keys.of(1)).toEqual([{ dataKey: key(2), salt: key(3) }]);
  });
});
