// Errors a person can act on, and first contact (issue 14, items 5 and 6): every refusal is one
// stderr line (`cairn: ...`, never a stack frame) with the exit code of exit-codes.ts, and with
// --json the documented shape {"error":{exitCode,message,detail}}. Each exit code (2 usage,
// 3 refused, 4 not found, 5 unexpected) is asserted on a real bin.js process, as a line and as
// the --json document, on every store it depends on; the other cases ask the same main() in the
// process kept for this file (cli-run.ts cairnHere), where a new process would add only its
// start-up. What depends on the store (appends, the head of the log) runs on the embedded store
// and on Postgres.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { decodeManifest } from '@cairn/schemas';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { cairn, cairnHere, cairnJsonHere, type CliResult } from './__tests__/cli-run.js';
import { givenLedger, type Ledger, type StoreUnderTest } from './__tests__/cli-suite.js';
import { initStore } from './__tests__/init-store.js';

const TIMEOUT = 180_000;
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHIM = fileURLToPath(new URL('../bin/cairn.js', import.meta.url));

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

// The givens run in the kept process (cli-run.ts cairnHere) on both stores; `cairn` below is a real
// bin.js process, `cairnHere` the kept one.
const embeddedStore: StoreUnderTest = { env: (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true };
const postgresStore: StoreUnderTest = {
  env: async (dir) => {
    const s = await createTestSchema('errors');
    dropped.push(s.drop);
    return { CAIRN_STORE: s.url, CAIRN_KEYS: path.join(dir, 'local') };
  },
  inProcess: true,
};

/** The one stderr line of a refusal (exit code checked, no stack frame); answers it. */
function oneLine(r: CliResult, exitCode: number): string {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: exitCode, stderr: expect.stringMatching(/^cairn: [^\n]+\n$/) });
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return r.stderr.trimEnd();
}

/** The --json error document on stderr, holding exactly exitCode, message and detail. */
function jsonError(r: CliResult, exitCode: number): { readonly message: string; readonly detail: unknown } {
  expect(r.code).toBe(exitCode);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const doc = JSON.parse(r.stderr) as { error: { exitCode: number; message: string; detail: unknown } };
  expect(Object.keys(doc)).toEqual(['error']);
  expect(Object.keys(doc.error).sort()).toEqual(['detail', 'exitCode', 'message']);
  expect(doc.error.exitCode).toBe(exitCode);
  expect(doc.error.message).not.toContain('\n');
  return doc.error;
}

async function headOf(l: Ledger): Promise<bigint> {
  return BigInt((await cairnJsonHere<{ head: string }>(l.dir, l.env, 'status')).head);
}

/** `node args...` with cwd, the way a user's shell would run it. */
function run(command: string, args: readonly string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function storeErrorSpecification(name: string, store: StoreUnderTest): void {
  describe(`errors on ${name}`, () => {
    let l: Ledger;
    beforeAll(async () => {
      l = await givenLedger(store);
    }, TIMEOUT);

    it(
      'given a signer the keyring does not hold, when any command signs as it, then it exits 4 (not found) with one line naming it',
      async () => {
        await writeFile(path.join(l.dir, 'rows.jsonl'), '{"text":"from mallory","license":"MIT","source":"notes"}\n');
        const attempts = [
          ['import', 'rows.jsonl', '--as', 'mallory'],
          ['contribute', 'sample', '--as', 'mallory', '--text', 'x', '--license', 'MIT', '--source', 'notes'],
          ['contribute', 'validation', '--as', 'mallory', '--target', l.s1, '--verdict', 'approve', '--rationale', 'ok'],
          ['amend', l.s1, '--as', 'mallory', '--set', 'license=Apache-2.0'],
          ['deprecate', l.s1, '--as', 'mallory', '--reason', 'quality'],
          ['manifest', 'define', 'manifest.json', '--as', 'mallory'],
          ['dataset', 'define', 'other', '--as', 'mallory'],
          ['keys', 'rotate', 'mallory'],
          ['attest', 'corpus@1', '--as', 'mallory'],
        ];
        // The first attempt and the --json one are real processes; the others ask the kept one.
        for (const [i, args] of attempts.entries()) {
          const r = await (i === 0 ? cairn : cairnHere)(l.dir, l.env, ...args);
          expect([args.join(' '), oneLine(r, 4)]).toEqual([args.join(' '), expect.stringContaining('no signer named "mallory"')]);
        }
        expect(jsonError(await cairn(l.dir, l.env, '--json', 'import', 'rows.jsonl', '--as', 'mallory'), 4).message).toContain('mallory');
        // The signer is looked up before the file is read and checked: a typo in --as is told first.
        await writeFile(path.join(l.dir, 'unread.jsonl'), 'not json at all\n');
        expect(oneLine(await cairnHere(l.dir, l.env, 'import', 'unread.jsonl', '--as', 'mallory'), 4)).toContain(
          'no signer named "mallory"',
        );
      },
      TIMEOUT,
    );

    it(
      'given a dataset name already defined, when another signer defines it again, then one sentence names the dataset and where it was defined (exit 3), never a raw WrongExpectedRevision',
      async () => {
        const first = await cairnJsonHere<{ position: string }>(l.dir, l.env, 'dataset', 'define', 'notes', '--as', 'alice');
        const again = oneLine(await cairn(l.dir, l.env, 'dataset', 'define', 'notes', '--as', 'bob'), 3);
        expect(again).toBe(`cairn: dataset notes is already defined (at position ${first.position}); nothing was appended`);
        const json = jsonError(
          await cairn(l.dir, l.env, '--json', 'dataset', 'define', 'notes', '--as', 'bob', '--description', 'mine'),
          3,
        );
        expect(json.message).toBe(`dataset notes is already defined (at position ${first.position}); nothing was appended`);
      },
      TIMEOUT,
    );

    it(
      'given --as-of past the head of the log, when a query is asked, then it is refused as usage (exit 2) naming the head; at the head it answers',
      async () => {
        const head = await headOf(l);
        const beyond = (head + 1000n).toString();
        expect(oneLine(await cairnHere(l.dir, l.env, 'dataset', 'versions', 'corpus', '--as-of', beyond), 2)).toBe(
          `cairn: --as-of: position ${beyond} is beyond the head of the log (${head})`,
        );
        expect(jsonError(await cairnHere(l.dir, l.env, '--json', 'why', l.s1, '--in', 'corpus@1', '--as-of', beyond), 2).message).toBe(
          `--as-of: position ${beyond} is beyond the head of the log (${head})`,
        );
        const atHead = await cairnJsonHere<{ versions: unknown[] }>(
          l.dir,
          l.env,
          'dataset',
          'versions',
          'corpus',
          '--as-of',
          head.toString(),
        );
        expect(atHead.versions).toHaveLength(1);
      },
      TIMEOUT,
    );

    it(
      'given imports that can append nothing (a CSV without the expected columns, a text file read as JSONL), then each exits 3 with the reason and the log is unchanged',
      async () => {
        const head = await headOf(l);
        await writeFile(path.join(l.dir, 'columns.csv'), 'name,colour\nrex,red\n');
        await writeFile(path.join(l.dir, 'prose.jsonl'), 'Dear reader,\nthis is not JSON.\n');
        expect(oneLine(await cairnHere(l.dir, l.env, 'import', 'columns.csv', '--as', 'alice', '--skip-invalid'), 3)).toMatch(
          /nothing to import.*unknown field/,
        );
        expect(oneLine(await cairnHere(l.dir, l.env, 'import', 'prose.jsonl', '--as', 'alice', '--skip-invalid'), 3)).toMatch(
          /nothing to import.*not valid JSON/,
        );
        const plain = await cairnHere(l.dir, l.env, 'import', 'prose.jsonl', '--as', 'alice');
        expect(plain.code).toBe(3);
        expect(plain.stderr).toMatch(/2 invalid row\(s\), nothing appended/);
        expect(await headOf(l)).toBe(head);
      },
      TIMEOUT,
    );

    it(
      'given a CSV and a JSONL file that each hold one valid and one malformed row, then both abort by default (exit 3, nothing appended) and both append the valid row with --skip-invalid',
      async () => {
        await writeFile(
          path.join(l.dir, 'mixed.csv'),
          'text,license,source,attributes\ncsv good,MIT,notes,\ncsv bad,MIT,notes,{not json\n',
        );
        await writeFile(path.join(l.dir, 'mixed.jsonl'), '{"text":"jsonl good","license":"MIT","source":"notes"}\n{"text": "jsonl bad",\n');
        for (const file of ['mixed.csv', 'mixed.jsonl']) {
          const head = await headOf(l);
          const refused = await cairnHere(l.dir, l.env, 'import', file, '--as', 'alice');
          expect([file, refused.code, refused.stderr]).toEqual([file, 3, expect.stringContaining('1 invalid row(s), nothing appended')]);
          expect(await headOf(l)).toBe(head);
          const skipping = await cairnJsonHere<{ appended: { sample: number }; skipped: unknown[] }>(
            l.dir,
            l.env,
            'import',
            file,
            '--as',
            'alice',
            '--skip-invalid',
          );
          expect([file, skipping.appended.sample, skipping.skipped.length]).toEqual([file, 1, 1]);
        }
      },
      TIMEOUT,
    );
  });
}

storeErrorSpecification('the embedded store', embeddedStore);
describePostgres(pgAvailable, 'errors a person can act on, on Postgres', () => storeErrorSpecification('Postgres', postgresStore));

describe('errors a person can act on (embedded store)', () => {
  let l: Ledger;
  beforeAll(async () => {
    l = await givenLedger(embeddedStore);
  }, TIMEOUT);

  it(
    'given no such file, when contribute sample --file names it, then one usage line names --file and the path (exit 2), and --json gives the error shape',
    async () => {
      const args = ['contribute', 'sample', '--as', 'alice', '--file', '/nope/sample.txt', '--license', 'MIT', '--source', 'notes'];
      expect(oneLine(await cairn(l.dir, l.env, ...args), 2)).toBe('cairn: --file /nope/sample.txt: no such file');
      expect(jsonError(await cairn(l.dir, l.env, '--json', ...args), 2).message).toBe('--file /nope/sample.txt: no such file');
    },
    TIMEOUT,
  );

  it(
    'given a folder as --file, when contribute sample, then one usage line says it is a folder (exit 2)',
    async () => {
      const r = await cairnHere(
        l.dir,
        l.env,
        'contribute',
        'sample',
        '--as',
        'alice',
        '--file',
        os.tmpdir(),
        '--license',
        'MIT',
        '--source',
        'notes',
      );
      expect(oneLine(r, 2)).toBe(`cairn: --file ${os.tmpdir()}: a folder, not a file`);
    },
    TIMEOUT,
  );

  it(
    'given no such file, when amend CF --file names it, then one usage line names --file and the path (exit 2)',
    async () => {
      expect(oneLine(await cairnHere(l.dir, l.env, 'amend', l.s1, '--as', 'alice', '--file', '/nope/fixed.txt'), 2)).toBe(
        'cairn: --file /nope/fixed.txt: no such file',
      );
    },
    TIMEOUT,
  );

  it(
    'given a folder that does not exist, when export, prove and attest write --out into it, then each is one usage line naming the folder (exit 2)',
    async () => {
      const missing = path.join(l.dir, 'no-such-folder');
      const attempts = [
        ['export', 'corpus@1', '--format', 'jsonl', '--out', path.join(missing, 'members.jsonl')],
        ['prove', l.s1, '--in', 'corpus@1', '--out', path.join(missing, 'proof.json')],
        ['attest', 'corpus@1', '--as', 'bob', '--out', path.join(missing, 'attestation.json')],
      ];
      for (const args of attempts) {
        const out = args.at(-1)!;
        expect(oneLine(await cairnHere(l.dir, l.env, ...args), 2)).toBe(`cairn: --out ${out}: the folder ${missing} does not exist`);
        expect(jsonError(await cairnHere(l.dir, l.env, '--json', ...args), 2).message).toBe(
          `--out ${out}: the folder ${missing} does not exist`,
        );
      }
    },
    TIMEOUT,
  );

  it(
    'given a failure no check foresaw (a folder where a key file should be), then one line says "unexpected failure" without stack frames (exit 5), and CAIRN_DEBUG=1 adds the stack',
    async () => {
      // The embedded store keeps its signers in <store>/signers. A key file that is not JSON is
      // refused with a reason now (keyring.unit.spec.ts); a folder in its place is foreseen by nothing.
      await mkdir(path.join(l.dir, '.cairn', 'signers', 'eve.json'));
      const env = l.env;
      const args = ['contribute', 'sample', '--as', 'eve', '--text', 'x', '--license', 'MIT', '--source', 'notes'];
      expect(oneLine(await cairn(l.dir, env, ...args), 5)).toMatch(/^cairn: unexpected failure: .*EISDIR/);
      expect(jsonError(await cairn(l.dir, env, '--json', ...args), 5).message).toMatch(/^unexpected failure: /);
      const debug = await cairnHere(l.dir, { ...env, CAIRN_DEBUG: '1' }, ...args);
      expect(debug.code).toBe(5);
      expect(debug.stderr).toMatch(/^\s+at /m);
      const debugJson = jsonError(await cairnHere(l.dir, { ...env, CAIRN_DEBUG: '1' }, '--json', ...args), 5);
      expect(debugJson.detail).toMatchObject({ stack: expect.stringMatching(/\n\s+at /) });
    },
    TIMEOUT,
  );

  it(
    'given an unknown option or a missing required option or argument, then one usage line names it and the command to ask for help (exit 2); with --json the documented error shape on stderr',
    async () => {
      const cases: readonly (readonly [readonly string[], string])[] = [
        [
          ['contribute', 'sample', '--as', 'alice', '--text', 'x', '--license', 'MIT', '--source', 'notes', '--colour', 'red'],
          "unknown option '--colour' (cairn contribute sample --help)",
        ],
        [
          ['contribute', 'sample', '--as', 'alice', '--text', 'x', '--source', 'notes'],
          "required option '--license <spdx>' not specified (cairn contribute sample --help)",
        ],
        [['amend', '--as', 'alice'], "missing required argument 'cf' (cairn amend --help)"],
        [['frobnicate'], "unknown command 'frobnicate' (cairn --help)"],
      ];
      // The first case through real processes, the others through the kept one.
      for (const [i, [args, message]] of cases.entries()) {
        const run = i === 0 ? cairn : cairnHere;
        expect(oneLine(await run(l.dir, l.env, ...args), 2)).toBe(`cairn: ${message}`);
        const json = jsonError(await run(l.dir, l.env, '--json', ...args), 2);
        expect(json.message).toBe(message);
        expect(json.detail).toMatchObject({ code: expect.stringMatching(/^commander\./) });
      }
      // A command without its subcommand prints its help; under --json stderr stays one JSON document.
      expect(jsonError(await cairnHere(l.dir, l.env, '--json', 'keys'), 2).message).toBe('name a command (cairn keys --help)');
    },
    TIMEOUT,
  );

  it(
    'given --text "", when contribute sample, then it is refused as usage (exit 2): a sample has at least one byte',
    async () => {
      const r = await cairnHere(
        l.dir,
        l.env,
        'contribute',
        'sample',
        '--as',
        'alice',
        '--text',
        '',
        '--license',
        'MIT',
        '--source',
        'notes',
      );
      expect(oneLine(r, 2)).toBe('cairn: --text: must not be empty (a sample has at least one byte)');
    },
    TIMEOUT,
  );

  it(
    'given a CSV target of 64 decimal digits, then it is read as a CF id (not a row number): the import names that CF as absent from the log',
    async () => {
      const cfId = '1234'.padStart(64, '0');
      await writeFile(path.join(l.dir, 'digits.csv'), `kind,targets,verdict,rationale\nvalidation,${cfId},approve,looks right\n`);
      const r = await cairnHere(l.dir, l.env, 'import', 'digits.csv', '--as', 'bob');
      expect(oneLine(r, 3)).toContain(`no event ${cfId} in the log`);
      expect(r.stderr).not.toMatch(/row 1234|the file has/);
    },
    TIMEOUT,
  );
});

describe('first contact', () => {
  it(
    'given a built repository, when `npx cairn --help` runs from its root (the README line), then it prints the usage',
    async () => {
      const r = await run('npx', ['cairn', '--help'], REPO_ROOT);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: cairn /);
    },
    TIMEOUT,
  );

  it(
    'given the bin npm links at install but no build yet, when it runs, then one line says to run npm run build (exit 5)',
    async () => {
      const clone = await mkdtemp(path.join(os.tmpdir(), 'cairn-unbuilt-'));
      await mkdir(path.join(clone, 'bin'));
      await copyFile(SHIM, path.join(clone, 'bin', 'cairn.js'));
      await writeFile(path.join(clone, 'package.json'), '{"type":"module"}\n');
      expect(await readdir(clone)).not.toContain('dist');
      const r = await run(process.execPath, [path.join(clone, 'bin', 'cairn.js'), '--help'], clone);
      expect(oneLine(r, 5)).toContain('run `npm run build`');
    },
    TIMEOUT,
  );

  it(
    'when manifest define --help, then it shows every field of a manifest, the defaults, and an example that manifest define accepts',
    async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-manifest-help-'));
      const help = await cairnHere(dir, {}, 'manifest', 'define', '--help');
      expect(help.code).toBe(0);
      const example = /Example \(manifest\.json\):\n(\s+\{[\s\S]*?\n\s+\})\n/.exec(help.stdout)?.[1];
      expect(example).toBeDefined();
      const decoded = decodeManifest(JSON.parse(example!));
      if (E.isLeft(decoded)) throw new Error(`the help's example does not decode: ${JSON.stringify(decoded.left)}`);
      // Every field of a complete manifest, by its path, is described (a new field must be too).
      const paths = (value: unknown, prefix: string): string[] =>
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? Object.entries(value).flatMap(([k, v]) => paths(v, prefix === '' ? k : `${prefix}.${k}`))
          : [prefix];
      for (const field of paths(decoded.right, '')) expect(help.stdout).toMatch(new RegExp(`^ {2}${field.replace('.', '\\.')} `, 'm'));
      expect(help.stdout).toContain('Defaults:');

      const env = { CAIRN_STORE: path.join(dir, '.cairn') };
      await initStore(dir, env, cairnJsonHere);
      await cairnJsonHere(dir, env, 'keys', 'new', 'curator');
      await writeFile(path.join(dir, 'manifest.json'), example!);
      const defined = await cairnJsonHere<{ manifestId: string }>(dir, env, 'manifest', 'define', 'manifest.json', '--as', 'curator');
      expect(defined.manifestId).toMatch(/^[0-9a-f]{64}$/);
    },
    TIMEOUT,
  );
});
