// Erasure through the real binary, on any store (issue 15, "erasure stops at the blob store"):
// given two imported samples and c@1 holding both, a training run on c@1, when one sample is
// erased, then c@2 is cut without it, `why` says erased, old exports, cards and attestations name
// the erasure instead of an unreadable blob address, `impact` names the run and `verify` is OK.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { jsonFor, runnerFor, type StoreUnderTest } from './cli-suite.js';
import { initStore } from './init-store.js';

interface Erased {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** The erased sample and the one that stays. */
  readonly gone: string;
  readonly kept: string;
  readonly erasure: { readonly id: string; readonly position: string };
  readonly v1: string;
}

const MODEL = 'a'.repeat(64);

async function givenErasedSample(store: StoreUnderTest): Promise<Erased> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-erase-'));
  const env = await store.env(dir);
  const cairnJson = jsonFor(store);
  await initStore(dir, env, cairnJson);
  await cairnJson(dir, env, 'keys', 'new', 'alice');
  await cairnJson(dir, env, 'keys', 'new', 'bob');
  // bob curates: the founder (alice, registered first) grants the role manifests and builds need
  await cairnJson(dir, env, 'roles', 'grant', 'bob', 'curator', '--as', 'alice');
  const rows = [
    { kind: 'sample', text: 'my name and address, which I want gone', source: 'forum' },
    { kind: 'sample', text: 'a sentence nobody asked to erase', source: 'forum' },
  ];
  await writeFile(path.join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  const imported = await cairnJson<{ cfs: { cfId: string }[] }>(dir, env, 'import', 'rows.jsonl', '--as', 'alice', '--license', 'MIT');
  const [gone, kept] = imported.cfs.map((c) => c.cfId) as [string, string];
  await writeFile(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0, scope: 'sample' } }),
  );
  const { manifestId } = await cairnJson<{ manifestId: string }>(dir, env, 'manifest', 'define', 'manifest.json', '--as', 'bob');
  await cairnJson(dir, env, 'dataset', 'define', 'c', '--as', 'bob');
  const { version: built } = await cairnJson<{ version: { versionId: string; memberCount: number } }>(
    dir,
    env,
    'dataset',
    'build',
    'c',
    '--manifest',
    manifestId,
    '--as',
    'bob',
  );
  expect(built.memberCount).toBe(2);
  await cairnJson(dir, env, 'record-run', '--dataset', 'c@1', '--code', 'git:abc', '--model-hash', MODEL, '--as', 'bob', '--run-id', 'r1');
  const erasure = await cairnJson<{ id: string; position: string }>(
    dir,
    env,
    'erase',
    gone,
    '--as',
    'alice',
    '--reason',
    'data subject request',
  );
  return { dir, env, gone, kept, erasure, v1: built.versionId };
}

interface JsonlRow {
  cfId: string;
  blob: { address: string } | null;
  erased: { event: string; position: string; reason: string } | null;
}

const jsonlOf = (stdout: string): JsonlRow[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonlRow);

export function erasureSpecification(name: string, store: StoreUnderTest): void {
  const cairnJson = jsonFor(store);
  const cairn = runnerFor(store);
  describe(`cairn erase on ${name}`, () => {
    let l: Erased;
    beforeAll(async () => {
      l = await givenErasedSample(store);
    }, 300_000);

    it('when a member is erased, then dataset versions lists c@2 without it, cut by the erasure, and c@1 unchanged', async () => {
      const versions = await cairnJson<{
        current: string;
        versions: { ordinal: number; versionId: string; memberCount: number; builds: { cause: string; causeEventId: string }[] }[];
      }>(l.dir, l.env, 'dataset', 'versions', 'c');
      expect(versions.versions.map((v) => [v.ordinal, v.memberCount])).toEqual([
        [1, 2],
        [2, 1],
      ]);
      expect(versions.versions[0]!.versionId).toBe(l.v1);
      expect(versions.versions[1]!.builds[0]).toMatchObject({ cause: 'erased', causeEventId: l.erasure.id });
      expect(versions.current).toBe(versions.versions[1]!.versionId);
    }, 120_000);

    it('then why in c@latest answers rule erased with the erasure event, and why in c@1 says included but erased since P', async () => {
      const latest = await cairnJson<{ included: boolean; rule: string; evidence: { erasedBy: { eventId: string; position: string } } }>(
        l.dir,
        l.env,
        'why',
        l.gone,
        '--in',
        'c@latest',
      );
      expect(latest).toMatchObject({
        included: false,
        rule: 'erased',
        evidence: { erasedBy: { eventId: l.erasure.id, position: l.erasure.position } },
      });
      const old = await cairnJson<{ included: boolean; erased: { eventId: string; position: string } }>(
        l.dir,
        l.env,
        'why',
        l.gone,
        '--in',
        'c@1',
      );
      expect(old).toMatchObject({ included: true, erased: { eventId: l.erasure.id, position: l.erasure.position } });
      const text = await cairn(l.dir, l.env, 'why', l.gone, '--in', 'c@1');
      expect(text.stdout).toContain(`erased since position ${l.erasure.position}`);
      const kept = await cairnJson<{ included: boolean; erased: unknown }>(l.dir, l.env, 'why', l.kept, '--in', 'c@latest');
      expect(kept).toMatchObject({ included: true, erased: null });
    }, 120_000);

    it('then export c@latest holds only the kept sample, and export c@1 names the erasure with no blob address', async () => {
      const latest = jsonlOf((await cairn(l.dir, l.env, 'export', 'c@latest', '--format', 'jsonl')).stdout);
      expect(latest.map((r) => r.cfId)).toEqual([l.kept]);
      const old = jsonlOf((await cairn(l.dir, l.env, 'export', 'c@1', '--format', 'jsonl')).stdout);
      const gone = old.find((r) => r.cfId === l.gone)!;
      expect(gone).toMatchObject({
        blob: null,
        erased: { event: l.erasure.id, position: l.erasure.position, reason: 'data subject request' },
      });
      expect(old.find((r) => r.cfId === l.kept)).toMatchObject({ blob: { address: l.kept }, erased: null });
      const croissant = JSON.parse((await cairn(l.dir, l.env, 'export', 'c@1', '--format', 'croissant')).stdout) as {
        distribution: { '@id': string }[];
        'rai:dataCollectionMissingData': string;
      };
      expect(croissant.distribution.map((d) => d['@id'])).toEqual(['members.jsonl', l.kept]);
      expect(croissant['rai:dataCollectionMissingData']).toContain(
        `${l.gone} (erased by ${l.erasure.id} at position ${l.erasure.position})`,
      );
      const ol = (await cairn(l.dir, l.env, 'export', 'c@1', '--format', 'openlineage')).stdout
        .trim()
        .split('\n')
        .map((x) => JSON.parse(x) as { dataset?: { facets: Record<string, { erased?: { cfId: string; event: string }[] }> } });
      expect(ol[0]!.dataset!.facets.cairn_erasures!.erased).toEqual([expect.objectContaining({ cfId: l.gone, event: l.erasure.id })]);
    }, 120_000);

    it('then the card and the attestation of c@1 name the erased member, and the attestation still verifies', async () => {
      const card = await cairn(l.dir, l.env, 'card', 'c@1');
      expect(card.code).toBe(0);
      expect(card.stdout).toContain('## Erased members');
      expect(card.stdout).toContain(`| \`${l.gone}\` | \`${l.erasure.id}\` | ${l.erasure.position} | data subject request |`);
      const file = path.join(l.dir, 'attestation.json');
      await cairnJson(l.dir, l.env, 'attest', 'c@1', '--as', 'bob', '--out', file);
      const envelope = JSON.parse(await readFile(file, 'utf8')) as { payload: string };
      const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { predicate: { erasedMembers: unknown[] } };
      expect(statement.predicate.erasedMembers).toEqual([{ cfId: l.gone, eventId: l.erasure.id, position: l.erasure.position }]);
      expect((await cairnJson<{ ok: boolean }>(l.dir, {}, 'attest', '--verify', file)).ok).toBe(true);
    }, 120_000);

    it('then impact names the run and model trained on c@1, and diff c@1 c@2 shows the removal with cause erased', async () => {
      const i = await cairnJson<{ runs: { runId: string; versionId: string }[]; models: string[]; erased: { eventId: string } }>(
        l.dir,
        l.env,
        'impact',
        l.gone,
      );
      expect(i.runs.map((r) => [r.runId, r.versionId])).toEqual([['r1', l.v1]]);
      expect(i.models).toEqual([MODEL]);
      expect(i.erased).toMatchObject({ eventId: l.erasure.id });
      const d = await cairnJson<{
        counts: { removed: number };
        removed: { cfId: string; cause: { kind: string; event: { eventId: string } } }[];
      }>(l.dir, l.env, 'diff', 'c@1', 'c@2');
      expect(d.counts.removed).toBe(1);
      expect(d.removed[0]).toMatchObject({ cfId: l.gone, cause: { kind: 'erased', event: { eventId: l.erasure.id } } });
    }, 120_000);

    it('when the erased sample is erased again (another reason), or an unknown CF is erased, then each is refused with exit 3 naming the rule, and nothing is appended', async () => {
      const before = await cairnJson<{ events: number }>(l.dir, l.env, 'status');
      const again = await cairn(l.dir, l.env, 'erase', l.gone, '--as', 'alice', '--reason', 'asked twice');
      expect(again.code).toBe(3);
      expect(again.stderr.trim().split('\n')).toHaveLength(1);
      expect(again.stderr).toMatch(
        new RegExp(
          `^cairn: \\[erasure-once\\] SampleErased\\.payload\\.sample: sample ${l.gone} is already erased \\(by ${l.erasure.id}\\)`,
        ),
      );
      const unknown = await cairn(l.dir, l.env, 'erase', 'e'.repeat(64), '--as', 'alice');
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toMatch(/^cairn: \[reference-exists\] SampleErased\.payload\.sample: /);
      expect((await cairnJson<{ events: number }>(l.dir, l.env, 'status')).events).toBe(before.events);
    }, 180_000);

    it('then verify stays OK', async () => {
      const v = await cairnJson<{ ok: boolean }>(l.dir, l.env, 'verify');
      expect(v.ok).toBe(true);
    }, 120_000);
  });
}
