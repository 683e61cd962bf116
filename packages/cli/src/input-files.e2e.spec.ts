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

/** A file of the given text pieces and raw bytes, in order. */
async function fileOf(name: string, ...parts: readonly (string | readonly number[])[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)))));
  return file;
}

const oneLine = (r: { code: number; stderr: string }) => ({ code: r.code, stderr: r.stderr.trim().split('\n') });

// The files a reader brings to check something offline (a proof, a signed statement, tree heads)
// are read as strictly as the ones that end up in the log: read leniently, a bad byte became U+FFFD
// and the check then failed (exit 1) or passed on text the file never held.
describe('files checked offline', () => {
  it('given a consistency proof holding a byte that is not UTF-8, when tree-head check reads it, then it is refused (exit 2) naming the file and the line', async () => {
    const file = await jsonWithBytes('consistency.json', [0xff]);
    expect(oneLine(await cairnHere(dir, {}, 'tree-head', 'check', file))).toEqual({
      code: 2,
      stderr: [`cairn: FILE: ${file} cannot be read as JSON: not well-formed UTF-8 on line 3`],
    });
  });

  it('given a consistency proof that is JSON of another shape, when tree-head check reads it, then it fails the check with a sentence, not an exception', async () => {
    for (const text of ['[]', '5', 'null', '"x"', '{"consistency": 7}']) {
      const file = await fileOf('shape.json', text);
      const r = await cairnHere(dir, {}, 'tree-head', 'check', file);
      expect({ text, code: r.code }).toEqual({ text, code: 1 });
      expect(r.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    }
  });

  it('given a proof file holding a byte that is not UTF-8, when prove --verify reads it, then it is refused (exit 2) naming the file and the line', async () => {
    const file = await jsonWithBytes('proof.json', [0xff]);
    expect(oneLine(await cairnHere(dir, {}, 'prove', '--verify', file))).toEqual({
      code: 2,
      stderr: [`cairn: --verify ${file}: not a readable JSON file (not well-formed UTF-8 on line 3)`],
    });
  });

  it('given an authorship proof whose JSON spells a lone surrogate, when prove --verify reads it, then it is refused (exit 2) naming where', async () => {
    const file = await fileOf('authorship.json', '{\n  "cairnAuthorshipProof": 1,\n  "cf": {"signer": "a\\ud800"}\n}\n');
    expect(oneLine(await cairnHere(dir, {}, 'prove', '--verify', file))).toEqual({
      code: 2,
      stderr: [`cairn: --verify ${file}: not a readable JSON file (line 3: string contains a lone surrogate at $.cf.signer)`],
    });
  });

  it('given a proof file that is JSON of another shape, when prove --verify reads it, then it fails the check with a sentence, not an exception', async () => {
    for (const text of ['[]', '5', 'null', '{"cairnAuthorshipProof": 1}']) {
      const file = await fileOf('shape.json', text);
      const r = await cairnHere(dir, {}, 'prove', '--verify', file);
      expect({ text, code: r.code }).toEqual({ text, code: 1 });
      expect(r.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    }
  });

  it.each([['attest'], ['passport']])(
    'given a statement file holding a byte that is not UTF-8, when %s --verify reads it, then it is refused (exit 2) naming the file and the line',
    async (command) => {
      const file = await jsonWithBytes('statement.json', [0xff]);
      expect(oneLine(await cairnHere(dir, {}, command, '--verify', file))).toEqual({
        code: 2,
        stderr: [`cairn: --verify: ${file} is not a readable JSON file (not well-formed UTF-8 on line 3)`],
      });
    },
  );

  it('given an envelope that names its payload twice, when attest --verify reads it, then it is refused (exit 2): parsers differ on which one counts', async () => {
    const file = await fileOf('twice.json', '{\n  "payload": "e30=",\n  "payload": "W10="\n}\n');
    expect(oneLine(await cairnHere(dir, {}, 'attest', '--verify', file))).toEqual({
      code: 2,
      stderr: [`cairn: --verify: ${file} is not a readable JSON file (line 3: duplicate member name "payload" at $.payload)`],
    });
  });

  it('given an envelope whose signed payload is not UTF-8, when attest --verify checks it, then the shape check fails saying why', async () => {
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1","x":"caf\u00ff"}', 'latin1').toString('base64');
    const file = await fileOf(
      'envelope.json',
      JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload, signatures: [{ keyid: 'k', sig: 'AA==' }] }),
    );
    const r = await cairnHere(dir, {}, 'attest', '--verify', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL a DSSE envelope of an in-toto Statement v1: payload: not well-formed UTF-8');
  });

  it('given remembered tree heads holding a byte that is not UTF-8, when verify reads them, then it is refused (exit 2) naming the file and the line', async () => {
    const head = `{"size": 1, "root": "${'a'.repeat(64)}"`;
    const file = await fileOf('heads.jsonl', `${head}}\n${head}, "note": "caf`, [0xff], '"}\n');
    expect(oneLine(await cairnHere(dir, {}, 'verify', '--trusted-heads', file))).toEqual({
      code: 2,
      stderr: [`cairn: --trusted-heads ${file} line 2: not well-formed UTF-8`],
    });
  });

  it('given remembered tree heads whose JSON spells a lone surrogate, when verify reads them, then it is refused (exit 2) naming the line', async () => {
    const file = await fileOf('heads.jsonl', `{"size": 1, "root": "${'a'.repeat(64)}", "note": "\\ud800"}\n`);
    expect(oneLine(await cairnHere(dir, {}, 'verify', '--trusted-heads', file))).toEqual({
      code: 2,
      stderr: [`cairn: --trusted-heads ${file} line 1: not JSON (string contains a lone surrogate at $.note)`],
    });
  });
});

// A manifest and hyperparameters are hashed and signed: JSON.parse read a lone surrogate escape
// as text no canonical form holds, and of a member named twice kept the last without a word.
describe('JSON files that end up in signed events, read by the strict parser', () => {
  it('given a manifest whose JSON spells a lone surrogate, when defined, then it is refused (exit 2) naming the file, the line and the member', async () => {
    const file = await fileOf('manifest.json', '{\n  "name": "corpus",\n  "note": "caf\\ud800"\n}\n');
    expect(oneLine(await cairnHere(dir, {}, 'manifest', 'define', file, '--as', 'alice'))).toEqual({
      code: 2,
      stderr: [`cairn: ${file}: not a readable JSON file (line 3: string contains a lone surrogate at $.note)`],
    });
  });

  it('given hyperparameters that name a member twice, when a run is recorded, then --params is refused (exit 2) naming the member', async () => {
    const file = await fileOf('params.json', '{\n  "lr": 0.1,\n  "lr": 0.2\n}\n');
    const r = await cairnHere(dir, {}, 'record-run', '--dataset', 'd@1', '--code', 'c1', '--model-hash', 'a'.repeat(64), '--params', file);
    expect(oneLine(r)).toEqual({
      code: 2,
      stderr: [`cairn: --params: ${file} is not a readable JSON file (line 3: duplicate member name "lr" at $.lr)`],
    });
  });
});
