import { describe, expect, it } from '@jest/globals';
import { checkBoundaries, importsOf, type WorkspacePackage } from './check.js';

// A two-package fixture: `@x/low` (no dependencies) below `@x/high` (depends on low), in order.
const pkg = (name: string, dir: string, dependsOn: string[], files: Record<string, string>): WorkspacePackage => ({
  name,
  dir,
  dependsOn,
  sources: new Map(Object.entries(files).map(([f, s]) => [`${dir}/${f}`, s])),
});
const low = (files: Record<string, string>) => pkg('@cairn/low', 'p/low', [], files);
const high = (files: Record<string, string>) => pkg('@cairn/high', 'p/high', ['@cairn/low'], files);
const ORDER = ['p/low', 'p/high'];

describe('import boundary check', () => {
  it('given a clean fixture (a chain of modules, the higher package importing the lower one), then there is no problem', () => {
    const problems = checkBoundaries(
      [
        low({
          'src/index.ts': `export * from './a.js';`,
          'src/a.ts': `import { b } from './b.js'; export const a = b;`,
          'src/b.ts': `export const b = 1;`,
        }),
        high({ 'src/index.ts': `import { a } from '@cairn/low'; export const c = a;` }),
      ],
      ORDER,
    );
    expect(problems).toEqual([]);
  });

  it('given a planted cycle a -> b -> c -> a (one type-only), then the check reports exactly those modules', () => {
    const problems = checkBoundaries(
      [
        low({
          'src/a.ts': `import { b } from './b.js'; export const a = b;`,
          'src/b.ts': `import { c } from './c.js'; export const b = c;`,
          'src/c.ts': `import type { A } from './a.js'; export const c = 1;`,
          'src/d.ts': `import { a } from './a.js';`,
        }),
      ],
      ['p/low'],
    );
    expect(problems).toEqual([{ kind: 'module-cycle', modules: ['p/low/src/a.ts', 'p/low/src/b.ts', 'p/low/src/c.ts'] }]);
  });

  it('given a module re-exporting through its folder index, when the index imports it back, then that is a cycle too', () => {
    const problems = checkBoundaries(
      [low({ 'src/x/index.ts': `export * from './y.js';`, 'src/x/y.ts': `export { z } from './index.js';` })],
      ['p/low'],
    );
    expect(problems).toEqual([{ kind: 'module-cycle', modules: ['p/low/src/x/index.ts', 'p/low/src/x/y.ts'] }]);
  });

  it('given the lower package importing the higher one, then it is reported as an undeclared (upward) import', () => {
    const problems = checkBoundaries(
      [low({ 'src/a.ts': `import { c } from '@cairn/high';` }), high({ 'src/index.ts': `export const c = 1;` })],
      ORDER,
    );
    expect(problems).toEqual([{ kind: 'undeclared-package-import', file: 'p/low/src/a.ts', specifier: '@cairn/high' }]);
  });

  it('given a dynamic import of the higher package, then it is reported too', () => {
    const problems = checkBoundaries([low({ 'src/a.ts': `export const f = () => import('@cairn/high');` }), high({})], ORDER);
    expect(problems.map((p) => p.kind)).toEqual(['undeclared-package-import']);
  });

  it('given a deep import (@cairn/low/dist/...), then it is reported', () => {
    const problems = checkBoundaries([low({}), high({ 'src/a.ts': `import { a } from '@cairn/low/dist/a.js';` })], ORDER);
    expect(problems).toEqual([{ kind: 'deep-import', file: 'p/high/src/a.ts', specifier: '@cairn/low/dist/a.js' }]);
  });

  it('given a relative path into another package (../../low/src/a.js), then it is reported', () => {
    const problems = checkBoundaries([low({ 'src/a.ts': '' }), high({ 'src/a.ts': `import { a } from '../../low/src/a.js';` })], ORDER);
    expect(problems).toEqual([{ kind: 'relative-import-into-other-package', file: 'p/high/src/a.ts', specifier: '../../low/src/a.js' }]);
  });

  it('given a relative path to a shared file at the repository root (../../jest.config.base.js), then it is no problem', () => {
    expect(checkBoundaries([low({ 'jest.config.js': `import { jestConfig } from '../../jest.config.base.js';` })], ['p/low'])).toEqual([]);
  });

  it('given two packages depending on each other, then the package cycle is reported', () => {
    const problems = checkBoundaries([pkg('@cairn/low', 'p/low', ['@cairn/high'], {}), high({})], ['p/high', 'p/low']);
    expect(problems).toContainEqual({ kind: 'package-cycle', packages: ['@cairn/high', '@cairn/low'] });
  });

  it('given the workspaces list naming a package before its dependency, then the order is reported', () => {
    const problems = checkBoundaries([low({}), high({})], ['p/high', 'p/low']);
    expect(problems).toEqual([{ kind: 'workspace-order', pkg: '@cairn/high', dependency: '@cairn/low' }]);
  });

  it('given an import in a comment or a string, then it is not taken for an import', () => {
    expect(importsOf(`// import { a } from '@cairn/high';\nconst s = "import('@cairn/high')";\nexport { b } from './b.js';`)).toEqual([
      './b.js',
    ]);
  });
});
