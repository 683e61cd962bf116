import { describe, expect, it } from '@jest/globals';
import { href, parseRoute } from './route.js';

describe('the address of a view', () => {
  it('given a view, its argument, query and moment, when written and read back, then each comes back as it was', () => {
    const h = href('dataset', 'corpus/with?odd&chars', { v: '2', empty: '' }, '41');
    expect(h).toBe('#/dataset/corpus%2Fwith%3Fodd%26chars?v=2&asOf=41');
    expect(parseRoute(h)).toEqual({ view: 'dataset', arg: 'corpus/with?odd&chars', query: { v: '2', asOf: '41' }, asOf: '41' });
  });

  it('given an ISO time as asOf, when read, then it is the moment; given junk, then no moment is taken from it', () => {
    expect(parseRoute('#/cf/abc?asOf=2026-12-06T00:48:19Z').asOf).toBe('2026-12-06T00:48:19Z');
    expect(parseRoute('#/cf/abc?asOf=yesterday').asOf).toBeUndefined();
    expect(parseRoute('#/cf/abc?asOf=1;DROP').asOf).toBeUndefined();
  });

  it('given no hash, when read, then it is the search view with no moment', () => {
    expect(parseRoute('')).toEqual({ view: '', arg: '', query: {}, asOf: undefined });
  });

  it('given asOf null, when a link is written, then the moment is dropped (back to the latest)', () => {
    expect(href('search', '', { q: 'x' }, null)).toBe('#/search?q=x');
  });
});
