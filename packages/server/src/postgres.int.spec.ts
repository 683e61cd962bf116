// The write path on a Postgres store (log and projections in one database schema): the same
// batch rules as on the embedded store, all or nothing, idempotent on replay, and a write is
// readable as soon as it is answered.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { createServer, type CairnServer } from './index.js';
import { DATASET, openStore, registration, sampleItem, seed, signed, type Fixture } from './__tests__/fixture.js';

const pg = await postgresForTests();

let keys: string;
let drop: (() => Promise<void>) | undefined;
let cairn: Cairn | undefined;
let server: CairnServer | undefined;
let base: string;
let fx: Fixture;

beforeAll(async () => {
  if (!pg.available) return;
  keys = await mkdtemp(path.join(os.tmpdir(), 'cairn-server-pg-'));
  const schema = await createTestSchema('server');
  drop = schema.drop;
  cairn = await openStore(schema.url, { CAIRN_KEYS: keys });
  fx = await seed(cairn);
  const s = await createServer({ cairn, onError: () => undefined });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = await server.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await server?.close();
  await cairn?.close();
  await drop?.();
  if (keys) await rm(keys, { recursive: true, force: true });
});

async function post(body: unknown) {
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const head = async () => ((await (await fetch(`${base}/v1/status`)).json()) as { head: string }).head;

describePostgres(pg, 'the HTTP write path on Postgres', () => {
  it('given a new contributor, when its registration and a sample are posted, then both are appended and the sample is readable at once', async () => {
    const { signer, event } = registration('erin');
    const s = sampleItem('Erin writes about rivers.', signer);
    const r = await post({ events: [{ envelope: event.envelope }, s.item] });
    expect(r.status).toBe(201);
    expect(r.body.head).toBe(r.body.receipts[1].position);
    const shown = await fetch(`${base}/v1/cfs/${s.event.eventId}`);
    expect(shown.status).toBe(200);
  });

  it('given the same batch again, then it is answered with alreadyAppended receipts and the head does not move', async () => {
    const { signer, event } = registration('frank');
    const batch = { events: [{ envelope: event.envelope }, sampleItem('Frank on tides.', signer).item] };
    expect((await post(batch)).status).toBe(201);
    const at = await head();
    const again = await post(batch);
    expect(again.status).toBe(200);
    expect(again.body.receipts.map((r: { alreadyAppended: boolean }) => r.alreadyAppended)).toEqual([true, true]);
    expect(await head()).toBe(at);
  });

  it('given a batch whose last event names no CF, then the rule refuses it whole and nothing is appended', async () => {
    const at = await head();
    const ok = signed('LabelContributed', { targets: [fx.samples[1]], labelType: 'topic', value: 'physics' }, fx.carol);
    const { event } = registration('gina');
    const dangling = signed('ValidationContributed', { targets: ['e'.repeat(64)], verdict: 'approve', rationale: 'x' }, fx.carol);
    const r = await post({ events: [{ envelope: ok.envelope }, { envelope: event.envelope }, { envelope: dangling.envelope }] });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ rule: 'reference-exists', index: 2 });
    expect(await head()).toBe(at);
    expect((await fetch(`${base}/v1/datasets/${DATASET}/versions`)).status).toBe(200);
  });
});
