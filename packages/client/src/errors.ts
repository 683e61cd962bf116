// The client's expected failures, as values with a stable tag, the argument they concern where
// there is one, and a sentence for people. A surface maps the tag to its own way of failing (the
// CLI to an exit code, a server to a status); the sentence is written to be shown as it is.
import type { LineageError } from '@cairn/lineage';
import type { AnswerError, ShowError } from '@cairn/datasets';

/** An argument or setting the caller gave that cannot be used. */
export interface UsageError {
  readonly _tag: 'UsageError';
  readonly field: string;
  readonly reason: string;
  readonly message: string;
}

/** How much of a user's input an error message quotes. */
const QUOTED_CHARS = 64;

/** The input as a message quotes it: JSON-escaped (a NUL or a newline shows as such), cut to its first characters when long. */
export function quoteInput(text: string): string {
  return text.length <= QUOTED_CHARS ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, QUOTED_CHARS))}… (${text.length} chars)`;
}

export const usageError = (field: string, reason: string): UsageError => ({
  _tag: 'UsageError',
  field,
  reason,
  message: `${field}: ${reason}`,
});

/** The store is not there, in use by another process past the wait, or could not be opened. */
export type StoreError =
  | { readonly _tag: 'StoreMissing'; readonly dir: string; readonly message: string }
  | { readonly _tag: 'StoreInUse'; readonly folder: string; readonly holder: string; readonly message: string }
  | { readonly _tag: 'StoreUnavailable'; readonly message: string };

/** `<localDir>/ledger.json` is there but the ledger cannot take it. */
export interface LedgerConfigInvalid {
  readonly _tag: 'LedgerConfigInvalid';
  readonly file: string;
  readonly reason: string;
  readonly message: string;
}

export interface CatchUpFailed {
  readonly _tag: 'CatchUpFailed';
  readonly message: string;
}

/** A version reference (NAME@N, NAME@latest, NAME@<id prefix>) that names no version. */
export interface VersionNotFound {
  readonly _tag: 'VersionNotFound';
  readonly versionId: string;
  readonly message: string;
}

/** A CF id prefix that names no CF; `field` is the argument it was given as. */
export interface CfNotFound {
  readonly _tag: 'CfNotFound';
  readonly cfId: string;
  readonly field: string;
  readonly message: string;
}

/** A CF id prefix that names several CFs; `candidates` are a few of them, in id order. */
export interface AmbiguousCfPrefix {
  readonly _tag: 'AmbiguousCfPrefix';
  readonly field: string;
  readonly prefix: string;
  readonly candidates: readonly string[];
  readonly message: string;
}

export type OpenError = UsageError | StoreError | LedgerConfigInvalid;
export type RefError = UsageError | VersionNotFound | CfNotFound | AmbiguousCfPrefix;
/** What a read can answer instead of its value. */
export type ReadError = RefError | AnswerError | LineageError | ShowError;
