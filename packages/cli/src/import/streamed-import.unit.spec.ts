// A file's rows are read as they are appended, not all at once: the append side takes items from
// the file only as its chunks need them, and the reading side checks every row in one pass that
// keeps no item, then reads the file again for each kind.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from '@jest/globals';
import type { ContributionInput, PreparedContributions, Signer } from '@cairn/sdk';
import { csvRows, UnreadableCsv } from './csv-rows.js';
import type { ImportItem, ReadItems } from './items.js';
import { ChangedWhileRead, readImportItems } from './read-items.js';
import { runImport, type ImportTarget } from './run-import.js';
import { splitLines, streamLines } from './text-lines.js';

const sample = (row: number, text = `sample ${row}`): ImportItem => ({
  kind: 'sample',
  item: `line ${row}`,
  row,
  bytes: new TextEncoder().encode(text),
  mediaType: 'text/plain',
  license: 'MIT',
  source: 's',
  personalData: false,
});

/** A ledger that appends anything, counting what the source had yielded when each append began. */
function countingLedger(yielded: () => number) {
  const seenAtAppend: number[] = [];
  let position = 0n;
  const ledger: ImportTarget['ledger'] = {
    contribute: {
      prepare: (inputs: readonly ContributionInput[]) => inputs as unknown as PreparedContributions,
      append: async (prepared: PreparedContributions) => {
        seenAtAppend.push(yielded());
        const inputs = prepared as unknown as readonly ContributionInput[];
        return E.right(
          inputs.map(() => {
            position += 1n;
            return { id: position.toString(16).padStart(64, '0'), position, alreadyAppended: false };
          }),
        ) as never;
      },
    },
  };
  return { ledger, seenAtAppend };
}

const signer = {} as Signer;

async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const fence = async (folder: string) => ({ root: folder, forbidden: [] });

describe('cairn import reads a file as it appends it', () => {
  it('given 1,000 samples appended in chunks of 10, then each append begins with at most the chunk in flight and the one after it taken from the source', async () => {
    let yielded = 0;
    async function* samples(): AsyncGenerator<ImportItem> {
      for (let row = 1; row <= 1000; row++) {
        yielded += 1;
        yield sample(row);
      }
    }
    const read: ReadItems = {
      format: 'jsonl',
      counts: { sample: 1000, label: 0, validation: 0 },
      itemsOf: (kind) => (kind === 'sample' ? samples() : []),
      skipped: [],
      invalid: [],
    };
    const { ledger, seenAtAppend } = countingLedger(() => yielded);
    const out = await runImport({ ledger, json: true, signer }, 'rows.jsonl', read, [], 'alice', {
      options: { seal: true },
      chunk: 10,
    });
    expect(out.appended.sample).toBe(1000);
    expect(seenAtAppend).toHaveLength(100);
    // Append k (from 0) is of rows 10k+1..10k+10; rows up to 10k+20 may be prepared behind it.
    seenAtAppend.forEach((n, k) => expect(n).toBeLessThanOrEqual(10 * (k + 2)));
  });

  it('given samples with a duplicate and labels that target rows by number, then the output is what reading it all first gave: duplicates listed first, labels on the first copy', async () => {
    const items: ImportItem[] = [
      sample(1, 'same'),
      sample(2, 'other'),
      sample(3, 'same'),
      { kind: 'label', item: 'line 4', row: 4, targets: [{ row: 3 }], labelType: 't', value: 'a' },
      { kind: 'label', item: 'line 5', row: 5, targets: [{ row: 2 }], labelType: 't', value: 'b' },
      { kind: 'label', item: 'line 6', row: 6, targets: [{ row: 2 }], labelType: 't', value: 'c' },
      { kind: 'label', item: 'line 7', row: 7, targets: [{ row: 4 }], labelType: 't', value: 'd' },
    ];
    const read: ReadItems = {
      format: 'jsonl',
      counts: { sample: 3, label: 4, validation: 0 },
      itemsOf: (kind) => items.filter((i) => i.kind === kind),
      skipped: [],
      invalid: [],
    };
    const { ledger } = countingLedger(() => 0);
    const out = await runImport({ ledger, json: true, signer }, 'rows.jsonl', read, [], 'alice', { options: { seal: true }, chunk: 1 });
    expect(out.appended).toEqual({ sample: 2, label: 3, validation: 0 });
    // A label does not target a label of the same file, even one appended chunks before it.
    expect(out.skipped).toEqual([
      { item: 'line 3', reason: 'duplicate of line 1' },
      { item: 'line 7', reason: 'target row 4 was not imported (skipped or unknown)' },
    ]);
    expect(out.cfs.map((c) => c.item)).toEqual(['line 1', 'line 2', 'line 4', 'line 5', 'line 6']);
    expect(out.cfs[2]!.cfId).not.toBe(out.cfs[0]!.cfId);
  });

  it('given a JSONL file whose rows name rows and ids after them, then the check finds them, refuses only the wrong ones in line order, and counts each kind', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-streamed-import-'));
    const file = path.join(dir, 'rows.jsonl');
    const rows = [
      { targets: [3], labelType: 't', value: 1 },
      { targets: ['later'], labelType: 't', value: 2 },
      { targets: [9], labelType: 't', value: 3 },
      { id: 'later', text: 'x', license: 'MIT', source: 's' },
      { targets: ['nobody'], verdict: 'approve', rationale: 'r' },
      { text: 'y', license: 'not spdx', source: 's' },
    ];
    await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const read = await readImportItems(file, {}, fence);
    expect(read.counts).toEqual({ sample: 1, label: 2, validation: 0 });
    expect(read.invalid.map((r) => `${r.item} ${r.field}: ${r.reason}`)).toEqual([
      'line 3 targets: row 9: the file has 6 rows',
      'line 5 targets: no row has the id "nobody"',
      'line 6 license: "not spdx" is not an SPDX expression',
    ]);
    const labels: ImportItem[] = [];
    for await (const l of read.itemsOf('label')) labels.push(l);
    expect(labels.map((l) => [l.item, l.kind === 'label' ? l.targets : []])).toEqual([
      ['line 1', [{ row: 3 }]],
      ['line 2', [{ ref: 'later' }]],
    ]);
  });

  it('given a JSONL file changed after it was checked, then reading its rows again to append them stops, naming the change', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-streamed-import-'));
    const file = path.join(dir, 'rows.jsonl');
    await writeFile(file, '{"text":"a","license":"MIT","source":"s"}\n{"text":"b","license":"MIT","source":"s"}\n');
    const read = await readImportItems(file, {}, fence);
    expect(read.counts.sample).toBe(2);
    await writeFile(file, '{"text":"a","license":"MIT","source":"s"}\n{"text":"b","license":"nope","source":"s"}\n');
    const drain = async () => {
      for await (const _ of read.itemsOf('sample'));
    };
    await expect(drain()).rejects.toThrow(new ChangedWhileRead('line 2 is invalid now'));
    await writeFile(file, '{"text":"a","license":"MIT","source":"s"}\n{"text":"c","license":"MIT","source":"s"}\n');
    await expect(drain()).rejects.toThrow(new ChangedWhileRead('its bytes are not the ones that were checked'));
  });

  it('given a file read in pieces of any size, then its lines are the lines of the whole, a leading byte order mark dropped', async () => {
    const text = '\uFEFF{"a":1}\r\n\nß€𝄞\n{"b":2}';
    const whole = splitLines(new TextEncoder().encode(text.slice(1))).map((l) => [l.line, [...l.bytes]]);
    for (const size of [1, 2, 3, 4, 7, 1000]) {
      const got: [number, number[]][] = [];
      for await (const l of streamLines(pieces(text, size))) got.push([l.line, [...l.bytes]]);
      expect(got).toEqual(whole);
    }
  });

  it('given a CSV read in pieces of any size, with a byte order mark, a quoted cell over two lines and a row that is not UTF-8, then its rows are those of one piece; an unclosed quote makes the whole file one invalid row', async () => {
    const text = '\uFEFFtext,license,source\n"two\nlines ""q""",MIT,s\nplain,MIT,s\n';
    const rowsOf = async (open: () => AsyncIterable<Uint8Array>) => {
      const out: unknown[] = [];
      for await (const r of csvRows(open)) out.push(r);
      return out;
    };
    const whole = await rowsOf(() => pieces(text, 10_000));
    expect(whole).toEqual([
      { row: 1, item: 'row 1', line: 2, fields: { text: 'two\nlines "q"', license: 'MIT', source: 's' } },
      { row: 2, item: 'row 2', line: 4, fields: { text: 'plain', license: 'MIT', source: 's' } },
    ]);
    for (const size of [1, 2, 5]) expect(await rowsOf(() => pieces(text, size))).toEqual(whole);
    async function* notUtf8(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('text,license\nok,MIT\nbad');
      yield Uint8Array.of(0xff);
      yield new TextEncoder().encode(',MIT\n');
    }
    expect(await rowsOf(notUtf8)).toEqual([
      { row: 1, item: 'row 1', line: 2, fields: { text: 'ok', license: 'MIT' } },
      { row: 2, item: 'row 2', line: 3, invalid: { field: 'text', reason: 'not well-formed UTF-8' } },
    ]);
    await expect(rowsOf(() => pieces('text,license\n"open,MIT\nz,MIT\n', 4))).rejects.toBeInstanceOf(UnreadableCsv);
  });
});
