import { describe, expect, it } from '@jest/globals';
import { cfIdFromDb, eventIdFromDb } from './ids.js';

const ID = 'ab'.repeat(32);

describe('ids read back from projection tables', () => {
  it('given a column value of 64 lowercase hex, when read as a CF id or event id, then it comes back unchanged', () => {
    expect(cfIdFromDb(ID)).toBe(ID);
    expect(eventIdFromDb(ID)).toBe(ID);
  });

  it('given a hand-edited value (upper case, short, a position), when read as an id, then the error names the column kind and the value', () => {
    expect(() => cfIdFromDb(ID.toUpperCase())).toThrow(`CF id column held "${ID.toUpperCase()}", not 64 lowercase hex`);
    expect(() => eventIdFromDb(ID.slice(1))).toThrow('event id column held');
    expect(() => eventIdFromDb('42')).toThrow('not 64 lowercase hex');
  });
});
