// What every command shares: the global options (--store, --projections, --json) and the
// --as-of option of queries, resolved to a log position.
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import { parseAsOf, type AsOf } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail, streamConflictText, usage } from '../fail.js';
import { toJson } from '../output.js';
import type { GlobalOptions } from '../session.js';
import type { WriteSession } from '../write-session.js';

export function globalsOf(command: Command): GlobalOptions & Record<string, unknown> {
  return command.optsWithGlobals();
}

export const AS_OF_FLAGS = '--as-of <position|time>';
export const AS_OF_HELP = 'answer as of a log position (up to the head) or an ISO 8601 time';

export function asOfOf(value: unknown): AsOf | undefined {
  const parsed = parseAsOf(typeof value === 'string' ? value : undefined);
  if (E.isLeft(parsed)) return usage(parsed.left.field, parsed.left.reason);
  return parsed.right;
}

export const short = (id: string, n = 12): string => (id.length > n ? `${id.slice(0, n)}…` : id);

export function named(labels: ReadonlyMap<string, string>, id: string): string {
  const label = labels.get(id);
  return label === undefined ? short(id) : `${label} (${short(id, 8)})`;
}

/** --json: the value as one JSON document; otherwise the (possibly async) text for people. */
export async function show<T>(json: boolean, value: T, text: (value: T) => string | Promise<string>): Promise<void> {
  process.stdout.write(json ? `${toJson(value)}\n` : `${await text(value)}\n`);
}

/**
 * orFail for an append: a refusal because the stream already exists (a dataset name defined
 * before) is told as a sentence naming the position where that stream began.
 */
export async function orFailAppend<TError extends { readonly _tag: string }, TValue>(
  session: Pick<WriteSession, 'streamStart'>,
  result: E.Either<TError, TValue>,
): Promise<TValue> {
  if (E.isLeft(result) && result.left._tag === 'WrongExpectedRevision') {
    const conflict = result.left as unknown as { readonly stream: string; readonly expected: unknown };
    const position = await session.streamStart(conflict.stream);
    fail(ExitCode.rejected, streamConflictText(conflict.stream, conflict.expected, position), result.left);
  }
  return orFail(result, messageOf);
}
