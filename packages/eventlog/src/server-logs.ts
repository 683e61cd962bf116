// The entry's doors to the server logs. Their client libraries (pg; @eventstore/db-client and its
// gRPC stack, the heaviest import of the package) load on the first open of such a log, never
// for a process that only uses the embedded or in-memory log: a CLI query pays for neither.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, LogSubscription } from './port.js';
import type { PostgresConnection, PostgresEventLogOptions } from './postgres/open-postgres-event-log.js';
import type { EventStoreDbEventLogOptions } from './esdb/esdb-event-log.js';
import type { EsdbClient } from './esdb/log-store.js';

export type { PostgresConnection, PostgresEventLogOptions, EventStoreDbEventLogOptions };

export async function openPostgresEventLog(connection: PostgresConnection, options: PostgresEventLogOptions = {}): Promise<EventLog> {
  return (await import('./postgres/open-postgres-event-log.js')).openPostgresEventLog(connection, options);
}

/**
 * An EventLog whose adapter is still being made: each call waits for it. A failure to make it
 * (the client library, a malformed connection string) is each call's Unavailable.
 */
function deferredEventLog(adapter: string, making: Promise<EventLog>): EventLog {
  const made: Promise<E.Either<EventLogError, EventLog>> = making.then(E.right, (cause: unknown) =>
    E.left({ _tag: 'Unavailable', reason: cause instanceof Error ? cause.message : String(cause), cause }),
  );
  const call =
    <A extends unknown[], R>(fn: (log: EventLog, ...args: A) => Promise<E.Either<EventLogError, R>>) =>
    async (...args: A): Promise<E.Either<EventLogError, R>> => {
      const log = await made;
      return E.isLeft(log) ? log : fn(log.right, ...args);
    };
  return {
    adapter,
    append: call((log, request: Parameters<EventLog['append']>[0]) => log.append(request)),
    appendMany: call((log, requests: Parameters<EventLog['appendMany']>[0]) => log.appendMany(requests)),
    readStream: call((log, stream: string, options?: Parameters<EventLog['readStream']>[1]) => log.readStream(stream, options)),
    readAll: call((log, options?: Parameters<EventLog['readAll']>[0]) => log.readAll(options)),
    readByIds: call((log, ids: Parameters<EventLog['readByIds']>[0]) => log.readByIds(ids)),
    head: call((log) => log.head()),
    subscribe: (options): LogSubscription => {
      const subscription = made.then((log) => {
        if (E.isLeft(log))
          throw new Error(`the ${adapter} log could not be opened: ${log.left._tag === 'Unavailable' ? log.left.reason : log.left._tag}`);
        return log.right.subscribe(options);
      });
      // Not rejected unobserved when nobody iterates: iteration and close() see the failure.
      subscription.catch(() => undefined);
      return {
        async *[Symbol.asyncIterator]() {
          yield* await subscription;
        },
        close: async () => {
          await (await subscription.catch(() => undefined))?.close();
        },
      };
    },
    close: async () => {
      const log = await made;
      if (E.isRight(log)) await log.right.close();
    },
  };
}

/** The EventStoreDB log over a client the caller made (tests give a fake one). */
export function createEventStoreDbEventLog(client: EsdbClient, options: EventStoreDbEventLogOptions = {}): EventLog {
  return deferredEventLog(
    'esdb',
    import('./esdb/esdb-event-log.js').then((m) => m.createEventStoreDbEventLog(client, options)),
  );
}

/** Opens a client from an `esdb://` connection string. */
export function openEventStoreDbEventLog(connectionString: string, options: EventStoreDbEventLogOptions = {}): EventLog {
  return deferredEventLog(
    'esdb',
    import('./esdb/esdb-event-log.js').then((m) => m.openEventStoreDbEventLog(connectionString, options)),
  );
}
