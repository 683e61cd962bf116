// Given/when/then for projections, as Emmett's DeciderSpecification is for deciders: given these
// events (applied), when these further events arrive (applied incrementally, in small batches),
// then these rows / answers. Every `then` also rebuilds the projections from zero into a scratch
// schema and requires byte-identical canonical dumps, so each spec checks determinism for free.
import { PGlite } from '@electric-sql/pglite';
import { isLeft } from 'fp-ts/lib/Either.js';
import { createInMemoryEventLog, type EventLog, type NewEvent, type RecordedEvent } from '@cairn/eventlog';
import type { Kysely } from 'kysely';
import { canonicalDump } from '../runner/canonical-dump.js';
import { openProjectionStore, type ProjectionStore } from '../storage/store.js';
import type { RunnerError } from '../runner/errors.js';
import type { ProjectionFailure } from '../runner/failures.js';
import type { Projection } from '../runner/projection.js';
import type { SomeProjectionsDatabase } from '../storage/db.js';
import { createProjectionRunner } from '../runner/runner.js';
import { envelopeEvent, type TestEnvelope } from './envelopes.js';
import { appendRequestFor } from './streams.js';

export type GivenEvent = TestEnvelope | NewEvent;

export interface ProjectionSpecOptions {
  /** Or made per scenario from its log, for projections that read the log themselves (by id). */
  readonly projections: readonly Projection[] | ((log: EventLog) => readonly Projection[]);
  /** Default: a fresh in-memory PGlite per scenario. */
  readonly store?: () => Promise<ProjectionStore>;
  /** Default: a fresh in-memory log per scenario. */
  readonly log?: () => Promise<EventLog>;
  /** Default 3, small on purpose: batch boundaries fall inside the scenario. */
  readonly batchSize?: number;
  /** Rebuild into a scratch schema and compare dumps after each `then` (default true). */
  readonly checkRebuild?: boolean;
}

export interface ThenContext {
  /** The store's handle, to read any of the scenario's projections with. */
  readonly db: Kysely<SomeProjectionsDatabase>;
  readonly log: EventLog;
  /** Every event of the scenario as the log recorded it (given, then when), with positions. */
  readonly events: readonly RecordedEvent[];
  /** The log event id of the i-th event of the scenario (given, then when). */
  idOf(index: number): string;
  /** The events each projection recorded as failed instead of applying, by projection name. */
  readonly failures: ReadonlyMap<string, readonly ProjectionFailure[]>;
}

export interface Scenario {
  when(events: readonly GivenEvent[]): Scenario;
  then(assert: (context: ThenContext) => Promise<void> | void): Promise<void>;
  /** The runner must stop with this error tag (and nothing of the failing batch may be applied). */
  thenFails(tag: RunnerError['_tag'], assert?: (error: RunnerError, context: ThenContext) => Promise<void> | void): Promise<void>;
}

const toNewEvent = (e: GivenEvent): NewEvent => ('id' in e ? e : envelopeEvent(e));

/** An empty PGlite data directory, made by initdb once in this module's life (one test file). */
let emptyDataDir: Promise<Blob> | undefined;

/**
 * A new in-memory PGlite, as empty as `PGlite.create()` makes one. initdb is most of a scenario's
 * cost, so it runs once; each later database is loaded from a copy of that empty data directory.
 */
export async function newPGlite(): Promise<PGlite> {
  emptyDataDir ??= (async () => {
    const db = await PGlite.create();
    try {
      return await db.dumpDataDir('none');
    } finally {
      await db.close();
    }
  })();
  const dump = emptyDataDir;
  dump.catch(() => {
    if (emptyDataDir === dump) emptyDataDir = undefined;
  });
  return PGlite.create({ loadDataDir: await dump });
}

export function projectionSpecification(options: ProjectionSpecOptions) {
  const openStore = options.store ?? (async () => openProjectionStore({ pglite: await newPGlite() }));
  const openLog = options.log ?? (async () => createInMemoryEventLog());
  const batchSize = options.batchSize ?? 3;

  const scenario = (given: readonly GivenEvent[], when: readonly GivenEvent[]): Scenario => {
    const run = async (
      check: (outcome: { error: RunnerError | undefined; context: ThenContext; store: ProjectionStore }) => Promise<void>,
    ) => {
      const log = await openLog();
      const store = await openStore();
      const projections = typeof options.projections === 'function' ? options.projections(log) : options.projections;
      try {
        const runner = createProjectionRunner({ log, store, projections, batchSize });
        let error: RunnerError | undefined;
        for (const phase of [given, when]) {
          for (const e of phase.map(toNewEvent)) {
            const appended = await log.append(appendRequestFor(e));
            if (isLeft(appended)) throw new Error(`given/when: append of ${e.type} ${e.id} failed: ${JSON.stringify(appended.left)}`);
          }
          const result = await runner.runOnce();
          if (isLeft(result)) {
            error = result.left;
            break;
          }
        }
        const read = await log.readAll({});
        if (isLeft(read)) throw new Error(`given/when: reading the log failed: ${read.left._tag}`);
        const events = read.right;
        const failures = new Map<string, readonly ProjectionFailure[]>();
        for (const p of projections) {
          const recorded = await runner.failures(p.name, { limit: 10_000 });
          failures.set(p.name, isLeft(recorded) ? [] : recorded.right);
        }
        const context: ThenContext = {
          db: store.db,
          log,
          events,
          failures,
          idOf: (i) => {
            const e = events[i];
            if (e === undefined) throw new Error(`idOf(${i}): the scenario has ${events.length} events`);
            return e.id;
          },
        };
        await check({ error, context, store });
        if (error === undefined && options.checkRebuild !== false) await expectRebuildIdentical(store, runner, projections);
      } finally {
        await store.close();
        await log.close();
      }
    };
    return {
      when: (more) => scenario(given, [...when, ...more]),
      then: (assert) =>
        run(async ({ error, context }) => {
          if (error) throw new Error(`expected the projections to apply, but the runner stopped: ${error.message}`);
          await assert(context);
        }),
      thenFails: (tag, assert) =>
        run(async ({ error, context }) => {
          if (error === undefined) throw new Error(`expected the runner to stop with ${tag}, but it applied everything`);
          if (error._tag !== tag) throw new Error(`expected the runner to stop with ${tag}, got ${error._tag}: ${error.message}`);
          await assert?.(error, context);
        }),
    };
  };

  return { given: (events: readonly GivenEvent[]) => scenario(events, []) };
}

let scratch = 0;

async function expectRebuildIdentical(
  store: ProjectionStore,
  runner: ReturnType<typeof createProjectionRunner>,
  projections: readonly Projection[],
): Promise<void> {
  for (const projection of projections) {
    const schema = `cairn_spec_rebuild_${process.pid}_${(scratch += 1)}`;
    const rebuilt = await runner.rebuild(projection.name, { schema });
    if (isLeft(rebuilt)) throw new Error(`rebuild of ${projection.name} failed: ${rebuilt.left.message}`);
    const live = await canonicalDump(store.db, projection);
    const fresh = await canonicalDump(store.db, projection, { schema });
    if (live !== fresh) {
      throw new Error(
        `projection ${projection.name} is not deterministic: its tables differ from a clean rebuild\n--- live\n${live}--- rebuilt\n${fresh}`,
      );
    }
  }
}
