// The same questions through the CLI (`cairn --json`, the built binary) and through HTTP, on
// the same embedded store at the same moment: the answers must be the same documents. The CLI
// asks first (an embedded store is one process's at a time), then the server opens the store.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import {
  commitSample,
  describeLedgerError,
  newSigner,
  openLedger,
  publicKeyHexOf,
  treeHeadSignatureValid,
  type IngestItem,
  type LedgerError,
} from '@cairn/sdk';
import { createServer, type CairnServer } from './index.js';
import { DATASET, openSeededStore, seededStoresReady, openStore, type Fixture } from './__tests__/fixture.js';
import { keptCli, type CliResult, type KeptCli } from './__tests__/kept-cli.js';

const run = promisify(execFile);
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/dist/bin.js');

let dir: string;
let fx: Fixture;
let cairn: Cairn | undefined;
let server: CairnServer | undefined;
let base: string;
/** Position before the amendment, so the pinned questions see only version 1. */
let before: string;
/** Two training runs, on version 1 and on the latest version (not scored: no gradients recorded). */
const RUN_A = 'run-parity-a';
const RUN_B = 'run-parity-b';
const CREDIT_UNSCORED = ['credit', `${DATASET}@1`, '--run', RUN_A];
let localCredit: CliResult;
const EXPORT_JSONL = ['export', `${DATASET}@latest`, '--format', 'jsonl'];
let localExport: CliResult;
let localExportOut: unknown;
/** The CLI's kept process: every local and remote question below is a command in it, not a new process. */
let kept: KeptCli;

/** `cairn --json …` in the kept process, parsed; fails the test with stderr when it exits non-zero. */
async function cliJson(args: readonly string[]): Promise<unknown> {
  const r = await kept.run(['--json', ...args]);
  if (r.code !== 0) throw new Error(`cairn ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

interface Question {
  readonly name: string;
  readonly cli: () => readonly string[];
  /** The same question to the HTTP API; absent when only the CLI asks it (its document is the CLI's own). */
  readonly http?: () => string;
  /** The part of the CLI's document the HTTP answer is (when the CLI adds to it). */
  readonly cliPart?: (cli: Record<string, unknown>) => unknown;
  /** Fields the HTTP answer adds for paging (the CLI pages with --after). */
  readonly httpOnly?: readonly string[];
  /** For an answer HTTP sends as text: the text the CLI's --json document carries. */
  readonly textOf?: (cli: Record<string, unknown>) => unknown;
  /** The local CLI's document as a remote reader is told it (the folder is for the store's own user). */
  readonly overHttp?: (cli: Record<string, unknown>) => Record<string, unknown>;
}

/** The store's folder is named to the CLI's own user only; over HTTP, its kind. */
const folderAsKind = (cli: Record<string, unknown>) => {
  expect(cli.store).toBe(dir);
  return { ...cli, store: 'embedded' };
};

const questions: readonly Question[] = [
  { name: 'dataset versions', cli: () => ['dataset', 'versions', DATASET], http: () => `/v1/datasets/${DATASET}/versions` },
  {
    name: 'dataset versions as of a position',
    cli: () => ['dataset', 'versions', DATASET, '--as-of', before],
    http: () => `/v1/datasets/${DATASET}/versions?asOf=${before}`,
  },
  {
    name: 'dataset show, one page',
    cli: () => ['dataset', 'show', `${DATASET}@latest`, '--limit', '1'],
    http: () => `/v1/versions/${DATASET}@latest?limit=1`,
    httpOnly: ['nextCursor'],
  },
  { name: 'diff', cli: () => ['diff', `${DATASET}@1`, `${DATASET}@latest`], http: () => `/v1/diff?from=${DATASET}@1&to=${DATASET}@latest` },
  {
    name: 'why (included)',
    cli: () => ['why', fx.samples[1], '--in', `${DATASET}@1`],
    http: () => `/v1/cfs/${fx.samples[1]}/why?in=${DATASET}@1`,
  },
  {
    name: 'why not, by prefix, as of a position',
    cli: () => ['why', fx.samples[2].slice(0, 12), '--in', `${DATASET}@latest`, '--as-of', before],
    http: () => `/v1/cfs/${fx.samples[2].slice(0, 12)}/why?in=${DATASET}@latest&asOf=${before}`,
  },
  { name: 'impact', cli: () => ['impact', fx.samples[0]], http: () => `/v1/cfs/${fx.samples[0]}/impact` },
  { name: 'history', cli: () => ['history', fx.amended], http: () => `/v1/cfs/${fx.amended}/history` },
  {
    name: 'trace',
    cli: () => ['trace', fx.samples[1], '--direction', 'down', '--depth', '3'],
    http: () => `/v1/trace/${fx.samples[1]}?direction=down&depth=3`,
  },
  {
    name: 'prove',
    cli: () => ['prove', fx.samples[1], '--in', `${DATASET}@1`],
    http: () => `/v1/cfs/${fx.samples[1]}/proof?in=${DATASET}@1`,
  },
  { name: 'licenses', cli: () => ['licenses', `${DATASET}@latest`], http: () => `/v1/versions/${DATASET}@latest/licenses` },
  { name: 'show', cli: () => ['show', fx.samples[0]], http: () => `/v1/cfs/${fx.samples[0]}` },
  { name: 'status', cli: () => ['status'], http: () => '/v1/status/counts', overHttp: folderAsKind },
  {
    name: 'card (Markdown)',
    cli: () => ['card', `${DATASET}@latest`],
    http: () => `/v1/versions/${DATASET}@latest/card`,
    textOf: (cli) => cli.markdown,
  },
  {
    name: 'card facts',
    cli: () => ['card', `${DATASET}@latest`],
    http: () => `/v1/versions/${DATASET}@latest/card-facts`,
    cliPart: ({ markdown: _markdown, ...facts }) => facts,
  },
  {
    name: 'prove --signed-by',
    cli: () => ['prove', fx.samples[1].slice(0, 10), '--signed-by'],
    http: () => `/v1/cfs/${fx.samples[1].slice(0, 10)}/authorship`,
  },
  { name: 'report eu-ai-act', cli: () => ['report', 'eu-ai-act', `${DATASET}@latest`] },
  {
    name: 'dataset show as of a position',
    cli: () => ['dataset', 'show', `${DATASET}@latest`, '--as-of', before],
    http: () => `/v1/versions/${DATASET}@latest?asOf=${before}`,
    httpOnly: ['nextCursor'],
  },
  { name: 'runs list', cli: () => ['runs', 'list'], http: () => '/v1/runs', cliPart: (cli) => cli.runs },
  { name: 'runs show', cli: () => ['runs', 'show', RUN_A], http: () => `/v1/runs/${RUN_A}` },
  { name: 'runs diff', cli: () => ['runs', 'diff', RUN_A, RUN_B], http: () => `/v1/runs/${RUN_A}/diff/${RUN_B}` },
  { name: 'reproduce-check', cli: () => ['reproduce-check', RUN_A], http: () => `/v1/runs/${RUN_A}/reproduce` },
  { name: 'unlearning', cli: () => ['unlearning', RUN_A, '--top', '3'], http: () => `/v1/runs/${RUN_A}/unlearning?top=3` },
  { name: 'roles list', cli: () => ['roles', 'list'], http: () => '/v1/roles' },
  // Signed afresh at each asking (its timestamp and signature differ): compared below without them.
  { name: 'tree-head --from 2', cli: () => ['tree-head', '--from', '2'] },
  {
    name: 'prove as of a position',
    cli: () => ['prove', fx.samples[0], '--in', `${DATASET}@latest`, '--as-of', before],
    http: () => `/v1/cfs/${fx.samples[0]}/proof?in=${DATASET}@latest&asOf=${before}`,
  },
];

const cliAnswers = new Map<string, unknown>();

/** The questions the CLI also answers with `--store http://…`, by name above. */
const OVER_HTTP = [
  'dataset versions',
  'dataset versions as of a position',
  'diff',
  'why (included)',
  'why not, by prefix, as of a position',
  'impact',
  'history',
  'trace',
  'licenses',
  'status',
  'dataset show, one page',
  'dataset show as of a position',
  'prove',
  'prove as of a position',
  'prove --signed-by',
  'show',
  'card (Markdown)',
  'report eu-ai-act',
  'runs list',
  'runs show',
  'runs diff',
  'reproduce-check',
  'unlearning',
  'roles list',
];

/** A run recorded, given gradients, attributed, passported and audited through the local CLI, then asked again over HTTP. */
const RUN_C = 'run-parity-c';
const MODEL_C = 'cd'.repeat(32);
/** The training side's local documents (stdout parsed), by the question's name. */
const localTraining = new Map<string, unknown>();

/** A 2-D little-endian float32 .npy (NumPy format 1.0) of deterministic values. */
function npy(rows: number, cols: number, seed: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + rows * cols * 4);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  let s = seed;
  for (let i = 0; i < rows * cols; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.writeFloatLE(s / 2147483648 - 0.5, 10 + header.length + i * 4);
  }
  return new Uint8Array(out);
}

/** The training side's questions, asked of both the local store and the server (after the run's facts are in). */
const trainingQuestions: Record<string, () => readonly string[]> = {
  attribute: () => ['attribute', RUN_C, '--queries', path.join(dir, 'query.npy'), '--top', '2'],
  passport: () => ['passport', RUN_C, '--as', 'alice'],
  attest: () => ['attest', `${DATASET}@1`, '--as', 'alice'],
  'record-keeping': () => ['record-keeping', RUN_C],
  contamination: () => ['contamination', `${DATASET}@1`, '--against', `${DATASET}@latest`, '--threshold', '0.5'],
};

async function askTrainingLocally(members: number): Promise<void> {
  await mkdir(path.join(dir, 'signers'), { recursive: true });
  await writeFile(
    path.join(dir, 'signers', 'alice.json'),
    JSON.stringify({
      name: 'alice',
      contributorId: fx.alice.contributorId,
      secretKey: Buffer.from(fx.alice.secretKey).toString('hex'),
      publicKey: publicKeyHexOf(fx.alice.secretKey),
      previousKeys: [],
      revoked: false,
    }),
    { mode: 0o600 },
  );
  await writeFile(path.join(dir, 'train.npy'), npy(members, 4, 11));
  await writeFile(path.join(dir, 'query.npy'), npy(members, 4, 23));
  const local = (args: readonly string[]) => cliJson(['--store', dir, ...args]);
  localTraining.set(
    'record-run',
    await local([
      'record-run',
      '--dataset',
      `${DATASET}@1`,
      '--code',
      'git:c',
      '--model-hash',
      MODEL_C,
      '--as',
      'alice',
      '--run-id',
      RUN_C,
    ]),
  );
  for (const [split, file] of [
    ['train', 'train.npy'],
    ['query', 'query.npy'],
  ] as const) {
    const kind = split === 'train' ? ['--kind', 'loss-gradients'] : [];
    localTraining.set(
      `record-gradients ${split}`,
      await local([
        'record-gradients',
        RUN_C,
        '--split',
        split,
        '--file',
        path.join(dir, file),
        ...kind,
        '--rows-from',
        `${DATASET}@1`,
        '--as',
        'alice',
      ]),
    );
  }
  // The whole score matrix, written where the store is: compared with the one the server streams.
  localTraining.set(
    'attribute --top all',
    await local([...trainingQuestions.attribute!().map((a) => (a === '2' ? 'all' : a)), '--out', path.join(dir, 'all-local.npy')]),
  );
  for (const [name, args] of Object.entries(trainingQuestions)) {
    // passport and attest print the signed envelope itself (not --json's summary).
    const r = await kept.run(['--store', dir, ...(name === 'passport' || name === 'attest' ? [] : ['--json']), ...args()]);
    if (r.code !== 0) throw new Error(`cairn ${name} exited ${r.code}: ${r.stderr}`);
    localTraining.set(name, JSON.parse(r.stdout));
  }
  // The envelopes checked against the store: the checks (and their words) a server must give too.
  for (const name of ['passport', 'attest'] as const) {
    const file = path.join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify(localTraining.get(name)));
    const r = await kept.run(['--store', dir, '--json', name, '--verify', file]);
    if (r.code !== 0) throw new Error(`cairn ${name} --verify exited ${r.code}: ${r.stderr}`);
    localTraining.set(`${name} --verify`, r.stdout);
  }
}

/** A validation of a CF the log does not hold: what the local ledger said to it, before the server opened the store. */
const MISSING_CF = 'f'.repeat(64);
let localRefusal: LedgerError;

// The run's seeded template under its own time limit: the first file of a run makes it.
beforeAll(() => seededStoresReady(), 300_000);

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`the CLI is not built (${BIN}); run npm run build first`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-parity-'));
  let seeding: Cairn;
  ({ cairn: seeding, fx } = await openSeededStore(dir));
  const versions = await seeding.datasetVersions(DATASET);
  if (E.isLeft(versions)) throw new Error(JSON.stringify(versions.left));
  before = versions.right.versions[0]!.position.toString();
  const refused = await seeding.ledger.contribute.validation({ targets: [MISSING_CF], verdict: 'approve', rationale: 'x' }, fx.carol);
  if (E.isRight(refused)) throw new Error('the local ledger took a validation of a missing CF');
  localRefusal = refused.left;
  for (const [runId, v] of [
    [RUN_A, versions.right.versions[0]!],
    [RUN_B, versions.right.versions.at(-1)!],
  ] as const) {
    const recorded = await seeding.ledger.runs.record(
      {
        runId,
        dataset: { name: DATASET, versionId: v.versionId },
        codeVersion: `git:${runId}`,
        seeds: { torch: 7 },
        hyperparameters: { lr: runId === RUN_A ? 0.1 : 0.01 },
        environment: { python: '3.12' },
        modelHash: 'ab'.repeat(32),
      },
      fx.alice,
    );
    if (E.isLeft(recorded)) throw new Error(JSON.stringify(recorded.left));
  }
  await seeding.close();
  kept = keptCli(dir);
  await askTrainingLocally(versions.right.versions[0]!.memberCount);
}, 300_000);

// The local questions in hooks of their own, each under its own limit: every command opens the
// embedded store, and on a loaded machine the whole of them took longer than one hook's limit.
beforeAll(async () => {
  // One command per distinct question: each opens the embedded store, the costly part here.
  const asked = new Map<string, unknown>();
  for (const q of questions) {
    const args = ['--store', dir, ...q.cli()];
    const key = JSON.stringify(args);
    if (!asked.has(key)) asked.set(key, await cliJson(args));
    cliAnswers.set(q.name, asked.get(key));
  }
}, 300_000);

beforeAll(async () => {
  localCredit = await kept.run(['--store', dir, ...CREDIT_UNSCORED]);
  localExport = await kept.run(['--store', dir, ...EXPORT_JSONL]);
  localExportOut = await cliJson(['--store', dir, ...EXPORT_JSONL, '--out', path.join(dir, 'local.jsonl')]);
  cairn = await openStore(dir);
  const s = await createServer({ cairn, onError: () => undefined });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = await server.listen(0, '127.0.0.1');
}, 300_000);

afterAll(async () => {
  await kept?.close();
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the CLI and the HTTP API answer the same question with the same document', () => {
  for (const q of questions.filter((x) => x.http !== undefined))
    it(`${q.name}`, async () => {
      const res = await fetch(`${base}${q.http!()}`);
      expect(res.status).toBe(200);
      if (q.textOf !== undefined) {
        expect(await res.text()).toBe(q.textOf(cliAnswers.get(q.name) as Record<string, unknown>));
        return;
      }
      const answer = (await res.json()) as Record<string, unknown>;
      for (const field of q.httpOnly ?? []) {
        expect(answer).toHaveProperty(field);
        delete answer[field];
      }
      const cli = cliAnswers.get(q.name) as Record<string, unknown>;
      const expected = q.overHttp ? q.overHttp(cli) : cli;
      expect(answer).toEqual(q.cliPart === undefined ? expected : q.cliPart(expected));
    });
});

describe('the CLI with --store http://… answers as it does on the local store', () => {
  const remoteAnswers = new Map<string, unknown>();
  // Asked in the kept process: each opens nothing but a connection.
  beforeAll(async () => {
    for (const name of OVER_HTTP)
      remoteAnswers.set(name, await cliJson(['--store', base, ...questions.find((x) => x.name === name)!.cli()]));
  }, 60_000);

  for (const name of OVER_HTTP)
    it(name, () => {
      const q = questions.find((x) => x.name === name)!;
      const cli = cliAnswers.get(name) as Record<string, unknown>;
      expect(remoteAnswers.get(name)).toEqual(q.overHttp ? q.overHttp(cli) : cli);
    });

  it('given credit for a run never scored, then it fails with the exit code and words of the local store', async () => {
    expect(localCredit.code).toBe(4);
    expect(await kept.run(['--store', base, ...CREDIT_UNSCORED])).toEqual(localCredit);
  });

  it('given export --format jsonl, then the server streams the lines the local export prints', async () => {
    expect(localExport).toMatchObject({ code: 0, stderr: '' });
    expect(localExport.stdout.split('\n').length).toBeGreaterThan(1);
    expect(await kept.run(['--store', base, ...EXPORT_JSONL])).toEqual(localExport);
  });

  it('given export --out, then the file and the summary are the local ones', async () => {
    const out = path.join(dir, 'remote.jsonl');
    const summary = await cliJson(['--store', base, ...EXPORT_JSONL, '--out', out]);
    expect(summary).toEqual({ ...(localExportOut as object), written: out });
    expect(await readFile(out, 'utf8')).toBe(await readFile(path.join(dir, 'local.jsonl'), 'utf8'));
  });

  it('given tree-head --from, then the server signs the head of the same log with the same ledger key and proves the same consistency', async () => {
    type Head = { treeHead: { size: number; root: string; timestamp: string; ledgerKey: string }; signature: string; consistency: unknown };
    const local = cliAnswers.get('tree-head --from 2') as Head;
    const remote = (await cliJson(['--store', base, 'tree-head', '--from', '2'])) as Head;
    const { timestamp: _t, ...head } = local.treeHead;
    expect(remote.treeHead).toMatchObject(head);
    expect(remote.consistency).toEqual(local.consistency);
    expect(treeHeadSignatureValid(remote.treeHead as Parameters<typeof treeHeadSignatureValid>[0], remote.signature, head.ledgerKey)).toBe(
      true,
    );
    const tooFar = await kept.run(['--store', base, 'tree-head', '--from', String(head.size + 1)]);
    expect(tooFar).toMatchObject({ code: 2, stdout: '' });
    expect(tooFar.stderr).toMatch(/--from/);
  });

  it('given dataset show --after, then it refuses by name: a server pages with its own cursor', async () => {
    const r = await kept.run(['--store', base, 'dataset', 'show', `${DATASET}@1`, '--after', fx.samples[0]]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^cairn: --after: not over HTTP/);
  });

  it.each([['init', ['init']]])(
    'given %s, which works on the store itself, then it refuses in one line naming itself, exit 2',
    async (name, args) => {
      const r = await kept.run(['--store', base, ...args]);
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toMatch(new RegExp(`^cairn: cairn ${name} needs a local store .* names ${base}\\. Over HTTP: status, `));
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    },
  );

  it('given a command that needs the store itself, then it says so with a usage error and no stack', async () => {
    const failed = await run(process.execPath, [BIN, '--store', base, 'replay']).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('needs a local store') });
    expect((failed as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the training side with --store http://… answers as it does on the local store', () => {
  const remote = (args: readonly string[], json = true) =>
    kept.run(['--store', base, ...(json ? ['--json'] : []), ...args], { CAIRN_KEYS: dir });
  const remoteTraining = new Map<string, unknown>();
  // Asked before anything below writes, so the server's log is the one the local answers saw.
  beforeAll(async () => {
    for (const [name, args] of Object.entries(trainingQuestions)) {
      const r = await remote(args(), name !== 'passport' && name !== 'attest');
      if (r.code !== 0) throw new Error(`cairn --store ${base} ${name} exited ${r.code}: ${r.stderr}`);
      remoteTraining.set(name, JSON.parse(r.stdout));
    }
  }, 60_000);

  it('given attribute over HTTP, then the server scores the query rows to the same scores, bit for bit', () => {
    const local = localTraining.get('attribute') as { queries: { top: { score: number }[] }[] };
    expect(local.queries.length).toBeGreaterThan(0);
    expect(local.queries[0]!.top.length).toBe(2);
    expect(remoteTraining.get('attribute')).toEqual(local);
  });

  it.each(['passport', 'attest'])(
    'given %s --as alice over HTTP, then the envelope is the one signed on the local store, byte for byte',
    (name) => {
      expect(remoteTraining.get(name)).toEqual(localTraining.get(name));
      expect(localTraining.get(name)).toMatchObject({ payloadType: 'application/vnd.in-toto+json', signatures: [expect.anything()] });
    },
  );

  it('given contamination over HTTP, then the report is the local one', () => {
    expect(remoteTraining.get('contamination')).toEqual(localTraining.get('contamination'));
  });

  it('given record-keeping over HTTP, then the events and their proofs are the local ones, under a head of the same log', () => {
    type Record = { checkpoint: { treeHead: { size: number; root: string; ledgerKey: string; timestamp: string } }; events: unknown[] };
    const local = localTraining.get('record-keeping') as Record;
    const served = remoteTraining.get('record-keeping') as Record;
    expect(local.events.length).toBeGreaterThan(0);
    expect(served.events).toEqual(local.events);
    // Each head is signed when asked for: the same log, the same key, another time.
    const { timestamp: _t, ...head } = local.checkpoint.treeHead;
    expect(served.checkpoint.treeHead).toMatchObject(head);
  });

  it('given --top all over HTTP, then the streamed score matrix is the local one byte for byte, with the same columns', async () => {
    const out = path.join(dir, 'all-remote.npy');
    const r = await remote(
      trainingQuestions.attribute!()
        .map((a) => (a === '2' ? 'all' : a))
        .concat(['--out', out]),
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const local = localTraining.get('attribute --top all') as { out: string; rows: number; cols: number; columns: string[] };
    expect(local.rows * local.cols).toBeGreaterThan(1);
    expect({ ...(JSON.parse(r.stdout) as object), out: local.out }).toEqual(local);
    const [mine, theirs] = [await readFile(local.out), await readFile(out)];
    expect(theirs.length).toBeGreaterThan(128);
    expect(theirs.equals(mine)).toBe(true);
  });

  it.each(['passport', 'attest'])(
    'given %s --verify FILE against the server, then the offline and store checks are the local ones, byte for byte',
    async (name) => {
      const r = await remote([name, '--verify', path.join(dir, `${name}.json`)]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toBe(localTraining.get(`${name} --verify`));
      const checks = (JSON.parse(r.stdout) as { checks: { check: string; ok: boolean }[] }).checks;
      expect(checks.filter((c) => c.check.endsWith('(store)')).length).toBeGreaterThan(0);
      expect(checks.every((c) => c.ok)).toBe(true);
    },
  );

  it("given a passport whose predicate the ledger does not hold, then the server's store check fails it, exit 1, as the local store would", async () => {
    const envelope = localTraining.get('passport') as { payload: string; payloadType: string; signatures: unknown[] };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      predicate: { signedBy: { contributorId: string } };
    };
    // Signed by a contributor the log never registered: the signature may verify offline, the store says no.
    statement.predicate.signedBy.contributorId = 'e'.repeat(64);
    const file = path.join(dir, 'passport-stranger.json');
    await writeFile(file, JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }));
    const r = await remote(['passport', '--verify', file]);
    expect(r.code).toBe(1);
    const checks = (JSON.parse(r.stdout) as { checks: { check: string; ok: boolean; detail?: string }[] }).checks;
    expect(checks.find((c) => c.check.startsWith('the signing key was'))).toMatchObject({
      ok: false,
      detail: expect.stringContaining('not registered'),
    });
  });

  it('given a passport of a run the server does not hold, then it exits 4 as the local store does', async () => {
    const local = { code: 4 };
    expect(await remote(['passport', 'no-such-run', '--as', 'alice'], false)).toMatchObject(local);
  });

  describe('writes: record-run and record-gradients over HTTP', () => {
    const RUN_H = 'run-parity-http';
    let recorded: Record<string, unknown>;

    beforeAll(async () => {
      const r = await remote([
        'record-run',
        '--dataset',
        `${DATASET}@1`,
        '--code',
        'git:c',
        '--model-hash',
        MODEL_C,
        '--as',
        'alice',
        '--run-id',
        RUN_H,
      ]);
      if (r.code !== 0) throw new Error(r.stderr);
      recorded = JSON.parse(r.stdout) as Record<string, unknown>;
    });

    it('given record-run over HTTP, then it answers what the local one did for the same facts, and the server lists the run', async () => {
      const { runId: _l, receipt: _lr, ...local } = localTraining.get('record-run') as Record<string, unknown>;
      const { runId, receipt, ...served } = recorded;
      expect(runId).toBe(RUN_H);
      expect(served).toEqual(local);
      expect(receipt).toMatchObject({ alreadyAppended: false });
      expect(((await (await fetch(`${base}/v1/runs/${RUN_H}`)).json()) as { modelHash: string }).modelHash).toBe(MODEL_C);
    });

    it('given record-gradients over HTTP, then the artifact is uploaded by its hash, the answer is the local one, and attribute scores the run as the local run was', async () => {
      for (const [split, file] of [
        ['train', 'train.npy'],
        ['query', 'query.npy'],
      ] as const) {
        const kind = split === 'train' ? ['--kind', 'loss-gradients'] : [];
        const r = await remote([
          'record-gradients',
          RUN_H,
          '--split',
          split,
          '--file',
          path.join(dir, file),
          ...kind,
          '--rows-from',
          `${DATASET}@1`,
          '--as',
          'alice',
        ]);
        expect(r).toMatchObject({ code: 0, stderr: '' });
        const { runId, receipt: _r, ...served } = JSON.parse(r.stdout) as Record<string, unknown>;
        const { runId: _l, receipt: _lr, ...local } = localTraining.get(`record-gradients ${split}`) as Record<string, unknown>;
        expect(runId).toBe(RUN_H);
        expect(served).toEqual(local);
      }
      // The same gradients on the same version: the same scores as the local run's.
      const r = await remote(trainingQuestions.attribute!().map((a) => (a === RUN_C ? RUN_H : a)));
      expect(r).toMatchObject({ code: 0 });
      expect({ ...(JSON.parse(r.stdout) as object), runId: RUN_C }).toEqual(localTraining.get('attribute'));
    });
  });
});

describe('openLedger({ url }): writes signed here, appended by the server', () => {
  const head = async () => ((await (await fetch(`${base}/v1/status`)).json()) as { head: string }).head;

  it('given a validation of a CF the log does not hold, then the server refuses it with the error the local ledger gave', async () => {
    const remote = await openLedger({ url: base });
    const r = await remote.contribute.validation({ targets: [MISSING_CF], verdict: 'approve', rationale: 'x' }, fx.carol);
    if (E.isRight(r)) throw new Error('the server took a validation of a missing CF');
    // The local ledger's error, and the HTTP answer it came in.
    const { http, ...refusal } = r.left;
    expect(refusal).toEqual(localRefusal);
    expect(http).toMatchObject({ status: 422, problem: { rule: 'reference-exists', index: 0 } });
    expect(localRefusal).toMatchObject({ _tag: 'RuleViolation', rule: 'reference-exists' });
  });

  it('given a batch whose second item breaks a rule, then nothing of it is appended and the error names the item', async () => {
    const remote = await openLedger({ url: base });
    const at = await head();
    const r = await remote.contribute.batch(
      [
        { kind: 'sample', bytes: new TextEncoder().encode('never appended'), mediaType: 'text/plain', license: 'MIT', source: 'http' },
        { kind: 'validation', targets: [MISSING_CF], verdict: 'approve', rationale: 'x' },
      ],
      fx.alice,
    );
    expect(r).toMatchObject(E.left({ _tag: 'RuleViolation', rule: 'reference-exists', index: 1 }));
    expect(await head()).toBe(at);
  });

  it('given a new contributor and a signed batch, when the same batch is sent twice, then the second is the same receipts, already appended', async () => {
    const remote = await openLedger({ url: base });
    const dana = newSigner();
    const registered = await remote.contributors.register(dana.secretKey, { name: 'dana' });
    expect(E.isRight(registered)).toBe(true);
    const bytes = new TextEncoder().encode('Sent over HTTP, signed by its contributor.');
    const signedSample = remote.sign(
      'SampleContributed',
      { commitment: commitSample(bytes, undefined), mediaType: 'text/plain', size: bytes.length, license: 'MIT', source: 'http' },
      dana,
    );
    if (E.isLeft(signedSample)) throw new Error(JSON.stringify(signedSample.left));
    const items: IngestItem[] = [{ envelope: signedSample.right, sample: { bytes } }];
    const first = await remote.ingest(items);
    const again = await remote.ingest(items);
    if (E.isLeft(first) || E.isLeft(again)) throw new Error(JSON.stringify([first, again]));
    expect(first.right.map((x) => x.alreadyAppended)).toEqual([false]);
    expect(again.right).toEqual(first.right.map((x) => ({ ...x, alreadyAppended: true })));
    // Readable through the server at once: the CF is there by its id.
    expect((await fetch(`${base}/v1/cfs/${first.right[0]!.id}`)).status).toBe(200);
  });

  it('given a URL that is not http(s), then opening refuses it by name', async () => {
    await expect(openLedger({ url: 'ftp://example.org' })).rejects.toThrow(/^url: /);
  });
});

describe('the CLI writes to a server with signers of its own keyring', () => {
  let keys: string;
  // In the kept process: a command, not a Node start, per write.
  const cli = (args: readonly string[]) => kept.run(['--store', base, '--json', ...args], { CAIRN_KEYS: keys });
  const validation = (target: string) => [
    'contribute',
    'validation',
    '--as',
    'carol',
    '--target',
    target,
    '--verdict',
    'approve',
    '--rationale',
    'seen again',
  ];

  beforeAll(async () => {
    keys = path.join(dir, 'remote-keys');
    await mkdir(path.join(keys, 'signers'), { recursive: true });
    for (const [name, signer] of [
      ['carol', fx.carol],
      ['alice', fx.alice],
      ['curator', fx.curator],
    ] as const) {
      const entry = {
        name,
        contributorId: signer.contributorId,
        secretKey: Buffer.from(signer.secretKey).toString('hex'),
        publicKey: publicKeyHexOf(signer.secretKey),
        previousKeys: [],
        revoked: false,
      };
      await writeFile(path.join(keys, 'signers', `${name}.json`), JSON.stringify(entry), { mode: 0o600 });
    }
  });

  /** The validation carol signs first below, amended after. */
  let carolValidation: string;

  it('given a validation of a CF the server holds, then the receipt names the event the server now answers for', async () => {
    const r = await cli(validation(fx.samples[2]));
    expect(r).toMatchObject({ stdout: expect.any(String) });
    const receipt = JSON.parse((r as { stdout: string }).stdout) as { id: string };
    expect((await fetch(`${base}/v1/cfs/${receipt.id}`)).status).toBe(200);
    carolValidation = receipt.id;
  });

  it('given an amendment of that validation by its author, then the server holds a validation amending it with the new rationale', async () => {
    const r = await cli(['amend', carolValidation, '--as', 'carol', '--set', 'rationale=checked twice']);
    expect(r).toMatchObject({ stdout: expect.any(String) });
    const out = JSON.parse((r as { stdout: string }).stdout) as { id: string; warnings: unknown[] };
    expect(out.warnings).toEqual([]);
    const shown = (await (await fetch(`${base}/v1/cfs/${out.id}`)).json()) as { type: string; payload: Record<string, unknown> };
    expect(shown).toMatchObject({
      type: 'ValidationContributed',
      payload: { amends: carolValidation, rationale: 'checked twice', verdict: 'approve', targets: [fx.samples[2]] },
    });
  });

  it('given a sample amended with new bytes by its author, then the amendment carries them and the warnings of the datasets it re-assembled', async () => {
    const file = path.join(dir, 'amended.txt');
    await writeFile(file, 'Water boils at 100 degrees Celsius at standard pressure.');
    const r = await cli(['amend', fx.samples[1], '--as', 'alice', '--file', file, '--set', 'license=CC-BY-4.0']);
    expect(r).toMatchObject({ stdout: expect.any(String) });
    const out = JSON.parse((r as { stdout: string }).stdout) as { id: string; warnings: { dataset: string }[] };
    expect(Array.isArray(out.warnings)).toBe(true);
    const shown = (await (await fetch(`${base}/v1/cfs/${out.id}`)).json()) as { payload: Record<string, unknown> };
    expect(shown.payload).toMatchObject({ amends: fx.samples[1], license: 'CC-BY-4.0', size: 56 });
  });

  it('given a manifest, a dataset and two builds through the server, then each build answers the version the server lists, the second unchanged', async () => {
    const file = path.join(dir, 'manifest.json');
    await writeFile(
      file,
      JSON.stringify({ licensePolicy: { allowed: ['MIT'] }, candidates: { kinds: ['sample'], sources: 'any', assets: 'any' } }),
    );
    const manifest = await cli(['manifest', 'define', file, '--as', 'curator']);
    expect(manifest).toMatchObject({ stdout: expect.any(String) });
    const { manifestId } = JSON.parse((manifest as { stdout: string }).stdout) as { manifestId: string };
    expect(await cli(['dataset', 'define', 'served', '--as', 'curator'])).toMatchObject({ stdout: expect.stringContaining('"id"') });
    const builds = [];
    for (let i = 0; i < 2; i++) {
      const b = await cli(['dataset', 'build', 'served', '--manifest', manifestId, '--as', 'curator']);
      expect(b).toMatchObject({ stdout: expect.any(String) });
      builds.push(
        JSON.parse((b as { stdout: string }).stdout) as { version: { versionId: string; ordinal: number } | null; unchanged: boolean },
      );
    }
    const listed = (await (await fetch(`${base}/v1/datasets/served/versions`)).json()) as { versions: { versionId: string }[] };
    expect(builds.map((b) => [b.version?.versionId, b.version?.ordinal, b.unchanged])).toEqual([
      [listed.versions[0]!.versionId, 1, false],
      [listed.versions[0]!.versionId, 1, true],
    ]);
  });

  it('given a dataset name defined again (another event) through the server, then it is refused by name', async () => {
    const r = await cli(['dataset', 'define', 'served', '--as', 'curator', '--description', 'another']);
    expect(r).toMatchObject({ code: 3 });
    expect((r as { stderr: string }).stderr).toContain('served');
  });

  it('given a sample amended without new bytes, then it is refused by name: the old bytes stay sealed on the server', async () => {
    const r = await cli(['amend', fx.samples[2], '--as', 'alice', '--set', 'license=MIT']);
    expect(r).toMatchObject({ code: 3 });
    expect(JSON.parse((r as { stderr: string }).stderr)).toMatchObject({
      error: { message: expect.stringMatching(/^amend sample\.bytes: over HTTP/) },
    });
  });

  it("given a validation of a CF the log does not hold, then it exits 3 with the local ledger's words", async () => {
    const r = await cli(validation(MISSING_CF));
    expect(r).toMatchObject({ code: 3 });
    expect(JSON.parse((r as { stderr: string }).stderr)).toMatchObject({ error: { message: describeLedgerError(localRefusal) } });
  });

  it("given cat as the sample's author, then the bytes are the sample's, read through a signed request", async () => {
    const r = await cli(['cat', fx.samples[1], '--as', 'alice']);
    expect(r).toMatchObject({ stdout: expect.any(String) });
    const out = JSON.parse((r as { stdout: string }).stdout) as { cfId: string; base64: string };
    expect(out.cfId).toBe(fx.samples[1]);
    expect(Buffer.from(out.base64, 'base64').toString()).toBe('Water boils at 100 degrees Celsius at sea level.');
  });

  it("given cat as a contributor who neither wrote the sample nor holds the reader role, then it exits 3 with the local read's words", async () => {
    const r = await cli(['cat', fx.samples[1], '--as', 'carol']);
    expect(r).toMatchObject({ code: 3 });
    expect(JSON.parse((r as { stderr: string }).stderr)).toMatchObject({ error: { message: expect.stringMatching(/read-authority/) } });
  });

  it('given roles grant reader to carol by the admin, then cat as carol reads the sample; revoked, it is refused again', async () => {
    const granted = await cli(['roles', 'grant', 'carol', 'reader', '--as', 'curator']);
    expect(granted).toMatchObject({ code: 0 });
    expect(JSON.parse(granted.stdout)).toMatchObject({
      action: 'grant',
      role: 'reader',
      contributor: { name: 'carol', contributorId: fx.carol.contributorId },
      alreadyAppended: false,
    });
    expect(await cli(['cat', fx.samples[1], '--as', 'carol'])).toMatchObject({ code: 0 });
    const revoked = await cli(['roles', 'revoke', fx.carol.contributorId, 'reader', '--as', 'curator', '--note', 'done']);
    expect(revoked).toMatchObject({ code: 0 });
    expect(JSON.parse(revoked.stdout)).toMatchObject({ action: 'revoke', contributor: { contributorId: fx.carol.contributorId } });
    expect(await cli(['cat', fx.samples[1], '--as', 'carol'])).toMatchObject({ code: 3 });
  });

  it('given roles grant signed by a contributor who is no admin, then the server refuses it with exit 3 and nothing is appended', async () => {
    const head = async () => ((await (await fetch(`${base}/v1/status`)).json()) as { head: unknown }).head;
    const before = await head();
    const r = await cli(['roles', 'grant', 'carol', 'curator', '--as', 'alice']);
    expect(r.code).toBe(3);
    expect(await head()).toEqual(before);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { message: expect.stringMatching(/role-authority|admin/) } });
  });

  it('given roles grant naming a contributor by a name the keyring does not hold, then exit 2 asking for a signer or an id', async () => {
    const r = await cli(['roles', 'grant', 'nobody', 'reader', '--as', 'curator']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { message: expect.stringMatching(/^NAME: .*contributor id/) } });
  });

  it('given a JSONL file imported over HTTP in sealed chunks, then every row is on the server; run again, nothing new is appended', async () => {
    const rows = [
      { text: 'Imported over HTTP, one.', license: 'MIT', source: 'http-import' },
      { text: 'Imported over HTTP, two.', license: 'MIT', source: 'http-import' },
      { text: 'Imported over HTTP, three.', license: 'MIT', source: 'http-import' },
      { targets: [1], labelType: 'topic', value: 'numbers' },
    ];
    await writeFile(path.join(dir, 'http-rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const head = async () => ((await (await fetch(`${base}/v1/status`)).json()) as { head: string }).head;
    const first = await cli(['import', 'http-rows.jsonl', '--as', 'alice', '--seal-size', '2']);
    expect(first).toMatchObject({ code: 0 });
    const out = JSON.parse(first.stdout) as { appended: unknown; cfs: { cfId: string; alreadyAppended: boolean }[] };
    expect(out.appended).toEqual({ sample: 3, label: 1, validation: 0 });
    for (const cf of out.cfs) expect((await fetch(`${base}/v1/cfs/${cf.cfId}`)).status).toBe(200);
    const after = await head();
    const again = await cli(['import', 'http-rows.jsonl', '--as', 'alice', '--seal-size', '2']);
    expect(again).toMatchObject({ code: 0 });
    const second = JSON.parse(again.stdout) as typeof out;
    expect(second.appended).toEqual({ sample: 0, label: 0, validation: 0 });
    expect(second.cfs.map((c) => [c.cfId, c.alreadyAppended])).toEqual(out.cfs.map((c) => [c.cfId, true]));
    expect(await head()).toBe(after);
  });

  it('given an import whose label targets a CF the server does not hold, then exit 3 and nothing of that chunk is appended', async () => {
    await writeFile(path.join(dir, 'http-bad.jsonl'), JSON.stringify({ targets: [MISSING_CF], labelType: 'topic', value: 'x' }));
    const before = await (await fetch(`${base}/v1/status`)).json();
    const r = await cli(['import', 'http-bad.jsonl', '--as', 'alice']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { message: expect.stringContaining('nothing of this import was appended') } });
    expect(await (await fetch(`${base}/v1/status`)).json()).toEqual(before);
  });

  type KeyRow = { name: string; contributorId: string; publicKey: string; state: string; roles: string[]; position?: string };
  const standing = async (id: string) => (await fetch(`${base}/v1/contributors/${id}/standing`)).json() as Promise<Record<string, unknown>>;

  it('given keys new, rotate and revoke over HTTP, then the server holds each key change and the secret keys stay in the keyring', async () => {
    const made = JSON.parse((await cli(['keys', 'new', 'erin'])).stdout) as KeyRow;
    expect(made).toMatchObject({ name: 'erin', state: 'active', roles: [] });
    expect(await standing(made.contributorId)).toEqual({
      contributorId: made.contributorId,
      name: 'erin',
      publicKey: made.publicKey,
      roles: [],
    });
    const file = JSON.parse(await readFile(path.join(keys, 'signers', 'erin.json'), 'utf8')) as { secretKey: string; publicKey: string };
    expect(file.publicKey).toBe(made.publicKey);

    const rotated = JSON.parse((await cli(['keys', 'rotate', 'erin'])).stdout) as KeyRow;
    expect(rotated.publicKey).not.toBe(made.publicKey);
    expect(await standing(made.contributorId)).toMatchObject({ publicKey: rotated.publicKey });

    const listed = JSON.parse((await cli(['keys', 'list'])).stdout) as { signers: KeyRow[] };
    expect(listed.signers.map((k) => [k.name, k.state])).toEqual([
      ['alice', 'active'],
      ['carol', 'active'],
      ['curator', 'active'],
      ['erin', 'active'],
    ]);
    // The roles keys list shows are the ones roles list shows for the same contributors.
    const roles = JSON.parse((await cli(['roles', 'list'])).stdout) as { holders: { contributorId: string; roles: string[] }[] };
    const curator = roles.holders.find((h) => h.contributorId === fx.curator.contributorId)!;
    expect(listed.signers.find((k) => k.name === 'curator')!.roles).toEqual(expect.arrayContaining(curator.roles));

    const revoked = JSON.parse((await cli(['keys', 'revoke', 'erin', '--reason', 'compromised'])).stdout) as KeyRow;
    expect(revoked).toMatchObject({ state: 'revoked', publicKey: rotated.publicKey });
    expect(await standing(made.contributorId)).toMatchObject({ publicKey: null });
    const after = JSON.parse((await cli(['keys', 'list'])).stdout) as { signers: KeyRow[] };
    expect(after.signers.find((k) => k.name === 'erin')!.state).toBe('revoked');
    // A revoked key signs nothing new: the server refuses it as the local ledger would (exit 3).
    expect((await cli(['keys', 'rotate', 'erin'])).code).toBe(3);
  });

  it('given a contributor id that is not 64 hex, or not registered, then the standing read is a 4xx problem naming contributorId', async () => {
    const bad = await fetch(`${base}/v1/contributors/not-hex/standing`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'contributorId' });
    const unknown = await fetch(`${base}/v1/contributors/${'e'.repeat(64)}/standing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ field: 'contributorId' });
    const extra = await fetch(`${base}/v1/roles?x=1`);
    expect(extra.status).toBe(400);
    expect(await extra.json()).toMatchObject({ field: expect.stringMatching(/x/) });
  });

  it('given checkpoint over HTTP, then the signer appends the head the server signs; the next one is held to it by a consistency proof', async () => {
    const first = await cli(['checkpoint', '--as', 'carol']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const c1 = JSON.parse(first.stdout) as { eventId: string; position: string; size: number; root: string };
    expect(Object.keys(c1).sort()).toEqual(['eventId', 'position', 'root', 'size']);
    const head = (await (await fetch(`${base}/v1/tree-head`)).json()) as { treeHead: { size: number } };
    // The checkpoint is the event after the head it signed.
    expect(head.treeHead.size).toBe(c1.size + 1);
    const second = JSON.parse((await cli(['checkpoint', '--as', 'carol'])).stdout) as typeof c1;
    expect(second.size).toBe(c1.size + 1);
  });

  it('given a remembered head the server log does not extend, then checkpoint refuses (exit 1) and appends nothing', async () => {
    const folder = path.join(keys, 'server-tree-heads');
    const [file] = await readdir(folder);
    const lines = (await readFile(path.join(folder, file!), 'utf8')).trim().split('\n');
    const last = JSON.parse(lines.at(-1)!) as { treeHead: { root: string } };
    // As if the server had shown this machine another log once: a root its log never had.
    last.treeHead.root = 'a'.repeat(64);
    await writeFile(path.join(folder, file!), `${JSON.stringify(last)}\n`);
    const before = await (await fetch(`${base}/v1/status`)).json();
    const r = await cli(['checkpoint', '--as', 'carol']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not checkpointing/);
    expect(await (await fetch(`${base}/v1/status`)).json()).toEqual(before);
  });
});

describe('a server keeping lineage metadata private answers the CLI reads it signs', () => {
  let privateServer: CairnServer | undefined;
  let privateBase: string;
  /** A keyring with alice only (so she is also the default reader), and one with nobody. */
  let aliceKeys: string;
  let noKeys: string;
  const ask = (args: readonly string[], keys: string) => kept.run(['--store', privateBase, '--json', ...args], { CAIRN_KEYS: keys });
  const WHY = () => ['why', fx.samples[1], '--in', `${DATASET}@1`];

  beforeAll(async () => {
    // A second server over the same open store: the same answers, but only to signed requests.
    const s = await createServer({ cairn: cairn!, metadata: 'private', onError: () => undefined });
    if (E.isLeft(s)) throw new Error(s.left.message);
    privateServer = s.right;
    privateBase = await privateServer.listen(0, '127.0.0.1');
    aliceKeys = path.join(dir, 'alice-keys');
    noKeys = path.join(dir, 'no-keys');
    await mkdir(path.join(aliceKeys, 'signers'), { recursive: true });
    await mkdir(path.join(noKeys, 'signers'), { recursive: true });
    const entry = {
      name: 'alice',
      contributorId: fx.alice.contributorId,
      secretKey: Buffer.from(fx.alice.secretKey).toString('hex'),
      publicKey: publicKeyHexOf(fx.alice.secretKey),
      previousKeys: [],
      revoked: false,
    };
    await writeFile(path.join(aliceKeys, 'signers', 'alice.json'), JSON.stringify(entry), { mode: 0o600 });
  });

  afterAll(async () => {
    await privateServer?.close();
  });

  it('given --as alice, when status and why are asked, then the private server answers what the open one answers', async () => {
    const status = await ask(['--as', 'alice', 'status'], aliceKeys);
    expect(status).toMatchObject({ code: 0 });
    const open = await cliJson(['--store', base, 'status']);
    expect(JSON.parse(status.stdout)).toEqual(open);
    const why = await ask([...WHY(), '--as', 'alice'], aliceKeys);
    expect(why).toMatchObject({ code: 0 });
    expect(JSON.parse(why.stdout)).toEqual(await cliJson(['--store', base, ...WHY()]));
  });

  it('given no --as, when the keyring holds one signer, then reads are signed as that signer', async () => {
    const why = await ask(WHY(), aliceKeys);
    expect(why).toMatchObject({ code: 0 });
    expect(JSON.parse(why.stdout)).toMatchObject({ included: true });
  });

  it('given no signer at all, then status and why exit 2 with one line: metadata is private, pass --as (no stack)', async () => {
    for (const args of [['status'], WHY()]) {
      const r = await kept.run(['--store', privateBase, ...args], { CAIRN_KEYS: noKeys });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^cairn: the server at http:\/\/127\.0\.0\.1:\d+ keeps lineage metadata private: .*--as NAME/);
    }
  });

  it('given --as naming a signer the keyring does not hold, then it exits 4 naming --as', async () => {
    const r = await ask(['--as', 'mallory', 'status'], aliceKeys);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { message: expect.stringMatching(/^--as: no signer named "mallory"/) } });
  });
});

describe('cairn serve', () => {
  it('given a bad port, then it refuses with a usage error naming --port and opens nothing', async () => {
    const failed = await run(process.execPath, [BIN, '--store', dir, 'serve', '--port', '70000']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('--port') });
  });

  it('given the store, when cairn serve starts on port 0, then it prints its URL, answers, and exits cleanly on SIGTERM', async () => {
    // The in-process server above holds the embedded store: let it go first.
    await server?.close();
    await cairn?.close();
    server = undefined;
    cairn = undefined;
    const child = spawn(process.execPath, [BIN, '--store', dir, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const first = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.on('exit', () => reject(new Error(`cairn serve exited before listening: ${out}`)));
    });
    const { url } = JSON.parse(first) as { url: string };
    const status = (await (await fetch(`${url}/v1/status`)).json()) as { head: string; caughtUpTo: string };
    expect(status.caughtUpTo).toBe(status.head);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
