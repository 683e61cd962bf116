// `attest --verify FILE` and `passport --verify FILE` are one flow: read the envelope, run the
// library's offline checks, and, when the user names a store (a folder, Postgres, or a server at
// http://…, which checks against its own facts), catch it up and add the store checks; print one ok/FAIL line per check and a summary, and exit 1 naming the checks that failed.
// Each command brings only its own checks and its summary line.
import type { Check } from '@cairn/core';
import type { StatementKind as StatementName } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail, usage } from '../fail.js';
import type { GlobalOptions } from '../session.js';
import { withRunFacts } from './facts-session.js';
import { show } from '../commands/common.js';
import { readJsonFile } from '../files.js';

export interface StatementVerification {
  readonly ok: boolean;
  readonly checks: readonly Check[];
}

export interface StatementKind<TResult extends StatementVerification> {
  /** What the file is, in the summary and the failure, and which store checks it gets. */
  readonly noun: StatementName;
  /** Checks that need nothing but the file. */
  readonly offline: (file: unknown) => TResult;
  /** The last line when every check passed. */
  readonly summary: (result: TResult) => string;
}

async function readEnvelopeFile(file: string): Promise<unknown> {
  try {
    return await readJsonFile(file);
  } catch (cause) {
    return usage('--verify', `${file} is not a readable JSON file (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}

/**
 * Store checks run only when the user names a store (--store or CAIRN_STORE): `--verify FILE` alone
 * stays an offline check that needs nothing but the file, even next to a ./.cairn folder.
 */
function storeNamed(globals: { readonly store?: unknown }): boolean {
  return typeof globals.store === 'string' || process.env.CAIRN_STORE !== undefined;
}

const checkLine = (k: Check): string => `${k.ok ? 'ok  ' : 'FAIL'} ${k.check}${k.detail === undefined ? '' : `: ${k.detail}`}`;

export async function verifyStatementFile<TResult extends StatementVerification>(
  globals: GlobalOptions,
  file: string,
  kind: StatementKind<TResult>,
): Promise<void> {
  const parsed = await readEnvelopeFile(file);
  const offline = kind.offline(parsed);
  const result = storeNamed(globals)
    ? await withRunFacts(globals, async (session) => {
        const store = orFail(await session.facts.statementChecks(kind.noun, parsed), messageOf);
        const checks = [...offline.checks, ...store];
        return { ...offline, ok: checks.every((k) => k.ok), checks };
      })
    : offline;
  await show(globals.json === true, result, (x) => [...x.checks.map(checkLine), x.ok ? kind.summary(x) : `${kind.noun} FAILED`].join('\n'));
  if (!result.ok)
    fail(
      ExitCode.checkFailed,
      `the ${kind.noun} does not verify: ${result.checks
        .filter((k) => !k.ok)
        .map((k) => k.check)
        .join('; ')}`,
      result,
    );
}
