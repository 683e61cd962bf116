// The contamination check through the real binary, on any store: a training and an evaluation
// dataset built from imported JSONL, with 2 exact and 2 near duplicates planted between them.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { syntheticTexts, withWordsReplaced } from '@cairn/datasets';
import { jsonFor, runnerFor, type StoreUnderTest } from './cli-suite.js';
import { initStore } from './init-store.js';

interface ImportOut {
  readonly cfs: readonly { readonly item: string; readonly cfId: string }[];
}

interface Report {
  readonly pairs: readonly {
    readonly train: string;
    readonly eval: string;
    readonly match: string;
    readonly similarity: number;
    readonly scheme: string | null;
  }[];
  readonly counts: { readonly exactPairs: number; readonly nearPairs: number; readonly contaminatedTrainMembers: number };
  readonly train: {
    readonly samples: number;
    readonly hmacSamples: number;
    readonly textsCompared: number;
    readonly skipped: Record<string, number>;
  };
  readonly eval: { readonly samples: number; readonly textsCompared: number; readonly skipped: Record<string, number> };
  readonly method: { readonly threshold: number; readonly pairsCompared: number; readonly pairsPossible: number };
  readonly skipped: readonly { readonly side: string; readonly cfId: string; readonly reason: string }[];
}

interface Fixture {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly train: string[];
  readonly evaluation: string[];
  readonly erased: string;
  readonly binary: string;
}

const TRAIN_TEXTS = 14;
const EVAL_TEXTS = 12;

const sampleRow = (text: string, source: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ text, license: 'MIT', source, ...extra });

/**
 * Given a founder (the first registered contributor, who defines the manifests and builds the
 * datasets), alice importing the training texts and bob the evaluation texts: eval rows 0 and 1
 * are copies of train rows 0 and 1, eval rows 2 and 3 are train rows 2 and 3 with two words
 * edited near the end; the training set also holds a personal-data text, a binary sample and a
 * sample erased after the build. Everything else is unrelated.
 */
async function givenTrainAndEval(store: StoreUnderTest): Promise<Fixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-contam-'));
  const env = await store.env(dir);
  const cairnJson = jsonFor(store);
  await initStore(dir, env, cairnJson);
  for (const who of ['founder', 'alice', 'bob']) await cairnJson(dir, env, 'keys', 'new', who);

  const texts = syntheticTexts(TRAIN_TEXTS + EVAL_TEXTS, { seed: 2026, minWords: 120, maxWords: 180 });
  const trainTexts = texts.slice(0, TRAIN_TEXTS);
  const evalTexts = texts.slice(TRAIN_TEXTS);
  const edit = (t: string) => withWordsReplaced(t, [t.split(' ').length - 3, t.split(' ').length - 7]);
  evalTexts[0] = trainTexts[0]!;
  evalTexts[1] = trainTexts[1]!;
  evalTexts[2] = edit(trainTexts[2]!);
  evalTexts[3] = edit(trainTexts[3]!);

  const trainRows = [
    ...trainTexts.slice(0, TRAIN_TEXTS - 2).map((t) => sampleRow(t, 'train')),
    sampleRow(trainTexts[TRAIN_TEXTS - 2]!, 'train', { personalData: true }),
    sampleRow(trainTexts[TRAIN_TEXTS - 1]!, 'train'), // erased below
    JSON.stringify({
      base64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]).toString('base64'),
      mediaType: 'image/png',
      license: 'MIT',
      source: 'train',
    }),
  ];
  await writeFile(path.join(dir, 'train.jsonl'), `${trainRows.join('\n')}\n`);
  await writeFile(path.join(dir, 'eval.jsonl'), `${evalTexts.map((t) => sampleRow(t, 'eval')).join('\n')}\n`);
  const train = (await cairnJson<ImportOut>(dir, env, 'import', 'train.jsonl', '--as', 'alice')).cfs.map((c) => c.cfId);
  const evaluation = (await cairnJson<ImportOut>(dir, env, 'import', 'eval.jsonl', '--as', 'bob')).cfs.map((c) => c.cfId);
  expect(train).toHaveLength(TRAIN_TEXTS + 1);
  expect(evaluation).toHaveLength(EVAL_TEXTS);

  for (const name of ['train', 'eval']) {
    const manifest = {
      candidates: { kinds: ['sample'], sources: [name], assets: 'any' },
      minApprovals: { count: 0, scope: 'sample' },
      licensePolicy: { allowed: ['MIT'] },
    };
    await writeFile(path.join(dir, `${name}-manifest.json`), JSON.stringify(manifest));
    const { manifestId } = await cairnJson<{ manifestId: string }>(
      dir,
      env,
      'manifest',
      'define',
      `${name}-manifest.json`,
      '--as',
      'founder',
    );
    await cairnJson(dir, env, 'dataset', 'define', name, '--as', 'founder');
    const built = await cairnJson<{ version: { memberCount: number } | null }>(
      dir,
      env,
      'dataset',
      'build',
      name,
      '--manifest',
      manifestId,
      '--as',
      'founder',
    );
    expect(built.version?.memberCount).toBe(name === 'train' ? TRAIN_TEXTS + 1 : EVAL_TEXTS);
  }
  const erased = train[TRAIN_TEXTS - 1]!;
  await cairnJson(dir, env, 'erase', erased, '--as', 'alice', '--reason', 'subject access request');
  return { dir, env, train, evaluation, erased, binary: train[TRAIN_TEXTS]! };
}

export function contaminationSpecification(name: string, store: StoreUnderTest): void {
  describe(`cairn contamination on ${name}`, () => {
    let f: Fixture;
    const cairnJson = jsonFor(store);
    const cairn = runnerFor(store);
    beforeAll(async () => {
      f = await givenTrainAndEval(store);
    }, 600_000);

    it('given 2 exact and 2 near copies planted among unrelated texts, when checked, then exactly those 4 pairs are reported', async () => {
      const r = await cairnJson<Report>(f.dir, f.env, 'contamination', 'train@1', '--against', 'eval@1');
      // Exact pairs come first in training-member (id) order; near ones by similarity, so compare those as a set.
      const byTrain = (a: readonly (string | undefined)[], b: readonly (string | undefined)[]) => (a[1]! < b[1]! ? -1 : 1);
      const got = r.pairs.map((p) => [p.match, p.train, p.eval]);
      expect([...got.slice(0, 2), ...got.slice(2).sort(byTrain)]).toEqual([
        ...[
          ['exact', f.train[0], f.evaluation[0]],
          ['exact', f.train[1], f.evaluation[1]],
        ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
        ...[
          ['near', f.train[2], f.evaluation[2]],
          ['near', f.train[3], f.evaluation[3]],
        ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
      ]);
      for (const p of r.pairs.filter((x) => x.match === 'exact')) expect(p).toMatchObject({ similarity: 1, scheme: 'sha256' });
      for (const p of r.pairs.filter((x) => x.match === 'near')) {
        expect(p.similarity).toBeGreaterThanOrEqual(0.8);
        expect(p.similarity).toBeLessThanOrEqual(1);
      }
      expect(r.pairs[2]!.similarity).toBeGreaterThanOrEqual(r.pairs[3]!.similarity);
      expect(r.counts).toEqual({ exactPairs: 2, nearPairs: 2, contaminatedTrainMembers: 4, contaminatedEvalMembers: 4 });
      expect(r.method.threshold).toBe(0.8);
      expect(r.method.pairsPossible).toBe((TRAIN_TEXTS - 1) * EVAL_TEXTS);
      expect(r.method.pairsCompared).toBeLessThan(r.method.pairsPossible);
    }, 300_000);

    it('given an erased, a binary and a personal-data sample in the training version, then the first two are skipped and counted, the third compared', async () => {
      const r = await cairnJson<Report>(f.dir, f.env, 'contamination', 'train@1', '--against', 'eval@1');
      expect(r.train).toMatchObject({
        samples: TRAIN_TEXTS + 1,
        hmacSamples: 1,
        textsCompared: TRAIN_TEXTS - 1,
        skipped: { erased: 1, unreadable: 0, 'not-text': 1, 'no-words': 0 },
      });
      expect(r.eval).toMatchObject({
        samples: EVAL_TEXTS,
        textsCompared: EVAL_TEXTS,
        skipped: { erased: 0, unreadable: 0, 'not-text': 0, 'no-words': 0 },
      });
      expect(r.skipped).toEqual(
        [
          { side: 'train', cfId: f.erased, reason: 'erased' },
          { side: 'train', cfId: f.binary, reason: 'not-text' },
        ].sort((a, b) => (a.cfId < b.cfId ? -1 : 1)),
      );
    }, 300_000);

    it('given the text output, then it names both versions, the counts, and each pair with its similarity', async () => {
      const r = await cairn(f.dir, f.env, 'contamination', 'train@1', '--against', 'eval@1', '--threshold', '0.8');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^contamination of train@1 by eval@1: 2 exact, 2 near pair\(s\); 4 training member\(s\) affected$/m);
      expect(r.stdout).toContain('skipped: 1 erased, 0 unreadable, 1 not text, 0 without words');
      expect(r.stdout).toMatch(new RegExp(`^exact\\s+1\\.000\\s+${f.train[0]}\\s+${f.evaluation[0]}$`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^near\\s+0\\.\\d{3}\\s+${f.train[2]}\\s+${f.evaluation[2]}$`, 'm'));
    }, 300_000);

    it('given a version checked against itself, then it is a usage error naming --against, and nothing is appended', async () => {
      const before = await cairnJson<{ events: number }>(f.dir, f.env, 'status');
      const r = await cairn(f.dir, f.env, 'contamination', 'train@latest', '--against', 'train@latest');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^cairn: --against: .* is the training version itself/);
      const j = await cairn(f.dir, f.env, '--json', 'contamination', 'train@1', '--against', 'train@1');
      expect(j.code).toBe(2);
      expect(JSON.parse(j.stderr)).toMatchObject({ error: { exitCode: 2, message: expect.stringContaining('--against') } });
      expect((await cairnJson<{ events: number }>(f.dir, f.env, 'status')).events).toBe(before.events);
    }, 300_000);

    it('given an unknown version or dataset, then it exits 4 naming it; a bad threshold exits 2', async () => {
      const v = await cairn(f.dir, f.env, 'contamination', 'train@9', '--against', 'eval@1');
      expect(v.code).toBe(4);
      expect(v.stderr).toContain('train@9');
      const d = await cairn(f.dir, f.env, 'contamination', 'train@1', '--against', 'nosuch@1');
      expect(d.code).toBe(4);
      expect(d.stderr).toContain('nosuch');
      for (const bad of ['0', '1.5', 'high']) {
        const t = await cairn(f.dir, f.env, 'contamination', 'train@1', '--against', 'eval@1', '--threshold', bad);
        expect(t.code).toBe(2);
        expect(t.stderr).toContain('--threshold');
      }
    }, 300_000);
  });
}
