// JSON files a person names on the command line (a manifest, a run's hyperparameters) end up in
// signed events. Bytes in them that are not UTF-8 used to be read as U+FFFD without a word, so
// the ledger signed text the file never held; they are refused, naming the file and the line.
// The file is read before the store is opened, so no store is needed to see the refusal.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cairnHere } from './__tests__/cli-run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-input-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A JSON file whose given line holds the given bytes inside a string. */
async function jsonWithBytes(name: string, bad: readonly number[]): Promise<string> {
  const file = path.join(dir, name);
  const text = (s: string) => Buffer.from(s, 'utf8');
  await writeFile(file, Buffer.concat([text('{\n  "note": "fine é",\n  "source": "caf'), Buffer.from(bad), text('"\n}\n')]));
  return file;
}

describe('JSON files named on the command line', () => {
  it.each([
    ['a Latin-1 byte', [0xe9]],
    ['a surrogate spelt in UTF-8 (ED A0 80)', [0xed, 0xa0, 0x80]],
  ])(
    'given a manifest file holding %s on line 3, when defined, then it is refused (exit 2) naming the file and the line',
    async (_what, bad) => {
      const file = await jsonWithBytes('manifest.json', bad);
      const r = await cairnHere(dir, {}, 'manifest', 'define', file, '--as', 'alice');
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`cairn: ${file}: not a readable JSON file (not well-formed UTF-8 on line 3)`]);
    },
  );

  it('given hyperparameters holding a surrogate spelt in UTF-8, when a run is recorded, then --params is refused naming the file and the line', async () => {
    const file = await jsonWithBytes('params.json', [0xed, 0xa0, 0x80]);
    const r = await cairnHere(dir, {}, 'record-run', '--dataset', 'd@1', '--code', 'c1', '--model-hash', 'a'.repeat(64), '--params', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} is not a readable JSON file (not well-formed UTF-8 on line 3)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
