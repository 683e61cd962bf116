// The second half of the command line, through the real binary on every store: import, replay,
// record-run / record-gradients, attribute / credit, licenses, card, export, attest, report. One
// ledger is prepared per store (by import) and every specification reads it.
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { jsonFor, runnerFor, type StoreUnderTest } from './cli-suite.js';
import { croissantProblems } from '@cairn/datasets';
import { initStore } from './init-store.js';

/** A 2-D little-endian float32 .npy (NumPy format 1.0), rows of deterministic values. */
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

interface Prepared {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly samples: readonly string[];
  readonly import: { appended: { sample: number; label: number; validation: number }; skipped: { item: string; reason: string }[] };
}

async function prepare(store: StoreUnderTest): Promise<Prepared> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-cli-publish-'));
  const env = await store.env(dir);
  const cairnJson = jsonFor(store);
  await initStore(dir, env, cairnJson);
  await cairnJson(dir, env, 'keys', 'new', 'alice');
  await cairnJson(dir, env, 'keys', 'new', 'bob');
  // alice registered first: she founded the ledger and is its admin; bob curates.
  await cairnJson(dir, env, 'roles', 'grant', 'bob', 'curator', '--as', 'alice');
  const rows = [
    ...Array.from({ length: 6 }, (_, i) => ({
      id: `s${i}`,
      text: `sample ${i}`,
      source: `src${i % 2}`,
      ...(i === 5 ? { license: 'CC-BY-SA-4.0' } : {}),
    })),
    { text: 'sample 0', source: 'src0' },
    { text: 'bad', license: 'not a license!' },
    ...Array.from({ length: 6 }, (_, i) => ({ targets: [`s${i}`], labelType: 'class', value: i % 2 })),
    // alice's own approval does not count toward minApprovals (the manifest asks for none); it is counted by card and report
    { targets: [1, 2, 3, 4, 5, 6], verdict: 'approve', rationale: 'reviewed' },
  ];
  await writeFile(path.join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  const imported = await cairnJson<Prepared['import'] & { cfs: { kind: string; cfId: string }[] }>(
    dir,
    env,
    'import',
    'rows.jsonl',
    '--as',
    'alice',
    '--license',
    'MIT',
    '--skip-invalid',
  );
  await writeFile(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ licensePolicy: { allowed: ['MIT', 'CC-BY-SA-4.0'] }, minApprovals: { count: 0 } }),
  );
  const { manifestId } = await cairnJson<{ manifestId: string }>(dir, env, 'manifest', 'define', 'manifest.json', '--as', 'bob');
  await cairnJson(dir, env, 'dataset', 'define', 'corpus', '--as', 'bob');
  await cairnJson(dir, env, 'dataset', 'build', 'corpus', '--manifest', manifestId, '--as', 'bob');
  return { dir, env, samples: imported.cfs.filter((c) => c.kind === 'sample').map((c) => c.cfId), import: imported };
}

export function cliPublishSpecification(name: string, store: StoreUnderTest): void {
  const cairnJson = jsonFor(store);
  const cairn = runnerFor(store);
  describe(`cairn import … report on ${name}`, () => {
    let p: Prepared;
    beforeAll(async () => {
      p = await prepare(store);
    }, 180_000);

    it('given a JSONL of samples, labels and a validation, when imported, then rows land in order and each skip says why', async () => {
      expect(p.import.appended).toEqual({ sample: 6, label: 6, validation: 1 });
      expect(p.import.skipped).toEqual([
        { item: 'line 8', field: 'license', reason: 'license: "not a license!" is not an SPDX expression' },
        { item: 'line 7', reason: 'duplicate of line 1' },
      ]);
      const files = path.join(p.dir, 'files');
      await mkdir(files);
      await writeFile(path.join(files, 'a.txt'), 'a file');
      await writeFile(path.join(files, 'empty.txt'), '');
      const first = await cairnJson<Prepared['import']>(
        p.dir,
        p.env,
        'import',
        'files',
        '--as',
        'alice',
        '--license',
        'MIT',
        '--source',
        'files',
      );
      expect(first.appended.sample).toBe(1);
      expect(first.skipped).toEqual([{ item: 'empty.txt', reason: 'empty file' }]);
      const again = await cairnJson<Prepared['import']>(
        p.dir,
        p.env,
        'import',
        'files',
        '--as',
        'alice',
        '--license',
        'MIT',
        '--source',
        'files',
      );
      expect(again.appended.sample).toBe(0);
      expect(again.skipped.map((s) => s.reason)).toEqual(['empty file', expect.stringContaining('duplicate: already in the log')]);
    }, 60_000);

    it('when a run and its gradients are recorded, then credit splits the run by contributor and source, attribute traces top CFs, and impact reaches the model', async () => {
      const write = (file: string, bytes: Uint8Array) => writeFile(path.join(p.dir, file), bytes);
      await write('train.npy', npy(6, 16, 1));
      await write('query.npy', npy(6, 16, 2));
      await writeFile(path.join(p.dir, 'params.json'), JSON.stringify({ attribution: { projectedDim: 8, labelType: 'class', knnK: 3 } }));
      const run = await cairnJson<{ runId: string }>(
        p.dir,
        p.env,
        'record-run',
        '--dataset',
        'corpus@1',
        '--code',
        'abc123',
        '--seed',
        '7',
        '--params',
        'params.json',
        '--model-hash',
        'f'.repeat(64),
        '--as',
        'bob',
        '--run-id',
        'r1',
      );
      expect(run.runId).toBe('r1');
      await cairnJson(
        p.dir,
        p.env,
        'record-gradients',
        'r1',
        '--split',
        'train',
        '--file',
        'train.npy',
        '--rows-from',
        'corpus@1',
        '--as',
        'bob',
      );
      const q = await cairnJson<{ artifact: { contentHash: string; rows: number } }>(
        p.dir,
        p.env,
        'record-gradients',
        'r1',
        '--split',
        'query',
        '--file',
        'query.npy',
        '--rows-from',
        'corpus@1',
        '--as',
        'bob',
      );
      expect(q.artifact.rows).toBe(6);
      const artifacts = p.env.CAIRN_KEYS ?? path.join(p.dir, '.cairn');
      expect((await readFile(path.join(artifacts, 'artifacts', `${q.artifact.contentHash}.npy`))).length).toBeGreaterThan(0);

      const credit = await cairnJson<{ contributors: { key: string; share: number }[]; sources: { key: string; share: number }[] }>(
        p.dir,
        p.env,
        'credit',
        'corpus@1',
        '--run',
        'r1',
      );
      expect(credit.contributors).toHaveLength(1);
      expect(credit.contributors[0]!.share).toBeCloseTo(1, 12);
      expect(credit.sources.map((s) => s.key).sort()).toEqual(['src0', 'src1']);
      expect(credit.sources.reduce((t, s) => t + s.share, 0)).toBeCloseTo(1, 12);

      const a = await cairnJson<{ queries: { top: { rank: number; cfId: string; license: string; source: string }[] }[] }>(
        p.dir,
        p.env,
        'attribute',
        'r1',
        '--queries',
        'query.npy',
        '--top',
        '2',
      );
      expect(a.queries).toHaveLength(6);
      expect(a.queries[0]!.top.map((t) => t.rank)).toEqual([1, 2]);
      expect(p.samples).toContain(a.queries[0]!.top[0]!.cfId);
      expect(['MIT', 'CC-BY-SA-4.0']).toContain(a.queries[0]!.top[0]!.license);

      const impact = await cairnJson<{ runs: { runId: string }[]; models: unknown[] }>(p.dir, p.env, 'impact', p.samples[0]!);
      expect(impact.runs.map((r) => r.runId)).toEqual(['r1']);
      expect(impact.models).toHaveLength(1);
      const wrongRows = await cairn(
        p.dir,
        p.env,
        'record-gradients',
        'r1',
        '--split',
        'query',
        '--file',
        'query.npy',
        '--rows',
        'params.json',
        '--as',
        'bob',
      );
      expect(wrongRows.code).toBe(2);
    }, 120_000);

    it('when licenses and card are asked, then the share-alike obligation and the diff to the previous version are named', async () => {
      const l = await cairnJson<{ licenses: string[]; obligations: { shareAlike: string[]; attribution: unknown[] } }>(
        p.dir,
        p.env,
        'licenses',
        'corpus@1',
      );
      expect(l.licenses).toEqual(['CC-BY-SA-4.0', 'MIT']);
      expect(l.obligations.shareAlike).toEqual(['CC-BY-SA-4.0']);
      await cairnJson(p.dir, p.env, 'deprecate', p.samples[1]!, '--as', 'alice', '--reason', 'takedown');
      const card = await cairn(p.dir, p.env, 'card', 'corpus@2');
      expect(card.code).toBe(0);
      for (const text of [
        '# corpus@2',
        'Merkle root',
        '| src0 |',
        'CC-BY-SA-4.0',
        '1 validations by 1 validators',
        'From corpus@1',
        `removed \`${p.samples[1]!.slice(0, 16)}`,
      ])
        expect(card.stdout).toContain(text);
      const report = await cairnJson<{ sources: { source: string }[]; optOuts: { deprecations: { reason: string; cfs: number }[] } }>(
        p.dir,
        p.env,
        'report',
        'eu-ai-act',
        'corpus@2',
      );
      // the folder's sample joined at the re-assembly the deprecation caused (the manifest needs no approvals)
      expect(report.sources.map((s) => s.source)).toEqual(['files', 'src0', 'src1']);
      expect(report.optOuts.deprecations).toEqual([{ reason: 'takedown', cfs: 1 }]);
    }, 90_000);

    it('when a version is exported, then JSONL lists members with commitments, OpenLineage carries the version facet and Croissant the sha256 checksums', async () => {
      const jsonl = (await cairn(p.dir, p.env, 'export', 'corpus@1', '--format', 'jsonl')).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { cfId: string; commitment: { scheme: string; value: string }; blob: { address: string } });
      expect(jsonl.map((m) => m.cfId)).toEqual([...p.samples].sort());
      expect(jsonl[0]!.commitment.scheme).toBe('sha256');
      expect(jsonl[0]!.blob.address).toBe(jsonl[0]!.cfId);
      const ol = (await cairn(p.dir, p.env, 'export', 'corpus@1', '--format', 'openlineage')).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { schemaURL: string; dataset?: { facets: { version: { datasetVersion: string } } } });
      expect(ol.map((e) => e.schemaURL.split('#/$defs/')[1])).toEqual(['DatasetEvent', 'RunEvent']);
      const versionId = ol[0]!.dataset!.facets.version.datasetVersion;
      const croissant = JSON.parse((await cairn(p.dir, p.env, 'export', 'corpus@1', '--format', 'croissant')).stdout) as {
        version: string;
        distribution: { '@id': string; sha256?: string }[];
      };
      expect(croissant.version).toBe(versionId);
      expect(croissantProblems(croissant)).toEqual([]);
      const byId = new Map(croissant.distribution.map((d) => [d['@id'], d.sha256]));
      for (const m of jsonl) expect(byId.get(m.cfId)).toBe(m.commitment.value);
      expect((await cairn(p.dir, p.env, 'export', 'corpus@1', '--format', 'parquet')).code).toBe(2);
    }, 60_000);

    it('when a version is attested, then the DSSE envelope verifies offline, and an edited statement does not (exit 1)', async () => {
      const file = path.join(p.dir, 'attestation.json');
      await cairnJson(p.dir, p.env, 'attest', 'corpus@1', '--as', 'bob', '--out', file);
      const ok = await cairnJson<{ ok: boolean }>(p.dir, {}, 'attest', '--verify', file);
      expect(ok.ok).toBe(true);
      const envelope = JSON.parse(await readFile(file, 'utf8')) as { payload: string };
      const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
        _type: string;
        predicate: { memberCount: number };
      };
      expect(statement._type).toBe('https://in-toto.io/Statement/v1');
      statement.predicate.memberCount += 1;
      await writeFile(file, JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }));
      const bad = await cairn(p.dir, {}, 'attest', '--verify', file);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('FAIL the Ed25519 signature');
    }, 60_000);

    it('when replayed, then every projection comes back, and a --to replay goes to its own schema', async () => {
      const before = await cairn(p.dir, p.env, 'export', 'corpus@1', '--format', 'jsonl');
      const r = await cairnJson<{ projections: { name: string; events: number }[] }>(p.dir, p.env, 'replay');
      expect(r.projections.map((x) => x.name)).toEqual(['lineage', 'datasets', 'attribution']);
      expect((await cairn(p.dir, p.env, 'export', 'corpus@1', '--format', 'jsonl')).stdout).toBe(before.stdout);
      const past = await cairnJson<{ schema: string; projections: { to: string }[] }>(p.dir, p.env, 'replay', 'datasets', '--to', '5');
      expect(past).toMatchObject({ schema: 'replay_5', projections: [{ to: '5' }] });
      expect((await cairn(p.dir, p.env, 'replay', 'nope')).code).toBe(4);
    }, 120_000);
  });
}
