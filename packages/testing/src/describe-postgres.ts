// Jest's own `describe`, as it injects it into a suite's globals: read when a suite is declared,
// not imported, since @jest/globals throws when loaded outside Jest, and this package's other
// helpers (serveStore) are loaded by plain Node scripts too (the explorer bench).
type Describe = ((name: string, body: () => void) => void) & { readonly skip: (name: string, body: () => void) => void };
const jestDescribe = (): Describe => (globalThis as unknown as { readonly describe: Describe }).describe;
import { probePostgres, postgresRequired } from './postgres.js';

/**
 * `describe` for suites that need the Postgres test server. Jest collects suites
 * synchronously, so the probe result must be awaited first with top-level await:
 *
 *   const pg = await postgresForTests();
 *   describePostgres(pg, 'postgres adapter', () => { ... });
 */
export async function postgresForTests() {
  const availability = await probePostgres();
  if (!availability.available) {
    if (postgresRequired()) {
      throw new Error(`PostgreSQL is required here (CI=true) but ${availability.url} is unreachable: ${availability.reason}`);
    }
    console.warn(
      `[cairn] skipping Postgres suites: ${availability.url} is unreachable (${availability.reason}). Set CI=true to make this a failure.`,
    );
  }
  return availability;
}

export function describePostgres(availability: { readonly available: boolean }, name: string, body: () => void): void {
  const describe = jestDescribe();
  (availability.available ? describe : describe.skip)(name, body);
}
