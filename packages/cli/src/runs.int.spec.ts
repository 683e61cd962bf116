// runs list / show / diff, reproduce-check and unlearning on a Postgres store (log and projections
// in one schema, keys and artifacts in a local folder), through the built program's main() in the
// process kept for this file (cli-run.ts cairnHere); the passport is signed by a real bin.js
// process. On the same ledger, one check each that a passport and a contamination report come out
// of a Postgres store:
// their full suites run on the embedded store only, as what they assert is read from the
// projections, whichever store holds them.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from '@jest/globals';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { cairn, cairnJsonHere as cairnJson } from './__tests__/cli-run.js';
import { runsSpecification } from './__tests__/runs-suite.js';

const pgAvailable = await postgresForTests();
const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop();
});

describePostgres(pgAvailable, 'runs on Postgres', () => {
  runsSpecification(
    'a Postgres store',
    {
      env: async (dir: string) => {
        const s = await createTestSchema('cli_runs');
        dropped.push(s.drop);
        return { CAIRN_STORE: s.url, CAIRN_KEYS: `${dir}/local` };
      },
      inProcess: true,
    },
    (given) => {
      it('given run r1, when alice signs its passport, then it names the run and its version, and verifies against the store', async () => {
        const p = given();
        const signed = await cairn(p.dir, p.env, 'passport', 'r1', '--as', 'alice');
        expect(signed.code).toBe(0);
        const envelope = JSON.parse(signed.stdout) as { payload: string };
        const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
          predicate: { run: { runId: string }; dataset: { name: string; versionId: string }; erasedMembers: { cfId: string }[] };
        };
        const shown = await cairnJson<{ versionId: string }>(p.dir, p.env, 'runs', 'show', 'r1');
        expect(statement.predicate.run.runId).toBe('r1');
        expect(statement.predicate.dataset).toMatchObject({ name: 'corpus', versionId: shown.versionId });
        expect(statement.predicate.erasedMembers.map((e) => e.cfId)).toEqual([p.ids.s0]);
        await writeFile(path.join(p.dir, 'passport.json'), signed.stdout);
        const verified = await cairnJson<{ ok: boolean; checks: { check: string; ok: boolean }[] }>(
          p.dir,
          p.env,
          'passport',
          '--verify',
          'passport.json',
        );
        expect(verified.ok).toBe(true);
        expect(verified.checks.filter((c) => c.check.includes('(store)')).map((c) => c.ok)).toEqual([true, true]);
      }, 120_000);

      it('given corpus@1 and corpus@2 sharing five members (s0 erased since), when contamination compares them, then those five are the exact pairs (commitments, no bytes read) and s0 is skipped for the near check', async () => {
        const p = given();
        const r = await cairnJson<{
          pairs: { train: string; eval: string; match: string }[];
          counts: { exactPairs: number };
          skipped: { side: string; cfId: string; reason: string }[];
        }>(p.dir, p.env, 'contamination', 'corpus@1', '--against', 'corpus@2');
        const shared = ['s0', 's1', 's2', 's3', 's4'].map((s) => p.ids[s]).sort();
        expect(r.counts.exactPairs).toBe(5);
        expect(
          r.pairs
            .filter((x) => x.match === 'exact')
            .map((x) => [x.train, x.eval])
            .sort(),
        ).toEqual(shared.map((id) => [id, id]));
        expect(r.skipped).toEqual(expect.arrayContaining([{ side: 'train', cfId: p.ids.s0, reason: 'erased' }]));
      }, 120_000);
    },
  );
});
