// `cairn import` prepares chunks ahead of the one being appended. When the file is read never
// changes what is acknowledged: a chunk refused while a later one was prepared leaves exactly the
// chunks before it appended, and a file that fails to be read on is reported after every chunk
// whose rows were all read, also when the chunks are halved for a server's body limit.
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from '@jest/globals';
import type { ContributionInput, LedgerError, PreparedContributions, Signer } from '@cairn/sdk';
import { ExitCode } from '../exit-codes.js';
import { CliFailure } from '../fail.js';
import type { ImportItem, ReadItems } from './items.js';
import { ChangedWhileRead } from './read-items.js';
import { runImport, type ImportTarget } from './run-import.js';

const textOf = (row: number): string => `sample ${String(row).padStart(3, '0')}`;

const sample = (row: number): ImportItem => ({
  kind: 'sample',
  item: `line ${row}`,
  row,
  // All of one length, so a chunk halved for its bytes is halved for its rows too.
  bytes: new TextEncoder().encode(textOf(row)),
  mediaType: 'text/plain',
  license: 'MIT',
  source: 's',
  personalData: false,
});

/** Samples 1 to `rows`; then, when `failAfter` is given, the file changes under the reader. */
function readOf(rows: number, failAfter?: number): ReadItems {
  async function* samples(): AsyncGenerator<ImportItem> {
    for (let row = 1; row <= rows; row++) {
      if (failAfter !== undefined && row === failAfter + 1) throw new ChangedWhileRead('its bytes are not the ones that were checked');
      yield sample(row);
    }
  }
  return {
    format: 'jsonl',
    counts: { sample: rows, label: 0, validation: 0 },
    itemsOf: (kind) => (kind === 'sample' ? samples() : []),
    skipped: [],
    invalid: [],
  };
}

/**
 * A ledger that appends every chunk (recording which rows) except the `refused`th append, and
 * refuses for its size alone any chunk longer than `maxRows`.
 */
function ledgerOf(options: { readonly refused?: number; readonly maxRows?: number } = {}) {
  const appended: string[][] = [];
  let prepared = 0;
  let appends = 0;
  let position = 0n;
  const ledger: ImportTarget['ledger'] = {
    contribute: {
      prepare: (inputs: readonly ContributionInput[]) => {
        prepared += 1;
        return inputs as unknown as PreparedContributions;
      },
      append: async (token: PreparedContributions) => {
        const inputs = token as unknown as readonly ContributionInput[];
        appends += 1;
        if (options.maxRows !== undefined && inputs.length > options.maxRows) return E.left({ _tag: 'TooLarge' } as never);
        if (appends === options.refused)
          return E.left({ _tag: 'RuleViolation', rule: 'r', field: 'f', reason: 'no', index: 3 } as unknown as LedgerError);
        appended.push(inputs.map((i) => new TextDecoder().decode((i as { bytes: Uint8Array }).bytes)));
        return E.right(
          inputs.map(() => {
            position += 1n;
            return { id: position.toString(16).padStart(64, '0'), position, alreadyAppended: false };
          }),
        ) as never;
      },
    },
  };
  return { ledger, appended, prepared: () => prepared };
}

const signer = {} as Signer;
const tooLarge = (e: LedgerError) => e._tag === ('TooLarge' as string);

async function failureOf(run: Promise<unknown>): Promise<CliFailure> {
  const failure = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(failure).toBeInstanceOf(CliFailure);
  return failure as CliFailure;
}

describe('cairn import reads ahead of its appends and acknowledges what it appended', () => {
  it('given chunks of 10 and the second refused by the log while later ones were prepared, then the refusal names its row, exactly the first chunk is appended and acknowledged, nothing after', async () => {
    const { ledger, appended, prepared } = ledgerOf({ refused: 2 });
    const failure = await failureOf(
      runImport({ ledger, json: true, signer }, 'rows.jsonl', readOf(60), [], 'alice', { options: { seal: true }, chunk: 10 }),
    );
    expect(failure.exitCode).toBe(ExitCode.rejected);
    expect(failure.message).toBe(
      "line 14: [r] f: no (nothing of this chunk was appended, but the 10 CFs of earlier chunks were (listed in --json's detail.cfs; a re-run skips them as duplicates))",
    );
    expect((failure.detail as { cfs: { item: string }[] }).cfs.map((c) => c.item)).toEqual(
      Array.from({ length: 10 }, (_, i) => `line ${i + 1}`),
    );
    expect(appended).toEqual([Array.from({ length: 10 }, (_, i) => textOf(i + 1))]);
    // The chunk after the refused one was prepared too, and dropped.
    expect(prepared()).toBeGreaterThanOrEqual(3);
  });

  it.each([
    [35, 30],
    [30, 30],
    [15, 10],
  ])(
    'given chunks of 10 and a file that changes after its row %i, then every chunk read whole before the change is appended, the change reported after %i CFs',
    async (failAfter, acknowledged) => {
      const { ledger, appended } = ledgerOf();
      const failure = await failureOf(
        runImport({ ledger, json: true, signer }, 'rows.jsonl', readOf(60, failAfter), [], 'alice', {
          options: { seal: true },
          chunk: 10,
        }),
      );
      expect(failure.exitCode).toBe(ExitCode.rejected);
      expect(failure.message).toBe(
        `rows.jsonl: changed while it was imported (its bytes are not the ones that were checked); the ${acknowledged} CFs of the chunks before were appended (listed in --json's detail.cfs; a re-run skips them as duplicates)`,
      );
      expect(appended.flat()).toEqual(Array.from({ length: acknowledged }, (_, i) => textOf(i + 1)));
      expect((failure.detail as { cfs: unknown[] }).cfs).toHaveLength(acknowledged);
    },
  );

  it('given a server that takes at most 5 rows a chunk and a file that changes after its row 25, then the chunks are halved and rows 1 to 25 appended before the change is reported, none lost or repeated', async () => {
    const { ledger, appended } = ledgerOf({ maxRows: 5 });
    const failure = await failureOf(
      runImport({ ledger, json: true, signer, tooLarge }, 'rows.jsonl', readOf(60, 25), [], 'alice', {
        options: { seal: true },
        chunk: 10,
      }),
    );
    expect(failure.message).toMatch(/changed while it was imported .*; the 25 CFs of the chunks before were appended/);
    expect(appended.map((c) => c.length)).toEqual([5, 5, 5, 5, 5]);
    expect(appended.flat()).toEqual(Array.from({ length: 25 }, (_, i) => textOf(i + 1)));
  });

  it('given a server that takes at most 5 rows a chunk and a file read whole, then every row is appended once, in order', async () => {
    const { ledger, appended } = ledgerOf({ maxRows: 5 });
    const out = await runImport({ ledger, json: true, signer, tooLarge }, 'rows.jsonl', readOf(47), [], 'alice', {
      options: { seal: true },
      chunk: 10,
    });
    expect(out.appended.sample).toBe(47);
    expect(appended.flat()).toEqual(Array.from({ length: 47 }, (_, i) => textOf(i + 1)));
  });
});
