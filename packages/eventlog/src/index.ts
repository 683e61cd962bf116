export * from './port.js';
export { createInMemoryEventLog } from './memory/in-memory-event-log.js';
export {
  openEmbeddedEventLog,
  openEmbeddedEventLogWithSql,
  DEFAULT_EMBEDDED_DATA_DIR,
  lockFileOf,
  type EmbeddedEventLogOptions,
} from './pglite/open-embedded-event-log.js';
export { EMBEDDED_INITDB_PARAMS } from './pglite/start-params.js';
export { openPGliteThread, type PGliteThread, type PGliteThreadOptions, type PGliteStatementResult } from './pglite/worker-executor.js';
export {
  lockFolder,
  describeHolder,
  FolderInUse,
  DEFAULT_LOCK_TIMEOUT_MS,
  type FolderLock,
  type FolderLockOptions,
  type LockHolder,
} from './lock/folder-lock.js';
export {
  openPostgresEventLog,
  createEventStoreDbEventLog,
  openEventStoreDbEventLog,
  type PostgresConnection,
  type PostgresEventLogOptions,
  type EventStoreDbEventLogOptions,
} from './server-logs.js';
export { migrateEventLog, logTables, type LogTables } from './sql/schema.js';
export type { SqlExecutor, SqlQueryable } from './sql/executor.js';
export { SubscriptionFailed } from './subscription.js';
export { isEventId } from './prepare.js';
export { checkedStoredId, eventIdFromDb } from './stored-id.js';
export { textArrayLiteral } from './sql/text-array.js';
export { uuidFromEventId } from './esdb/uuid.js';
