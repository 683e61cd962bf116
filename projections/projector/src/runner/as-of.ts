// "As of position P or time T": a time becomes the last position recorded at or before it, so
// every query below is a filter on positions, never a replay.
import type { Kysely } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { positionAtTime } from './log-times.js';

export type AsOf = LogPosition | { readonly time: Date };

/** Resolves asOf to a position; null = before the first event; undefined asOf = no bound. Any projection's handle will do. */
export async function resolveAsOf<TDB>(db: Kysely<TDB>, asOf: AsOf | undefined): Promise<LogPosition | null | undefined> {
  if (asOf === undefined) return undefined;
  if (typeof asOf === 'bigint') return asOf;
  return positionAtTime(db, asOf.time);
}
