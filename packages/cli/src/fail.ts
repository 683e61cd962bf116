// The one way a command ends early: a CliFailure carries the exit code (exit-codes.ts) and a
// sentence for people. Commands turn the Either values of the packages below into these at the
// edge, and bin.ts turns them into stderr and process.exitCode.
import * as E from 'fp-ts/lib/Either.js';
import { ExitCode } from './exit-codes.js';
import { boundedForJson } from './output.js';

export class CliFailure extends Error {
  /** Extra facts for --json (e.g. the bad event of a verify), always printable as JSON. */
  readonly detail?: unknown;

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    detail?: unknown,
  ) {
    super(message);
    this.name = 'CliFailure';
    // Bounded here, not when printed: a refused input nested thousands of levels deep would make
    // the --json printer overflow the stack inside the error path itself.
    if (detail !== undefined) this.detail = boundedForJson(detail);
  }
}

export function fail(exitCode: ExitCode, message: string, detail?: unknown): never {
  throw new CliFailure(exitCode, message, detail);
}

export const usage = (field: string, reason: string): never => fail(ExitCode.usage, `${field}: ${reason}`);

/** The Right value, or a CliFailure whose code depends on the error's tag. */
export function orFail<TError extends { readonly _tag: string }, TValue>(
  result: E.Either<TError, TValue>,
  describe: (error: TError) => string,
): TValue {
  if (E.isRight(result)) return result.right;
  fail(exitCodeOf(result.left), describe(result.left), result.left);
}

const NOT_FOUND = new Set([
  'SignerNotFound',
  'VersionNotFound',
  'CfNotFound',
  'NodeNotFound',
  'NotAMember',
  'SampleNotFound',
  'UnknownProjection',
  'CfNotInVersionPrefix',
  'RunNotFound',
  'RunNotScored',
  'VersionMismatch',
]);
/** Input the user gave that the attribution queries cannot use (a bad --top, queries of the wrong width). */
const USAGE = new Set(['UsageError', 'InvalidTopK', 'QueryShapeMismatch']);
const REJECTED = new Set([
  'SignerExists',
  'RuleViolation',
  'DecodeFailure',
  'ErasedSample',
  'IsAMember',
  'WrongExpectedRevision',
  'DuplicateEventConflict',
  'InvalidEvent',
]);

export function exitCodeOf(error: { readonly _tag: string }): ExitCode {
  if (NOT_FOUND.has(error._tag)) return ExitCode.notFound;
  if (REJECTED.has(error._tag)) return ExitCode.rejected;
  if (USAGE.has(error._tag)) return ExitCode.usage;
  return ExitCode.unavailable;
}

/** A message for any tagged error the packages below answer with. */
export function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>;
    if (typeof e.message === 'string') return e.message;
    if (e._tag === 'RuleViolation') return `[${String(e.rule)}] ${String(e.field)}: ${String(e.reason)}`;
    if (e._tag === 'WrongExpectedRevision') return streamConflictText(String(e.stream), e.expected, null);
    if (typeof e.reason === 'string') return `${String(e._tag)}: ${e.reason}`;
    if (typeof e._tag === 'string')
      return `${e._tag}: ${JSON.stringify(error, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
  }
  return String(error);
}

/**
 * A sentence for a WrongExpectedRevision: the stream a command meant to start already exists
 * (a dataset name defined before), or moved on under the command. `position` is where the
 * stream's first event sits in the log, when the caller could look it up.
 */
export function streamConflictText(stream: string, expected: unknown, position: bigint | null): string {
  const at = position === null ? '' : ` (at position ${position})`;
  const fresh = typeof expected === 'object' && expected !== null && (expected as { kind?: unknown }).kind === 'no-stream';
  const dataset = /^dataset-(.+)$/.exec(stream)?.[1];
  if (fresh && dataset !== undefined) return `dataset ${dataset} is already defined${at}; nothing was appended`;
  if (fresh) return `${stream} already exists${at}; nothing was appended`;
  return `${stream} changed while this command ran; nothing was appended (run it again)`;
}
