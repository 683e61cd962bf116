import { describe, expect, it } from '@jest/globals';
import { pinnedAnswers } from './pinned-answers.js';

const answer = (body: string) => ({ position: 7n, body, contentType: 'application/json' });

describe('pinned answers held in memory', () => {
  it('given answers past the budget, then the least recently used go first; one larger than a tenth of the budget is not kept', () => {
    const held = pinnedAnswers(2000);
    for (const k of ['a', 'b', 'c', 'd', 'e']) held.set(k, answer('x'.repeat(60)));
    expect(held.get('a')).toEqual(answer('x'.repeat(60)));
    for (const k of ['f', 'g', 'h', 'i', 'j', 'k']) held.set(k, answer('x'.repeat(60)));
    expect(held.bytes).toBeLessThanOrEqual(2000);
    expect(held.get('a')).toBeDefined(); // used recently, kept
    expect(held.get('b')).toBeUndefined(); // the oldest unused, dropped
    held.set('big', answer('x'.repeat(100)));
    expect(held.get('big')).toBeUndefined();
  });

  it('given a budget of 0, then nothing is kept', () => {
    const held = pinnedAnswers(0);
    held.set('a', answer('{}'));
    expect(held.get('a')).toBeUndefined();
  });
});
