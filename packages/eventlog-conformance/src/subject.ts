import type { EventLog } from '@cairn/eventlog';

/** A second log on the subject's storage, opened with read rights only (a non-admin user). */
export interface ReaderLog {
  readonly log: EventLog;
  close(): Promise<void>;
}

/** What each adapter's spec hands the suite: a fresh, empty log per test. */
export interface ConformanceSubject {
  readonly log: EventLog;
  /** Closes the log and opens it again on the same storage (durable adapters only). */
  readonly reopen?: () => Promise<EventLog>;
  cleanup(): Promise<void>;
}

export type ConformanceFactory = () => Promise<ConformanceSubject>;

/** A raw SQL session beside the adapter, to drive transactions the adapter would never issue. */
export interface RawSqlSession {
  query(text: string, params?: readonly unknown[]): Promise<{ rows: readonly Record<string, unknown>[] }>;
  end(): Promise<void>;
}

export interface ConformanceOptions {
  /** appendMany is all-or-nothing. Default true (every adapter in this repository). */
  readonly atomicAppendMany?: boolean;
  /**
   * Makes the subject's storage refuse reads from now on (a dropped table, a disposed client),
   * without closing the log: enables the test that a failing subscription ends with
   * SubscriptionFailed.
   */
  readonly breakReads?: (subject: ConformanceSubject) => Promise<void>;
  /**
   * Opens the subject's storage as a user with read rights only; without it the read-every-way
   * tests read through the subject's own log.
   */
  readonly reader?: (subject: ConformanceSubject) => Promise<ReaderLog>;
  /**
   * Postgres-family adapters: opens raw sessions on the subject's database and names its log
   * table, enabling the interleaved-transaction tests (late commits, slow and rolled-back ones).
   */
  readonly rawSql?: (subject: ConformanceSubject) => { readonly table: string; open(): Promise<RawSqlSession> };
  /**
   * The log rejects a duplicate id in ANOTHER stream (SQL adapters: a unique index). EventStoreDB
   * has no index by event id, so it detects duplicates within a stream only. Default true.
   */
  readonly globalIdIndex?: boolean;
  /** The factory's subjects offer `reopen` (durable storage): run the restart test. */
  readonly reopenable?: boolean;
  /** Runs of the model-based property test. Default 25. */
  readonly modelRuns?: number;
  /** Concurrent appenders in the race tests. Default 8. */
  readonly racers?: number;
  /**
   * Size of the readers-never-skip test: writers appending at once, and the rounds each appends
   * (four appends a round). Default 8 writers of 12 rounds. An adapter that serialises every
   * append in one process (PGlite) gains no new interleavings from more rounds, only run time.
   */
  readonly pollingLoad?: { readonly writers: number; readonly rounds: number };
}
