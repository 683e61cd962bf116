import { describe, expect, it } from '@jest/globals';
import { toRecorded } from './sql/rows.js';
import { eventIdFromDb } from './stored-id.js';

const ID = 'cd'.repeat(32);
const row = (id: string) => ({
  position: '7',
  id,
  stream: 'cf-x',
  stream_suffixed: false,
  revision: '0',
  type: 'T',
  data: '{"a":1}',
  metadata: null,
  recorded_at: '2026-01-02T03:04:05Z',
});

describe('event ids read back from the log tables', () => {
  it('given a row whose id is 64 lowercase hex, when read, then the recorded event carries that id unchanged', () => {
    expect(eventIdFromDb(ID)).toBe(ID);
    expect(toRecorded(row(ID)).id).toBe(ID);
  });

  it('given a hand-edited row (upper case or short id), when read, then the error names the column and the value', () => {
    expect(() => toRecorded(row(ID.toUpperCase()))).toThrow(`event id column held "${ID.toUpperCase()}", not 64 lowercase hex`);
    expect(() => eventIdFromDb(ID.slice(2))).toThrow('event id column held');
  });
});
