// The reads that name a version, answered at the latest: at one head the server resolves each
// version reference once (Cairn.latestAt), however many requests name it. Counted by the
// statements that read a dataset's builds (what resolving NAME@V costs), with no catch-up between
// the requests (the follower's interval is longer than the spec), so the head stays put.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { StatementLog } from '@cairn/testing';
import { createServer, type CairnServer } from './index.js';
import { DATASET, openStore, registration, seed, type Fixture } from './__tests__/fixture.js';

let dir: string;
let cairn: Cairn;
let server: CairnServer;
let base: string;
let fx: Fixture;
/** The statements sent to the projections. */
const statements = new StatementLog();
const buildsReads = () => statements.count(/from "datasets_builds" where "dataset"/);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-latest-'));
  cairn = await openStore(dir);
  fx = await seed(cairn);
  const s = await createServer({ cairn, catchUpIntervalMs: 3_600_000, onError: () => undefined });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = await server.listen(0, '127.0.0.1');
  // Every statement the reads send passes the store's one executor.
  statements.tap(cairn.store.db);
}, 300_000);

afterAll(async () => {
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The same URL asked twice at one head: both answers, and the builds reads the two cost. */
async function twice(url: string): Promise<{ readonly first: unknown; readonly second: unknown; readonly reads: number }> {
  statements.clear();
  const answers = [];
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${base}${url}`);
    expect(res.status).toBe(200);
    answers.push(await res.json());
  }
  return { first: answers[0], second: answers[1], reads: buildsReads() };
}

// Each case names its versions with spellings no other case uses: a reference resolved by an
// earlier case at this head would cost nothing here.
describe('reads at the latest: a version reference resolved once per head', () => {
  it('given two diffs of the same versions at one head, then each version is resolved once', async () => {
    const { first, second, reads } = await twice(`/v1/diff?from=${DATASET}@1&to=${DATASET}`);
    expect(first).toMatchObject({ from: { ordinal: 1 }, to: { ordinal: 3 } });
    expect(second).toEqual(first);
    expect(reads).toBe(2);
  });

  it('given two shows of one version at one head, then it is resolved once', async () => {
    const { first, second, reads } = await twice(`/v1/versions/${DATASET}@latest?limit=1`);
    expect(first).toMatchObject({ dataset: DATASET, ordinal: 3 });
    expect(second).toEqual(first);
    expect(reads).toBe(1);
  });

  it('given two inclusion proofs in one version at one head, then it is resolved once', async () => {
    const { first, second, reads } = await twice(`/v1/cfs/${fx.samples[1]}/proof?in=${DATASET}@3`);
    expect(first).toMatchObject({ cairnInclusionProof: 1, cfId: fx.samples[1], manifestId: fx.manifestId });
    expect(second).toEqual(first);
    expect(reads).toBe(1);
  });

  it('given two licence reports of one version at one head, then it is resolved once', async () => {
    const { first, second, reads } = await twice(`/v1/versions/${DATASET}@2/licenses`);
    expect(first).toMatchObject({ ref: { ordinal: 2 } });
    expect(second).toEqual(first);
    expect(reads).toBe(1);
  });

  it('given a diff pinned to a position, then it is resolved as of that position each time (no memory across moments)', async () => {
    const head = BigInt(((await (await fetch(`${base}/v1/status`)).json()) as { head: string }).head);
    statements.clear();
    // Two different URLs (asOf differs), each pinned: neither is the latest's remembered answer.
    for (const at of [head, head - 1n])
      expect((await fetch(`${base}/v1/diff?from=${DATASET}@1&to=${DATASET}@2&asOf=${at}`)).status).toBe(200);
    expect(buildsReads()).toBe(4);
  });
});

// Last in this file: it moves the head.
describe('a diff at the latest, kept at its head', () => {
  const url = `/v1/diff?from=${DATASET}@2&to=${DATASET}@3`;
  const ask = async () => {
    const res = await fetch(`${base}${url}`);
    expect(res.status).toBe(200);
    return { etag: res.headers.get('etag'), head: res.headers.get('cairn-head-position'), body: await res.text() };
  };

  it('given a diff asked at one head, when it is asked again there, then it is sent as it was with no statement; a new head asks again', async () => {
    // the library's diff, counted where the server asks it
    let asked = 0;
    const latestAt = cairn.latestAt.bind(cairn);
    const spy = jest.spyOn(cairn, 'latestAt').mockImplementation((at) => {
      const reads = latestAt(at);
      return { ...reads, diff: (...args) => ((asked += 1), reads.diff(...args)) };
    });
    const first = await ask();
    expect(asked).toBe(1);
    statements.clear();
    const again = await ask();
    expect(asked).toBe(1);
    expect(statements.sent).toHaveLength(0);
    expect(again).toEqual(first);

    const { event } = registration('hana');
    const posted = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ envelope: event.envelope }] }),
    });
    expect(posted.status).toBe(201);
    statements.clear();
    const moved = await ask();
    expect(asked).toBe(2);
    spy.mockRestore();
    expect(statements.sent.length).toBeGreaterThan(0);
    expect(moved.head).not.toBe(first.head);
    expect(moved.etag).not.toBe(first.etag);
    // the same two versions: the same answer, now at the new head
    expect(JSON.parse(moved.body)).toEqual(JSON.parse(first.body));
  });
});
