// Where a command's session runs an embedded store's projections: one choice, made by the kind
// of command. One that answers and exits starts no second worker thread (the log has one); one
// that holds the store open (serve) keeps the projections on a worker, so its requests are taken
// while Postgres works.
import { describe, expect, it } from '@jest/globals';
import { projectionsThreadFor } from './session.js';

describe('the thread a session projects on', () => {
  it('given a command that answers one question and exits (status, why, show, diff, trace…), then the caller’s thread', () => {
    expect(projectionsThreadFor({})).toBe('caller');
    expect(projectionsThreadFor({ create: true })).toBe('caller');
  });

  it('given a command that holds the store open until stopped (serve), then a worker thread of their own', () => {
    expect(projectionsThreadFor({ lasting: true })).toBe('worker');
  });

  it('given a command with work of its own while the projections are rebuilt (verify checks the samples meanwhile), then a worker thread', () => {
    expect(projectionsThreadFor({ besideProjections: true })).toBe('worker');
  });
});
