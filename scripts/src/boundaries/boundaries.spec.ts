import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBoundaries, describeProblem } from './check.js';
import { readWorkspace } from './read-workspace.js';
import { checkTableOwnership, describeTableProblem, type TableOwner } from './tables.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// Who holds the SQL on which tables. The datasets projection keeps its lineage edges and nodes in
// lineage's shape (`datasets_lineage_*`); lineage creates, fills and reads them for it, so the
// longer prefix is lineage's.
const TABLE_OWNERS: readonly TableOwner[] = [
  { prefix: 'lineage_', pkg: '@cairn/lineage' },
  { prefix: 'datasets_', pkg: '@cairn/datasets' },
  { prefix: 'datasets_lineage_', pkg: '@cairn/lineage' },
  { prefix: 'attribution_', pkg: '@cairn/attribution' },
];

const TABLE_EXEMPTIONS = new Map([
  ['scripts/src/bench/groups/query.ts', 'the query bench seeds a large datasets store by SQL instead of projecting a log'],
]);

describe('the workspace import boundaries', () => {
  it('given every workspace package, when its sources are walked, then no import cycles, reaches up, or goes deep', () => {
    const { packages, order } = readWorkspace(root);
    expect(packages.map((p) => p.name)).toContain('@cairn/projector');
    expect(packages.every((p) => p.sources.size > 0)).toBe(true);
    expect(checkBoundaries(packages, order).map(describeProblem)).toEqual([]);
  });

  it("given every workspace package, when its non-spec sources are walked, then none names another package's tables", () => {
    const { packages } = readWorkspace(root);
    for (const o of TABLE_OWNERS) expect(packages.map((p) => p.name)).toContain(o.pkg);
    expect(checkTableOwnership(packages, TABLE_OWNERS, TABLE_EXEMPTIONS).map(describeTableProblem)).toEqual([]);
  });
});
