import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBoundaries, describeProblem } from './check.js';
import { readWorkspace } from './read-workspace.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the workspace import boundaries', () => {
  it('given every workspace package, when its sources are walked, then no import cycles, reaches up, or goes deep', () => {
    const { packages, order } = readWorkspace(root);
    expect(packages.map((p) => p.name)).toContain('@cairn/projector');
    expect(packages.every((p) => p.sources.size > 0)).toBe(true);
    expect(checkBoundaries(packages, order).map(describeProblem)).toEqual([]);
  });
});
