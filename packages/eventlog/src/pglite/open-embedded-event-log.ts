// The embedded log: PGlite (Postgres compiled to WASM) in a local folder, with the same
// migration and SQL as the Postgres adapter. PGlite writes through to the data directory and,
// with relaxedDurability off (its default), a query resolves only after its writes reached the
// file system, so an acknowledged append survives the process being killed. By default PGlite
// runs on a worker thread of its own (./worker-executor.ts), so the caller's thread is free for
// the SDK's work while the database writes.
import { PGlite } from '@electric-sql/pglite';
import type { EventLog } from '../port.js';
import type { SqlExecutor } from '../sql/executor.js';
import { logTables, migrateEventLog } from '../sql/schema.js';
import { createSqlEventLog } from '../sql/sql-event-log.js';
import { appendSignal } from '../subscription.js';
import { createMutex } from './mutex.js';
import { openWorkerExecutor } from './worker-executor.js';

export interface EmbeddedEventLogOptions {
  /** Folder of the database; created if missing. Default './.cairn/log'. `memory://` keeps it in RAM. */
  readonly dataDir?: string;
  /**
   * Where PGlite runs: on a worker thread of its own ('worker', the default: appends overlap
   * with the caller's work), or on the caller's thread ('caller': no thread hop per statement).
   */
  readonly thread?: 'worker' | 'caller';
}

export const DEFAULT_EMBEDDED_DATA_DIR = './.cairn/log';

function pgliteExecutor(db: PGlite): SqlExecutor {
  const exclusive = createMutex();
  return {
    query: (text, params) => exclusive(async () => (await db.query(text, params as unknown[])).rows as never),
    transaction: (fn) =>
      exclusive(() =>
        db.transaction((tx) =>
          fn({ query: async (text, params) => (await tx.query(text, params as unknown[])).rows as never }),
        ),
      ),
  };
}

async function openExecutor(dataDir: string, thread: 'worker' | 'caller'): Promise<{ executor: SqlExecutor; close: () => Promise<void> }> {
  if (thread === 'worker') {
    const executor = await openWorkerExecutor(dataDir);
    return { executor, close: executor.close };
  }
  const db = await PGlite.create(dataDir === 'memory://' ? {} : { dataDir });
  return { executor: pgliteExecutor(db), close: () => db.close() };
}

/** Opens (creating if needed) the embedded log. Only one process may open a data directory. */
export async function openEmbeddedEventLog(options: EmbeddedEventLogOptions = {}): Promise<EventLog> {
  return (await openEmbeddedEventLogWithSql(options)).log;
}

/**
 * The log plus a query function on the same PGlite instance (serialised with the log's own
 * use of it), for benchmarks and tests that compare against or inspect the raw tables.
 */
export async function openEmbeddedEventLogWithSql(
  options: EmbeddedEventLogOptions = {},
): Promise<{ log: EventLog; query: SqlExecutor['query'] }> {
  const dataDir = options.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR;
  const { executor, close } = await openExecutor(dataDir, options.thread ?? 'worker');
  const tables = logTables('public');
  await migrateEventLog(executor, tables);
  const signal = appendSignal();
  const log = createSqlEventLog({
    adapter: 'pglite',
    executor,
    tables,
    onAppend: signal.onAppend,
    afterCommit: signal.notify,
    idlePollMs: 1000,
    exclusiveConnection: true,
    close,
  });
  return { log, query: executor.query };
}
