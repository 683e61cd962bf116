// The Postgres log on `pg`. Same SQL as the embedded log; live subscribers are woken by
// LISTEN/NOTIFY (the notify trigger fires on every inserting statement, whoever the writer).
import pg from 'pg';
import type { EventLog } from '../port.js';
import { logTables, migrateEventLog, notifyChannel, quoteIdent, type LogTables } from '../sql/schema.js';
import { createSqlEventLog } from '../sql/sql-event-log.js';
import { appendSignal } from '../subscription.js';
import { pgExecutor } from './pg-executor.js';

export type PostgresConnection = { readonly connectionString: string } | { readonly pool: pg.Pool };

export interface PostgresEventLogOptions {
  /** Schema of the log's tables; default: the connection's current schema (search_path). */
  readonly schema?: string;
  /** Skip the migration (the schema is managed elsewhere). Default false. */
  readonly skipMigration?: boolean;
  /** Safety-net poll interval of live subscriptions, in ms. Default 500. */
  readonly idlePollMs?: number;
}

/** One LISTEN connection per log, opened when the first subscriber appears. */
function notificationListener(connect: () => Promise<pg.PoolClient | pg.Client>, channel: string, wake: () => void) {
  let client: Promise<pg.PoolClient | pg.Client> | undefined;
  return {
    ensure: () => {
      client ??= (async () => {
        const c = await connect();
        c.on('notification', wake);
        // A dropped LISTEN connection must not crash the process: subscribers fall back to polling.
        c.on('error', () => {
          client = undefined;
        });
        await c.query(`listen ${quoteIdent(channel)}`);
        return c;
      })().catch((e: unknown) => {
        client = undefined;
        throw e;
      });
      client.catch(() => undefined);
    },
    close: async () => {
      const c = await client?.catch(() => undefined);
      client = undefined;
      if (c && 'release' in c) c.release(true);
      else await c?.end();
    },
  };
}

/**
 * Notifies the log's channel for appends whose transaction did not (the single-statement
 * append, schema.ts), from a transaction of its own that writes nothing: at most one in flight,
 * and one more for every burst of commits that ended while it was.
 */
function quietCommitNotifier(pool: pg.Pool, channel: string) {
  let sending: Promise<void> | null = null;
  let again = false;
  const send = (): void => {
    if (sending) {
      again = true;
      return;
    }
    again = false;
    sending = pool
      .query('select pg_notify($1, $2)', [channel, ''])
      .then(
        () => undefined,
        () => undefined, // a lost wake-up costs subscribers one idle poll, never an event
      )
      .finally(() => {
        sending = null;
        if (again) send();
      });
  };
  return {
    send,
    settle: async () => {
      while (sending) await sending;
    },
  };
}

export async function openPostgresEventLog(connection: PostgresConnection, options: PostgresEventLogOptions = {}): Promise<EventLog> {
  const ownPool = 'connectionString' in connection;
  const pool = ownPool ? new pg.Pool({ connectionString: connection.connectionString, max: 10 }) : connection.pool;
  // An idle pooled client losing its connection emits 'error' on the pool; without a listener
  // Node would crash. The next query reports Unavailable instead.
  if (ownPool) pool.on('error', () => undefined);
  const executor = pgExecutor(pool);
  try {
    const schema = options.schema ?? (await executor.query<{ schema: string }>('select current_schema() as schema'))[0]?.schema;
    if (!schema) throw new Error('openPostgresEventLog: no current schema; pass { schema }');
    const tables: LogTables = logTables(schema);
    if (!options.skipMigration) await migrateEventLog(executor, tables);
    const signal = appendSignal();
    const listener = notificationListener(() => pool.connect(), notifyChannel(tables), signal.notify);
    const notifier = quietCommitNotifier(pool, notifyChannel(tables));
    return createSqlEventLog({
      adapter: 'postgres',
      executor,
      tables,
      onAppend: (l) => {
        listener.ensure();
        return signal.onAppend(l);
      },
      afterCommit: signal.notify,
      afterQuietCommit: notifier.send,
      idlePollMs: options.idlePollMs ?? 500,
      close: async () => {
        await notifier.settle();
        await listener.close();
        if (ownPool) await pool.end();
      },
    });
  } catch (e) {
    if (ownPool) await pool.end();
    throw e;
  }
}
