// What every command shares: the global options (--store, --projections, --json) and the
// --as-of option of queries, resolved to a log position.
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { positionAtTime, type AnyDB, type AsOf } from '@cairn/projections';
import { parseAsOf } from '../as-of.js';
import { usage } from '../fail.js';
import type { GlobalOptions } from '../session.js';

export function globalsOf(command: Command): GlobalOptions & Record<string, unknown> {
  return command.optsWithGlobals();
}

export const AS_OF_FLAGS = '--as-of <position|time>';
export const AS_OF_HELP = 'answer as of a log position or an ISO 8601 time';

export function asOfOf(value: unknown): AsOf | undefined {
  const parsed = parseAsOf(typeof value === 'string' ? value : undefined);
  if (E.isLeft(parsed)) return usage(parsed.left.field, parsed.left.reason);
  return parsed.right;
}

/** The position an AsOf names: undefined = now, null = before the first event. */
export async function positionOf(db: Kysely<AnyDB>, asOf: AsOf | undefined): Promise<bigint | null | undefined> {
  if (asOf === undefined) return undefined;
  return typeof asOf === 'bigint' ? asOf : positionAtTime(db, asOf.time);
}

export const short = (id: string, n = 12): string => (id.length > n ? `${id.slice(0, n)}…` : id);
