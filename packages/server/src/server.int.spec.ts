// The HTTP API over one embedded store: reads with asOf and caching, member cursors, problem
// documents for every malformed request, signed batch writes, and live updates. One server for
// the whole file (port 0), over a small ledger written in a temp folder.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { sealEvents } from '@cairn/sdk';
import { createServer, type CairnServer } from './index.js';
import { DATASET, openSeededStore, seededStoresReady, registration, sampleItem, signed, type Fixture } from './__tests__/fixture.js';

let dir: string;
let cairn: Cairn;
let server: CairnServer;
let base: string;
let fx: Fixture;

// The run's seeded template under its own time limit: the first file of a run makes it.
beforeAll(() => seededStoresReady(), 300_000);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-server-'));
  ({ cairn, fx: fx } = await openSeededStore(dir));
  const s = await createServer({
    cairn,
    catchUpIntervalMs: 200,
    bodyLimit: 256 * 1024,
    invalidSignatures: { burst: 3, refillPerSecond: 0.001 },
    onError: () => undefined,
  });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = await server.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

type Json = Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${url}`, { headers });
  const text = await res.text();
  return { res, body: (text === '' ? undefined : JSON.parse(text)) as Json };
}

async function post(body: unknown, raw?: string) {
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
  return { res, body: JSON.parse(await res.text()) as Json };
}

const head = async () => BigInt((await get('/v1/status')).body.head as string);

function expectProblem(r: { res: Response; body: Json }, status: number, field?: string) {
  expect(r.res.status).toBe(status);
  expect(r.res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^urn:cairn:problem:/), detail: expect.any(String) });
  expect(JSON.stringify(r.body)).not.toMatch(/\n\s+at /); // no stack trace
  if (field !== undefined) expect(r.body.field).toBe(field);
}

describe('reads', () => {
  it('given a caught-up server, when status is asked, then the head and the projections position agree and the head is a header', async () => {
    const { res, body } = await get('/v1/status');
    expect(res.status).toBe(200);
    expect(body.caughtUpTo).toBe(body.head);
    expect(res.headers.get('cairn-head-position')).toBe(body.head);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('when the versions of the dataset are asked, then every cut is listed, the last current', async () => {
    const { body } = await get(`/v1/datasets/${DATASET}/versions`);
    expect(body.versions.length).toBeGreaterThanOrEqual(2);
    expect(body.current).toBe(body.versions.at(-1).versionId);
  });

  it('when why is asked for an approved MIT sample in version 1, then it is included; the GPL sample is not', async () => {
    const inc = await get(`/v1/cfs/${fx.samples[1]}/why?in=${DATASET}@1`);
    expect(inc.body).toMatchObject({ included: true, cfId: fx.samples[1], ref: { dataset: DATASET, ordinal: 1 } });
    const exc = await get(`/v1/cfs/${fx.samples[2]}/why?in=${DATASET}@1`);
    expect(exc.body).toMatchObject({ included: false, rule: expect.any(String) });
  });

  it('when diff, show, impact, history, proof, licenses and trace are asked, then each answers the client value', async () => {
    const d = await get(`/v1/diff?from=${DATASET}@1&to=${DATASET}@latest`);
    expect(d.body.from.ordinal).toBe(1);
    expect(d.body).toMatchObject({ counts: { changed: 1 }, changed: [{ from: fx.samples[0], to: fx.amended }] });
    expect((await get(`/v1/cfs/${fx.samples[0].slice(0, 10)}`)).body.cfId).toBe(fx.samples[0]);
    expect((await get(`/v1/cfs/${fx.samples[0]}/impact`)).body.versions.length).toBeGreaterThan(0);
    expect((await get(`/v1/cfs/${fx.amended}/history`)).body.family.length).toBe(2);
    const proof = await get(`/v1/cfs/${fx.samples[1]}/proof?in=${DATASET}@1`);
    expect(proof.body).toMatchObject({ cairnInclusionProof: 1, cfId: fx.samples[1], merkleRoot: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await get(`/v1/versions/${DATASET}@1/licenses`)).body.ref.ordinal).toBe(1);
    const t = await get(`/v1/trace/${fx.samples[1]}?direction=down&depth=2`);
    expect(t.body.root).toBe(fx.samples[1]);
    expect(t.body.nodes.every((n: Json) => n.depth >= 0 && n.depth <= 2)).toBe(true);
  });

  it('given a position, when a read is pinned to it, then it is immutable with an ETag, and a repeat with If-None-Match is a 304', async () => {
    const at = (await head()) - 1n;
    const first = await get(`/v1/datasets/${DATASET}/versions?asOf=${at}`);
    expect(first.res.headers.get('cache-control')).toContain('immutable');
    expect(first.res.headers.get('cairn-as-of-position')).toBe(String(at));
    const etag = first.res.headers.get('etag')!;
    const again = await fetch(`${base}/v1/datasets/${DATASET}/versions?asOf=${at}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('given a pinned answer sent once, when the same URL is asked again, then it is the same answer and the store is not asked again', async () => {
    const at = (await head()) - 1n;
    const url = `/v1/cfs/${fx.samples[1]}/why?in=${DATASET}@1&asOf=${at}`;
    const why = cairn.why;
    const latestAt = cairn.latestAt;
    let asked = 0;
    cairn.why = (...args: Parameters<Cairn['why']>) => {
      asked += 1;
      return why.apply(cairn, args);
    };
    // a latest read asks through the reads at its head
    cairn.latestAt = (head) => {
      const reads = latestAt.call(cairn, head);
      return {
        ...reads,
        why: (...args: Parameters<Cairn['why']>) => {
          asked += 1;
          return reads.why(...args);
        },
      };
    };
    try {
      const first = await get(url);
      const again = await get(url);
      expect(asked).toBe(1);
      expect(again.body).toEqual(first.body);
      for (const h of ['etag', 'cache-control', 'cairn-as-of-position', 'content-type'])
        expect(again.res.headers.get(h)).toBe(first.res.headers.get(h));
      const conditional = await fetch(`${base}${url}`, { headers: { 'if-none-match': first.res.headers.get('etag')! } });
      expect(conditional.status).toBe(304);
      // the latest is asked each time: it moves with the head
      await get(`/v1/cfs/${fx.samples[1]}/why?in=${DATASET}@1`);
      expect(asked).toBe(2);
    } finally {
      cairn.why = why;
      cairn.latestAt = latestAt;
    }
  });

  it('given a position before the amendment, when versions are asked as of it, then only version 1 is there', async () => {
    const v1 = (await get(`/v1/datasets/${DATASET}/versions`)).body.versions[0];
    const { body } = await get(`/v1/datasets/${DATASET}/versions?asOf=${v1.position}`);
    expect(body.versions.map((v: Json) => v.ordinal)).toEqual([1]);
  });

  it('given a time before the ledger, when asked as of it, then it is pinned to before the first event', async () => {
    const { res, body } = await get(`/v1/datasets/${DATASET}/versions?asOf=2000-01-01T00:00:00Z`);
    expect(res.headers.get('cairn-as-of-position')).toBe('none');
    expect(body.versions).toEqual([]);
  });

  it('when members are walked one page at a time with the cursor, then the pages make the whole list in order', async () => {
    const whole = (await get(`/v1/versions/${DATASET}@1`)).body.members.map((m: Json) => m.cfId);
    const walked: string[] = [];
    let url: string | null = `/v1/versions/${DATASET}@1?limit=1`;
    while (url !== null) {
      const page: { body: Json } = await get(url);
      // the offset a cursor carries is the count of the members before its page
      expect(page.body.offset).toBe(walked.length);
      walked.push(...page.body.members.map((m: Json) => m.cfId));
      url = page.body.nextCursor === null ? null : `/v1/versions/${DATASET}@1?limit=1&cursor=${page.body.nextCursor}`;
    }
    expect(whole.length).toBeGreaterThan(1);
    expect(walked).toEqual(whole);
  });
});

describe('bad requests are 4xx problem documents, never 500', () => {
  it('bad JSON', async () => expectProblem(await post(undefined, '{"events": ['), 400, 'body'));
  it('unknown field in the body, named by its path', async () =>
    expectProblem(
      await post({ events: [{ envelope: { type: 'x', payload: {}, signer: 'a'.repeat(64), signature: 's', extra: 1 } }] }),
      400,
      'body.events[0].envelope.extra',
    ));
  it('wrong type, named by its path', async () =>
    expectProblem(
      await post({ events: [{ envelope: { type: 'x', payload: {}, signer: 42, signature: 's' } }] }),
      400,
      'body.events[0].envelope.signer',
    ));
  it('a body over the limit', async () => {
    const r = await post({
      events: [{ envelope: { type: 'x', payload: { pad: 'x'.repeat(300 * 1024) }, signer: 'a'.repeat(64), signature: 's' } }],
    });
    expectProblem(r, 413);
  });
  it('a body that is not JSON', async () => {
    const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expectProblem({ res, body: JSON.parse(await res.text()) as Json }, 415);
  });
  it('a cursor this server did not give', async () =>
    expectProblem(await get(`/v1/versions/${DATASET}@1?cursor=bm90LWEtY3Vyc29y`), 400, 'query.cursor'));
  it('an unknown query field', async () => expectProblem(await get(`/v1/cfs/${fx.samples[0]}/impact?depth=3`), 400, 'query.depth'));
  it('a query value of the wrong shape', async () => expectProblem(await get(`/v1/versions/${DATASET}@1?limit=many`), 400, 'query.limit'));
  it('a missing required query field', async () => expectProblem(await get(`/v1/cfs/${fx.samples[0]}/why`), 400, 'query.in'));
  it('an asOf past the head', async () => expectProblem(await get(`/v1/datasets/${DATASET}/versions?asOf=999999`), 400, 'query.asOf'));
  it('an asOf that is neither a position nor a time', async () =>
    expectProblem(await get(`/v1/diff?from=a@1&to=a@2&asOf=yesterday`), 400, 'query.asOf'));
  it('an unknown CF id', async () => expectProblem(await get(`/v1/cfs/${'0'.repeat(64)}/history`), 404));
  it('an unknown CF prefix', async () => expectProblem(await get(`/v1/cfs/abcdef0123/impact`), 404));
  it('an unknown version', async () => expectProblem(await get(`/v1/versions/${DATASET}@9`), 404));
  it('an unknown endpoint', async () => expectProblem(await get('/v1/nothing-here'), 404));
  it('an empty batch', async () => expectProblem(await post({ events: [] }), 400, 'body.events'));
});

describe('store reads: status, card, report, runs, verify, tree head, exports', () => {
  async function raw(url: string) {
    const res = await fetch(`${base}${url}`);
    return { res, text: await res.text() };
  }

  it('given the seeded store, when status counts are asked, then the CLI status document counts its nodes and versions', async () => {
    const { res, body } = await get('/v1/status/counts');
    expect(res.status).toBe(200);
    expect(body.contributors).toBe(3);
    expect(body.cfs).toEqual({ sample: 4, label: 0, validation: 4 });
    expect(body.datasets).toBe(1);
    expect(body.datasetVersions).toBe(3);
    expect(body.projections.every((p: Json) => p.caughtUp === true && p.failedEvents === 0)).toBe(true);
  });

  it('given any read, answer or refusal, then none names the folder the store is in (only its kind)', async () => {
    // The folder tells a reader the server's user name and layout; the CLI prints it locally, the API does not.
    const counts = await get('/v1/status/counts');
    expect(counts.body.store).toBe('embedded');
    const cf = fx.samples[1];
    const urls = [
      '/v1/status',
      '/v1/status/counts',
      '/openapi.json',
      '/v1/datasets',
      `/v1/datasets/${DATASET}/versions`,
      `/v1/versions/${DATASET}@1`,
      `/v1/versions/${DATASET}@1/licenses`,
      `/v1/versions/${DATASET}@1/card`,
      `/v1/versions/${DATASET}@1/report`,
      `/v1/versions/${DATASET}@1/export`,
      `/v1/versions/${DATASET}@1/export?format=croissant`,
      `/v1/versions/${DATASET}@1/export?format=openlineage`,
      `/v1/diff?from=${DATASET}@1&to=${DATASET}@3`,
      `/v1/cfs/${cf}`,
      `/v1/cfs/${cf}/why?in=${DATASET}@1`,
      `/v1/cfs/${cf}/impact`,
      `/v1/cfs/${cf}/history`,
      `/v1/cfs/${cf}/proof?in=${DATASET}@1`,
      `/v1/trace/${cf}`,
      `/v1/trace/${cf}?format=svg`,
      '/v1/runs',
      '/v1/verify/log',
      '/v1/tree-head',
      // refusals
      `/v1/cfs/${cf}/content`,
      `/v1/versions/${DATASET}@9`,
      '/v1/runs/no-such-run',
      `/v1/datasets/${DATASET}/versions?asOf=999999`,
      '/v1/nothing-here',
    ];
    const leaks: string[] = [];
    for (const url of urls) {
      const res = await fetch(`${base}${url}`);
      const text = `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await res.text()}`;
      expect(res.status).toBeLessThan(500);
      if (text.includes(dir) || text.includes(os.tmpdir())) leaks.push(`${url} (${res.status})`);
    }
    expect(leaks).toEqual([]);
  });

  it('given a version, when its card is asked, then it is the Markdown card naming its contributors', async () => {
    const { res, text } = await raw(`/v1/versions/${DATASET}@1/card`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(text.startsWith(`# ${DATASET}@1 — provenance card`)).toBe(true);
    expect(text).toContain('| alice |');
    expect(text).toContain('This is the first version of the dataset.');
  });

  it('given a pinned card, when asked again with its ETag, then it is 304', async () => {
    const at = await head();
    const first = await raw(`/v1/versions/${DATASET}@1/card?asOf=${at}`);
    expect(first.res.status).toBe(200);
    const again = await fetch(`${base}/v1/versions/${DATASET}@1/card?asOf=${at}`, {
      headers: { 'if-none-match': first.res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('given a version, when its report is asked, then it carries the card facts and the Article 53 facts', async () => {
    const { res, body } = await get(`/v1/versions/${DATASET}@1/report`);
    expect(res.status).toBe(200);
    expect(body.card.ref.ordinal).toBe(1);
    expect(body.facts).toBeDefined();
  });

  it('given no training runs, when runs are listed, then the list is empty; an unknown run is 404', async () => {
    const list = await get('/v1/runs');
    expect(list.res.status).toBe(200);
    expect(list.body).toEqual([]);
    expectProblem(await get('/v1/runs/no-such-run'), 404);
    expectProblem(await get(`/v1/runs/no-such-run/credit?ref=${DATASET}@1`), 404);
    expectProblem(await get('/v1/runs/no-such-run/credit'), 400, 'query.ref');
    for (const url of [
      '/v1/runs/no-such-run/diff/other',
      '/v1/runs/no-such-run/reproduce',
      '/v1/runs/no-such-run/unlearning',
      '/v1/runs/no-such-run/passport',
    ])
      expectProblem(await get(url), 404);
    expectProblem(await get('/v1/runs/no-such-run/unlearning?top=many'), 400, 'query.top');
    const attribute = async (body: unknown) => {
      const res = await fetch(`${base}/v1/runs/no-such-run/attribute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { res, body: JSON.parse(await res.text()) as Json };
    };
    expectProblem(await attribute({ queries: [[0.1, 0.2]], topK: 3 }), 404);
    expectProblem(await attribute({ queries: [[0.1, 0.2], [0.3]], topK: 3 }), 400, 'body.queries.1');
    expectProblem(await attribute({ queries: [[0.1]], topK: 0 }), 400, 'body.topK');
    expectProblem(await attribute({ queries: [], topK: 1 }), 400, 'body.queries');
    expectProblem(await attribute({ queries: [[0.1]] }), 400, 'body.topK');
  });

  it('given the log, when it is verified, then every event is admitted', async () => {
    const { res, body } = await get('/v1/verify/log');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.firstBad).toBeNull();
    expect(body.events).toBe(Number(await head()));
  });

  it('given the log, when its tree head is asked, then it is signed over every event so far', async () => {
    const { res, body } = await get('/v1/tree-head');
    expect(res.status).toBe(200);
    expect(body.treeHead.size).toBe(Number(await head()));
    expect(body.signature).toMatch(/^[0-9a-f]{128}$/);
    expectProblem(await get('/v1/tree-head?from=x'), 400, 'query.from');
  });

  it('given a CF, when its trace is asked as SVG (by format or by Accept), then it is the drawn graph naming its node', async () => {
    const url = `/v1/trace/${fx.samples[1]}?direction=down&depth=2`;
    const byFormat = await raw(`${url}&format=svg`);
    expect(byFormat.res.status).toBe(200);
    expect(byFormat.res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(byFormat.text).toMatch(/<svg[\s>]/);
    expect(byFormat.text).toContain(fx.samples[1].slice(0, 8));
    const byAccept = await fetch(`${base}${url}`, { headers: { accept: 'image/svg+xml' } });
    expect(byAccept.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await byAccept.text()).toBe(byFormat.text);
    const json = await get(url);
    expect(json.res.headers.get('content-type')).toMatch(/^application\/json/);
    expectProblem(await get(`${url}&format=png`), 400, 'query.format');
  });

  it('given a pinned trace, when JSON and SVG are asked, then their ETags differ (the answer varies by Accept)', async () => {
    const url = `${base}/v1/trace/${fx.samples[1]}?asOf=${await head()}`;
    const json = await fetch(url);
    const svg = await fetch(url, { headers: { accept: 'image/svg+xml' } });
    expect(json.headers.get('vary')).toBe('accept');
    expect(svg.headers.get('etag')).not.toBe(json.headers.get('etag'));
    const again = await fetch(url, { headers: { accept: 'image/svg+xml', 'if-none-match': json.headers.get('etag')! } });
    expect(again.status).toBe(200);
  });

  it('given the corpus, when datasets are listed or searched, then each search names the datasets holding what it asks', async () => {
    const names = async (query: string) => {
      const r = await get(`/v1/datasets${query}`);
      expect(r.res.status).toBe(200);
      return (r.body.datasets as Json[]).map((d) => d.name as string);
    };
    const all = await get('/v1/datasets');
    expect(all.body.datasets).toEqual([
      { name: DATASET, position: expect.stringMatching(/^\d+$/), versions: 3, latestVersionId: expect.stringMatching(/^[0-9a-f]+$/) },
    ]);
    expect(await names(`?name=${DATASET.slice(0, 3)}`)).toEqual([DATASET]);
    expect(await names('?name=zzz')).toEqual([]);
    expect(await names(`?cf=${fx.samples[1].slice(0, 10)}`)).toEqual([DATASET]);
    // The GPL sample is refused by the manifest: no version holds it.
    expect(await names(`?cf=${fx.samples[2]}`)).toEqual([]);
    expect(await names(`?contributor=${fx.alice.contributorId}`)).toEqual([DATASET]);
    // Carol only validated: she wrote no member.
    expect(await names(`?contributor=${fx.carol.contributorId}`)).toEqual([]);
    expect(await names('?source=notes')).toEqual([DATASET]);
    expect(await names('?source=elsewhere')).toEqual([]);
    expect(await names(`?source=notes&contributor=${fx.carol.contributorId}`)).toEqual([]);
    expectProblem(await get('/v1/datasets?cf=XYZ'), 400, 'query.cf');
    expectProblem(await get('/v1/datasets?owner=alice'), 400);
  });

  it('given a version, when exported as JSON Lines, then one line a member, the members of the version', async () => {
    const members = (await get(`/v1/versions/${DATASET}@1`)).body.members.map((m: Json) => m.cfId);
    const { res, text } = await raw(`/v1/versions/${DATASET}@1/export?format=jsonl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l.cfId)).toEqual(members);
  });

  it('given a version, when exported as Croissant or OpenLineage, then each is the document the CLI writes', async () => {
    const c = await get(`/v1/versions/${DATASET}@1/export?format=croissant`);
    expect(c.res.status).toBe(200);
    expect(c.body['@context']).toBeDefined();
    const versionId = (await get(`/v1/versions/${DATASET}@1`)).body.versionId as string;
    const ol = await raw(`/v1/versions/${DATASET}@1/export?format=openlineage`);
    const events = ol.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(events[0]!.dataset.facets.version.datasetVersion).toBe(versionId);
    expectProblem(await get(`/v1/versions/${DATASET}@1/export?format=csv`), 400, 'query.format');
    expectProblem(await get(`/v1/versions/${DATASET}@9/export?format=jsonl`), 404);
  });
});

describe('writes: a batch of events signed by their contributors', () => {
  it('given a new contributor, when its registration and a sample with bytes are posted, then both are appended and readable at once', async () => {
    const { signer, event } = registration('erin');
    const s = sampleItem('Erin writes about rivers.', signer);
    const r = await post({ events: [{ envelope: event.envelope }, s.item] });
    expect(r.res.status).toBe(201);
    expect(r.body.receipts.map((x: Json) => x.id)).toEqual([event.eventId, s.event.eventId]);
    const shown = await get(`/v1/cfs/${s.event.eventId}`);
    expect(shown.res.status).toBe(200);
    expect(shown.body.cfId).toBe(s.event.eventId);
  });

  it('given a batch already appended, when it is posted again, then nothing new is appended and the receipts say so', async () => {
    const { signer, event } = registration('frank');
    const batch = { events: [{ envelope: event.envelope }, sampleItem('Frank on tides.', signer).item] };
    expect((await post(batch)).res.status).toBe(201);
    const before = await head();
    const again = await post(batch);
    expect(again.res.status).toBe(200);
    expect(again.body.receipts.every((x: Json) => x.alreadyAppended === true)).toBe(true);
    expect(await head()).toBe(before);
  });

  it('given a batch whose second event breaks a rule, then the rule, field and index are told and nothing is appended', async () => {
    const before = await head();
    const label = signed('LabelContributed', { targets: [fx.samples[1]], labelType: 'topic', value: 'physics' }, fx.carol);
    const dangling = signed('LabelContributed', { targets: ['f'.repeat(64)], labelType: 'topic', value: 'x' }, fx.carol);
    const r = await post({ events: [{ envelope: label.envelope }, { envelope: dangling.envelope }] });
    expectProblem(r, 422);
    expect(r.body).toMatchObject({ rule: 'reference-exists', index: 1, field: expect.stringContaining('targets[0]') });
    expect(await head()).toBe(before);
  });

  it('given an event whose signature is not its signer’s, then it is refused as signature-valid and nothing is appended', async () => {
    const before = await head();
    const label = signed('LabelContributed', { targets: [fx.samples[1]], labelType: 'topic', value: 'forged' }, fx.carol);
    const forged = { ...label.envelope, signer: fx.alice.contributorId };
    const r = await post({ events: [{ envelope: forged }] });
    expectProblem(r, 422);
    expect(r.body.rule).toBe('signature-valid');
    expect(await head()).toBe(before);
  });

  it('given a sealed batch (one signature, the seal first), then it is appended whole; reordered, it is refused as seal-member', async () => {
    const labels = [0, 1, 2].map((value) => ({
      type: 'LabelContributed',
      payload: { targets: [fx.samples[1]], labelType: 'sealed', value },
    }));
    const sealed = sealEvents(labels, fx.carol);
    if (E.isLeft(sealed)) throw new Error(sealed.left.message);
    const [seal, ...cfs] = [sealed.right.seal.envelope, ...sealed.right.cfs.map((c) => c.envelope)];
    const before = await head();
    const reordered = await post({ events: [seal, cfs[1], cfs[0], cfs[2]].map((envelope) => ({ envelope })) });
    expectProblem(reordered, 422);
    expect(reordered.body).toMatchObject({ rule: 'seal-member', index: 1 });
    expect(await head()).toBe(before);
    const r = await post({ events: [seal, ...cfs].map((envelope) => ({ envelope })) });
    expect(r.res.status).toBe(201);
    expect(r.body.receipts.map((x: Json) => x.id)).toEqual([sealed.right.seal.eventId, ...sealed.right.cfs.map((c) => c.eventId)]);
  });

  it('given an event whose payload does not decode, then the ledger’s field path is told', async () => {
    const bad = signed('LabelContributed', { targets: 'not-a-list', labelType: 'topic', value: 'x' }, fx.carol);
    const r = await post({ events: [{ envelope: bad.envelope }] });
    expect(r.res.status).toBe(422);
    expect(r.body.field).toContain('targets');
  });
});

describe('member cursors under concurrent appends', () => {
  it('given the first page of @latest, when an amendment cuts a new version, then the cursor still pages the version it started on', async () => {
    const first = await get(`/v1/versions/${DATASET}@latest?limit=1`);
    const versionId = first.body.versionId as string;
    const member = first.body.members[0].cfId as string;
    const amendment = sampleItem('An amended member.', fx.alice, { amends: member });
    expect((await post({ events: [amendment.item] })).res.status).toBe(201);
    expect((await get(`/v1/datasets/${DATASET}/versions`)).body.current).not.toBe(versionId);
    const next = await get(`/v1/versions/${DATASET}@latest?limit=1&cursor=${first.body.nextCursor}`);
    expect(next.body).toMatchObject({ versionId, total: first.body.total });
    expect(next.body.versionId).toBe(versionId);
    expect(next.res.headers.get('cache-control')).toContain('immutable');
  });
});

describe('live updates', () => {
  it('given a listener, when a batch is appended, then a position event with the new head arrives', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/live`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let seen = '';
    const { event } = registration('gina');
    const appended = await post({ events: [{ envelope: event.envelope }] });
    const position = appended.body.receipts[0].position as string;
    while (!seen.includes(`"position":"${position}"`)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      seen += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    expect(seen).toContain(`event: position\ndata: {"position":"${position}"}`);
  });
});

describe('live updates of dataset versions', () => {
  it('given a listener, when an amendment of a member re-assembles the dataset, then a version event names the new version', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/live`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const member = (await get(`/v1/versions/${DATASET}@latest?limit=1`)).body.members[0].cfId as string;
    const amendment = sampleItem('Amended once more.', fx.alice, { amends: member });
    expect((await post({ events: [amendment.item] })).res.status).toBe(201);
    const current = (await get(`/v1/datasets/${DATASET}/versions`)).body.current as string;
    let seen = '';
    while (!seen.includes(current)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      seen += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    const frame = seen.split('\n\n').find((f) => f.startsWith('id: ') && f.includes('event: version'));
    expect(JSON.parse(frame!.split('data: ')[1]!)).toMatchObject({ dataset: DATASET, versionId: current, cause: 'replaced' });
  });
});

describe('the OpenAPI document', () => {
  it('describes every endpoint the server answers, with the batch body schema from its codec', async () => {
    const { body } = await get('/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    for (const p of Object.keys(body.paths)) {
      const route = p.replace(/\{(\w+)\}/g, ':$1');
      for (const method of Object.keys(body.paths[p]))
        expect(server.app.hasRoute({ method: method.toUpperCase() as 'GET', url: route })).toBe(true);
    }
    for (const p of [
      '/v1/datasets',
      '/v1/status/counts',
      '/v1/versions/{ref}/card',
      '/v1/versions/{ref}/export',
      '/v1/runs/{run}/credit',
      '/v1/tree-head',
    ])
      expect(Object.keys(body.paths)).toContain(p);
    const batch = body.paths['/v1/events'].post.requestBody.content['application/json'].schema;
    expect(batch).toMatchObject({ type: 'object', required: ['events'], additionalProperties: false });
  });
});

describe("invalid signatures are rate-limited per client (last: it spends this client's budget)", () => {
  /** A POST from another loopback address: another client. */
  const postFrom = (localAddress: string, body: unknown) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(`${base}/v1/events`);
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          localAddress,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });

  it('given a client that keeps sending forged signatures, then past its budget it gets 429 before verifying, and another client still writes', async () => {
    const forged = (value: string) => {
      const label = signed('LabelContributed', { targets: [fx.samples[1]], labelType: 'topic', value }, fx.carol);
      return { events: [{ envelope: { ...label.envelope, signer: fx.alice.contributorId } }] };
    };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(forged(`forged-${i}`))).res.status);
    // one forgery was spent by the writes spec above; the budget is 3
    expect(statuses).toEqual([422, 422, 429, 429]);
    const blocked = await post(forged('again'));
    expectProblem(blocked, 429);
    expect(Number(blocked.res.headers.get('retry-after'))).toBeGreaterThan(0);
    const { event } = registration('honest');
    expect(await postFrom('127.0.0.2', { events: [{ envelope: event.envelope }] })).toBe(201);
  });
});
