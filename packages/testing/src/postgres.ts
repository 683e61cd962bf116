// Where the Postgres-backed suites find their server, and what they do when it is absent:
// in CI (CI=true) a missing server is a failure; on a laptop the suite skips with a notice.
import pg from 'pg';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function postgresTestUrl(): string {
  return process.env.CAIRN_TEST_PG_URL ?? DEFAULT_PG_URL;
}

export type PostgresAvailability =
  { readonly available: true; readonly url: string } | { readonly available: false; readonly url: string; readonly reason: string };

let probed: Promise<PostgresAvailability> | undefined;

/** Connects once per process to learn whether the test server is reachable. */
export function probePostgres(): Promise<PostgresAvailability> {
  probed ??= (async () => {
    const url = postgresTestUrl();
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return { available: true as const, url };
    } catch (e) {
      return { available: false as const, url, reason: e instanceof Error ? e.message : String(e) };
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return probed;
}

export function postgresRequired(): boolean {
  return process.env.CI === 'true' || process.env.CAIRN_REQUIRE_PG === '1';
}

/**
 * Creates a fresh schema with a unique name so suites running in parallel (and reruns)
 * never see each other's tables. Returns a connection string pinned to that schema.
 */
export async function createTestSchema(prefix: string): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const base = postgresTestUrl();
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create schema "${schema}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await c.end();
      }
    },
  };
}
