// What a ledger call can answer instead of a receipt. Every failure is a value with a stable
// `_tag`; a rejected call has appended nothing. Batch failures carry the index of the offending
// item so a bulk loader can point at the line of its input file.
import type { EventLogError } from '@cairn/eventlog';
import type { DecodeFailure, ProblemDocument } from '@cairn/schemas';
import type { StorageError } from './blob-store/port.js';

/** The rules the SDK enforces before anything reaches the log (see README.md). */
export type RuleName =
  | 'signature-valid'
  | 'signer-registered'
  | 'contributor-new'
  | 'key-fresh'
  | 'key-well-formed'
  | 'name-unique'
  | 'signer-key-current'
  | 'registration-self-signed'
  | 'rotation-signed-by-old-key'
  | 'revocation-authority'
  | 'role-grant-authority'
  | 'reference-exists'
  | 'reference-kind'
  | 'amend-same-kind'
  | 'deprecation-authority'
  | 'erasure-authority'
  | 'erasure-once'
  | 'amendment-authority'
  | 'manifest-authority'
  | 'dataset-authority'
  | 'build-authority'
  | 'read-authority'
  | 'sample-bytes'
  | 'manifest-id'
  | 'dataset-exists'
  | 'stream-placement'
  | 'batch-consistent'
  | 'size-limit'
  | 'seal-member'
  | 'seal-complete'
  | 'seal-root';

export interface RuleViolation {
  readonly _tag: 'RuleViolation';
  readonly rule: RuleName;
  /** Path of the offending field, e.g. `LabelContributed.payload.targets[0]`. */
  readonly field: string;
  readonly reason: string;
  /** Position of the offending item in a batch call. */
  readonly index?: number;
}

/** A decode failure from @cairn/schemas, rendered for people, with the batch index when there is one. */
export interface DecodeFailureAt extends DecodeFailure {
  /** One line per problem, e.g. `SampleContributed.payload.license: expected an SPDX expression, got "MIT or whatever"`. */
  readonly message: string;
  readonly index?: number;
}

/** The sample was erased: its data key is shredded and its bytes can never be read again. */
export interface ErasedSample {
  readonly _tag: 'ErasedSample';
  readonly sampleId: string;
  /** Id of the SampleErased event, when the log has it. */
  readonly erasureId?: string;
}

export interface SampleNotFound {
  readonly _tag: 'SampleNotFound';
  readonly sampleId: string;
  readonly reason: string;
}

/**
 * The HTTP answer a remote ledger's error came from (`openLedger({ url })`); a local ledger's
 * errors have none. The status tells what the tag cannot: a body refused for its size (413) from
 * one refused for its contents (400), a server overloaded (503) from one unreachable (no answer).
 */
export interface HttpAnswer {
  readonly status: number;
  /** The RFC 9457 problem document the server sent, when its body decoded as one (a proxy's page does not). */
  readonly problem?: ProblemDocument;
}

export type LedgerError = (
  RuleViolation | DecodeFailureAt | (EventLogError & { readonly index?: number }) | StorageError | ErasedSample | SampleNotFound
) & { readonly http?: HttpAnswer };

export function ruleViolation(rule: RuleName, field: string, reason: string, index?: number): RuleViolation {
  return index === undefined ? { _tag: 'RuleViolation', rule, field, reason } : { _tag: 'RuleViolation', rule, field, reason, index };
}

/** One line for people: `[reference-exists] LabelContributed.payload.targets[0]: no CF 3f… in the log`. */
export function describeLedgerError(error: LedgerError): string {
  const at = 'index' in error && error.index !== undefined ? ` (item ${error.index})` : '';
  switch (error._tag) {
    case 'RuleViolation':
      return `[${error.rule}] ${error.field}: ${error.reason}${at}`;
    case 'DecodeFailure':
      return `${error.message}${at}`;
    case 'ErasedSample':
      return `sample ${error.sampleId} was erased: its bytes are gone for good`;
    case 'SampleNotFound':
      return `sample ${error.sampleId}: ${error.reason}`;
    case 'StorageError':
      return `${error.store} store could not ${error.operation} ${error.address}: ${error.reason}`;
    case 'WrongExpectedRevision':
      return `stream ${error.stream} changed concurrently (now at ${String(error.actual)})${at}`;
    case 'DuplicateEventConflict':
      return `event ${error.eventId} already exists with other content in ${error.existingStream}${at}`;
    case 'InvalidEvent':
      return `the log refused event ${error.eventId ?? '?'}: ${error.field}: ${error.reason}${at}`;
    case 'Unavailable':
      return `the log is unavailable: ${error.reason}`;
  }
}

/** Thrown by `unwrap`/`orThrow` only: the error value stays reachable as `.error`. */
export class LedgerFailure extends Error {
  constructor(readonly error: LedgerError) {
    super(describeLedgerError(error));
    this.name = 'LedgerFailure';
  }
}
