// Shared Jest setup: TypeScript through @swc/jest as native ESM (jest runs with
// --experimental-vm-modules), so the ESM-only @noble/* and PGlite load untransformed.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));

/** @param {string} dir the package directory */
export function jestConfig(dir, overrides = {}) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    transformIgnorePatterns: ['/node_modules/', '/dist/'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    reporters: ['default', [path.join(root, 'scripts/jest-tally-reporter.cjs'), {}]],
    // A folder for the run's store templates (@cairn/testing storeFromTemplate), removed after it.
    globalSetup: path.join(root, 'scripts/jest-global-setup.cjs'),
    globalTeardown: path.join(root, 'scripts/jest-global-teardown.cjs'),
    testTimeout: 60_000,
    ...overrides,
  };
}
