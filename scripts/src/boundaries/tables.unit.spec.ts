import { describe, expect, it } from '@jest/globals';
import type { WorkspacePackage } from './check.js';
import { checkTableOwnership, type TableOwner } from './tables.js';

// Two projection packages: `@cairn/store` owns `store_*` tables, `@cairn/reader` owns `reader_*`
// and the `store_reader_*` tables it keeps for store in its own shape.
const pkg = (name: string, dir: string, files: Record<string, string>): WorkspacePackage => ({
  name,
  dir,
  dependsOn: [],
  sources: new Map(Object.entries(files).map(([f, s]) => [`${dir}/${f}`, s])),
});
const OWNERS: TableOwner[] = [
  { prefix: 'store_', pkg: '@cairn/store' },
  { prefix: 'reader_', pkg: '@cairn/reader' },
  { prefix: 'store_reader_', pkg: '@cairn/reader' },
];
const store = (files: Record<string, string>) => pkg('@cairn/store', 'p/store', files);
const reader = (files: Record<string, string>) => pkg('@cairn/reader', 'p/reader', files);

describe('table ownership check', () => {
  it('given each package naming only its own tables (and the longer prefix it owns), then there is no problem', () => {
    const problems = checkTableOwnership(
      [
        store({ 'src/tables.ts': `export const STORE_TABLE_NAMES = { rows: 'store_rows' } as const;` }),
        reader({ 'src/q.ts': 'const q = sql`select * from reader_things join store_reader_edges using (id)`;' }),
      ],
      OWNERS,
    );
    expect(problems).toEqual([]);
  });

  it("given a planted select from another package's table in a template literal, then the file and table are reported", () => {
    const problems = checkTableOwnership(
      [store({}), reader({ 'src/q.ts': 'const q = sql`select n from ${x} join store_rows using (id) where k = ${k}`;' })],
      OWNERS,
    );
    expect(problems).toEqual([{ kind: 'foreign-table', file: 'p/reader/src/q.ts', table: 'store_rows', owner: '@cairn/store' }]);
  });

  it("given another package's table in a plain string, then it is reported too", () => {
    const problems = checkTableOwnership([reader({ 'src/q.ts': `db.selectFrom('store_rows');` })], OWNERS);
    expect(problems.map((p) => p.kind)).toEqual(['foreign-table']);
  });

  it("given another package's table-name map imported (renamed) to build SQL, then it is reported", () => {
    const problems = checkTableOwnership(
      [
        reader({
          'src/q.ts': "import { STORE_TABLE_NAMES as T } from '@cairn/store';\nconst q = sql`select * from ${sql.table(T.rows)}`;",
        }),
      ],
      OWNERS,
    );
    expect(problems).toEqual([
      { kind: 'foreign-table-names', file: 'p/reader/src/q.ts', name: 'STORE_TABLE_NAMES', owner: '@cairn/store' },
    ]);
  });

  it('given a table named only in a comment, in a spec, in a spec helper or in an exempt file, then it is no problem', () => {
    const planted = 'const q = sql`select * from store_rows`;';
    const problems = checkTableOwnership(
      [
        reader({
          'src/a.ts': '// reads what store_rows holds, through store',
          'src/q.unit.spec.ts': planted,
          'src/__tests__/suite.ts': planted,
          'src/bench.ts': planted,
        }),
      ],
      OWNERS,
      new Map([['p/reader/src/bench.ts', 'seeds a store by SQL']]),
    );
    expect(problems).toEqual([]);
  });
});
