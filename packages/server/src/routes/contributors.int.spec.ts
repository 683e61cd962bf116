// The explorer's reads beside the API's own: contributors found by name or id prefix as of a
// moment (GET /v1/contributors), and the unsigned in-toto statement of a version with the facts
// to sign (GET /v1/versions/{ref}/attestation), the refusals of a run's query-row read (the
// page's end-to-end suite shows its answer on a scored run), and the runs read as of a moment.
// One store, one server for the file.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { ATTESTATION_PREDICATE_TYPE, STATEMENT_TYPE } from '@cairn/core';
import { createServer, type CairnServer } from '../index.js';
import { DATASET, openSeededStore, seededStoresReady, type Fixture } from '../__tests__/fixture.js';

let dir: string;
let cairn: Cairn;
let server: CairnServer;
let given: Fixture;
let base: string;

// The run's seeded template under its own time limit: the first file of a run makes it.
beforeAll(() => seededStoresReady(), 300_000);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-server-contributors-'));
  ({ cairn, fx: given } = await openSeededStore(dir));
  const s = await createServer({ cairn, onError: () => undefined });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = await server.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = async (url: string) => {
  const r = await fetch(`${base}${url}`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe('GET /v1/contributors', () => {
  // A search matches an id prefix too, and the fixture's keys are new each run: a short prefix
  // that is also hex (c, ca) matches a contributor whose id happens to start with it.
  const idStartsWith = (prefix: string, ...names: ('curator' | 'alice' | 'carol')[]) =>
    names.filter((name) => given[name].contributorId.startsWith(prefix));

  it('given curator, alice and carol, when searched by a name prefix in any case, then the matches come by name with their id and registration', async () => {
    const r = await get('/v1/contributors?q=CA');
    expect(r.status).toBe(200);
    const others = idStartsWith('ca', 'alice', 'curator');
    expect((r.body.contributors as { name: string }[]).map((c) => c.name)).toEqual([...others, 'carol'].sort());
    expect((r.body.contributors as { name: string }[]).find((c) => c.name === 'carol')).toEqual({
      contributorId: given.carol.contributorId,
      name: 'carol',
      eventId: expect.any(String),
      position: expect.stringMatching(/^\d+$/),
    });
    const all = await get('/v1/contributors?limit=2');
    expect((all.body.contributors as { name: string }[]).map((c) => c.name)).toEqual(['alice', 'carol']);
  });

  it("given alice's id, when searched by its first characters, then alice is found", async () => {
    const r = await get(`/v1/contributors?q=${given.alice.contributorId.slice(0, 12)}`);
    expect((r.body.contributors as { name: string }[]).map((c) => c.name)).toEqual(['alice']);
  });

  it('given asOf before carol registered, when searched, then carol is not there yet', async () => {
    const carol = ((await get('/v1/contributors?q=carol')).body.contributors as { position: string }[])[0]!;
    const r = await get(`/v1/contributors?q=c&asOf=${BigInt(carol.position) - 1n}`);
    expect((r.body.contributors as { name: string }[]).map((c) => c.name)).toEqual([...idStartsWith('c', 'alice'), 'curator']);
  });

  it('given a limit out of range or an unknown parameter, when asked, then 400 names the field', async () => {
    const zero = await get('/v1/contributors?limit=0');
    expect(zero.status).toBe(400);
    expect(zero.body.field).toBe('query.limit');
    expect((await get('/v1/contributors?limit=201')).status).toBe(400);
    expect((await get('/v1/contributors?name=alice')).status).toBe(400);
  });
});

describe('GET /v1/versions/{ref}/attestation', () => {
  it('given version 3, when its attestation is asked for, then the statement is unsigned, names the version and root as subjects, and says how to sign it', async () => {
    const versions = (await get(`/v1/datasets/${DATASET}/versions`)).body.versions as { versionId: string; merkleRoot: string }[];
    const v3 = versions[2]!;
    const r = await get(`/v1/versions/${DATASET}@3/attestation`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      signed: false,
      why: expect.stringContaining('does not hold'),
      sign: `cairn attest ${DATASET}@3 --as NAME`,
      statement: {
        _type: STATEMENT_TYPE,
        predicateType: ATTESTATION_PREDICATE_TYPE,
        subject: [{ digest: { sha256: v3.versionId } }, { digest: { sha256: v3.merkleRoot } }],
        predicate: { dataset: DATASET, ordinal: 3, versionId: v3.versionId, memberCount: 2, erasedMembers: [] },
      },
    });
  });

  it('given a version that does not exist, when asked for, then 404', async () => {
    expect((await get(`/v1/versions/${DATASET}@9/attestation`)).status).toBe(404);
  });
});

describe('GET /v1/runs/{run}/queries/{row}/top', () => {
  it('given a row that is not a number, or a run that does not exist, when asked, then 400 names the row, and 404', async () => {
    const bad = await get('/v1/runs/r1/queries/first/top');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('row');
    expect((await get('/v1/runs/no-such-run/queries/0/top')).status).toBe(404);
  });
});

describe('GET /v1/runs?asOf', () => {
  it('given a moment before anything was recorded, when the runs are listed, then none; and a moment that is not one is refused naming asOf', async () => {
    const none = await fetch(`${base}/v1/runs?asOf=1`);
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual([]);
    const bad = await get('/v1/runs?asOf=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('query.asOf');
  });
});
