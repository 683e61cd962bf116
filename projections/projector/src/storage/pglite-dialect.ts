// A kysely PostgresPool over one PGlite session, on the caller's thread or on a worker thread of
// its own. PGlite is a single Postgres session, so a kysely transaction (BEGIN ... COMMIT sent as
// separate queries) must own it exclusively: connect() hands out the one client only when the
// previous holder has released it, otherwise a concurrent query would run inside someone else's
// transaction.
import type { PGlite } from '@electric-sql/pglite';
import type { PGliteThread } from '@cairn/eventlog';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { copyFromBlob, copyFromStdin } from './copy.js';

// int8 as decimal text, as pg returns it, whoever created the PGlite (see positions.ts).
const INT8_AS_TEXT = { 20: (x: string) => x };

type Command = PostgresQueryResult<unknown>['command'];

// PGlite 0.5 reports `command`; older builds only `affectedRows`. Kysely reads numAffectedRows
// only for these four commands, so anything else is reported as SELECT.
const MUTATIONS: ReadonlySet<string> = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function commandOf(reported: unknown): Command {
  const upper = typeof reported === 'string' ? reported.toUpperCase() : '';
  return (MUTATIONS.has(upper) ? upper : 'SELECT') as Command;
}

interface PGliteResultShape {
  readonly rows: readonly unknown[];
  readonly affectedRows?: number;
  readonly rowCount?: number;
  readonly command?: string;
}

export interface PGlitePool extends PostgresPool {
  /** Waits until nobody holds the session (used before closing). */
  idle(): Promise<void>;
}

/** One PGlite session: a statement (with its COPY data, for a `copy ... from '/dev/blob'`), and closing it. */
export interface PGliteSession {
  query(text: string, parameters: readonly unknown[], copyData?: string): Promise<PGliteResultShape>;
  close(): Promise<void>;
}

/** A PGlite on this thread: every statement runs here, blocking the event loop while it does. */
export const sessionOnThisThread = (pglite: PGlite): PGliteSession => ({
  query: async (text, parameters, copyData) =>
    (copyData === undefined
      ? await pglite.query(text, [...parameters], { parsers: INT8_AS_TEXT })
      : await pglite.query(text, [], { blob: new Blob([copyData]) })) as unknown as PGliteResultShape,
  close: () => pglite.close(),
});

/** A PGlite on its own thread (opened with int8 as text): this thread only posts statements and awaits rows. */
export const sessionOnWorker = (thread: PGliteThread): PGliteSession => ({
  query: (text, parameters, copyData) => thread.statement(text, parameters, copyData === undefined ? undefined : { copyData }),
  close: () => thread.close(),
});

export function pglitePool(session: PGliteSession, options: { readonly closeOnEnd: boolean }): PGlitePool {
  let tail: Promise<void> = Promise.resolve();

  // One client object for the session (kysely caches its connection, and runs
  // onCreateConnection, per client object); each lease swaps in its own release.
  let releaseLease: (() => void) | undefined;
  const query = async (sqlText: string, parameters: readonly unknown[]) => {
    // A copyRows statement: PGlite reads COPY data from the blob handed with the query.
    const rows = copyFromStdin(sqlText, parameters);
    const result = rows === undefined ? await session.query(sqlText, parameters) : await session.query(copyFromBlob(sqlText), [], rows);
    const command = commandOf(result.command);
    const rowCount = MUTATIONS.has(command) ? (result.affectedRows ?? result.rowCount ?? 0) : (result.rowCount ?? result.rows.length);
    return { command, rowCount, rows: result.rows as unknown[] };
  };
  const client: PostgresPoolClient = {
    query: query as unknown as PostgresPoolClient['query'],
    release: () => {
      const release = releaseLease;
      releaseLease = undefined;
      release?.();
    },
  };

  return {
    connect: () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const previous = tail;
      tail = previous.then(() => held);
      return previous.then(() => {
        releaseLease = release;
        return client;
      });
    },
    idle: () => tail,
    end: async () => {
      await tail;
      if (options.closeOnEnd) await session.close();
    },
  };
}
