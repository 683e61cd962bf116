// A diff of two large versions reads both versions' packed members and explains a page of each
// list; the same diff is asked again and again (a dashboard, a card, every caller of a server),
// and its answer never changes once what it rests on is fixed: both version ids (each fixes its
// members), the detail limit, and the pins (diff.ts DiffPins: the latest build of each version
// and the latest asset, up to the moment asked). So a reader keeps the answers it computed, keyed
// by exactly those, and a repeat costs the one small statement that reads the pins — none at all
// for a caller that says the projections hold the moment complete and still.
//
// In process and bounded, rather than a table: a table would be a projection `verify` must leave
// out, that a replay must drop and that two writers must not race on, for an answer that is
// cheap to compute once per process.
import * as E from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import type { DatasetsDatabase } from '../tables.js';
import { DEFAULT_DIFF_DETAIL, diffPinned, readDiffPins, type DiffOptions, type DiffPins, type VersionDiff } from './diff.js';
import type { AnswerError } from './errors.js';

export interface DiffReadOptions extends DiffOptions {
  /**
   * The caller's word that the projections hold every event up to `upTo` and no later one is
   * written while it reads (a server answering at the head it holds, under its read lock): the
   * pins at `upTo` are then remembered too, and a repeat sends no statement.
   */
  readonly settled?: boolean;
}

/** What diff answers, remembered: the same question, with the same pins, answered once. */
export type DiffRead = (versionA: string, versionB: string, options?: DiffReadOptions) => Promise<E.Either<AnswerError, VersionDiff>>;

export interface DiffReaderOptions {
  /** Answers kept, least recently asked first out (default 16). An answer holds at most detailLimit entries per list. */
  readonly maxAnswers?: number;
}

export function diffReader(db: Kysely<DatasetsDatabase>, options: DiffReaderOptions = {}): DiffRead {
  const maxAnswers = options.maxAnswers ?? 16;
  if (!Number.isInteger(maxAnswers) || maxAnswers < 1)
    throw new RangeError(`diffReader: maxAnswers must be a whole number ≥ 1, got ${maxAnswers}`);
  // Answers by key, the ones being computed too (so concurrent askers share one computation);
  // a Map keeps insertion order, and a hit is moved to the end: the first entry is the least recent.
  const answers = new Map<string, Promise<E.Either<AnswerError, VersionDiff>>>();
  // The pins a settled caller's moment fixes, by versions and moment.
  const settledPins = new Map<string, DiffPins>();

  const keep = <V>(map: Map<string, V>, key: string, value: V, max: number) => {
    map.delete(key);
    map.set(key, value);
    for (const k of map.keys()) {
      if (map.size <= max) break;
      map.delete(k);
    }
  };

  return async (versionA, versionB, options = {}) => {
    const limit = options.detailLimit ?? DEFAULT_DIFF_DETAIL;
    const { upTo, settled = false } = options;
    const at = settled && upTo !== undefined ? `${versionA} ${versionB} ${upTo}` : undefined;
    let pins = at === undefined ? undefined : settledPins.get(at);
    if (pins === undefined) {
      pins = await readDiffPins(db, versionA, versionB, upTo);
      // No build of a version by then (or no such version): nothing fixes the answer, so it is
      // not kept (an unknown version is an error, and an error is asked again).
      if (pins.buildA === null || pins.buildB === null) return diffPinned(db, versionA, versionB, limit, pins);
      if (at !== undefined) keep(settledPins, at, pins, 4 * maxAnswers);
    }
    const key = [versionA, versionB, limit, pins.buildA, pins.buildB, pins.asset ?? '-'].join(' ');
    const held = answers.get(key);
    if (held !== undefined) {
      keep(answers, key, held, maxAnswers);
      return held;
    }
    const computing = diffPinned(db, versionA, versionB, limit, pins).then(
      (answer) => {
        if (E.isLeft(answer)) forget(key, computing);
        return answer;
      },
      (error: unknown) => {
        forget(key, computing);
        throw error;
      },
    );
    keep(answers, key, computing, maxAnswers);
    return computing;
  };

  // Only this computation's entry: a later one under the same key is another's.
  function forget(key: string, computing: Promise<unknown>): void {
    if (answers.get(key) === computing) answers.delete(key);
  }
}
