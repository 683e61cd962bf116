// The remote ledger's half of a write: the batch it sends (signed envelopes, sample bytes in
// base64, never a secret key) and how it reads the server's answer back.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { newSigner } from '../signing.js';
import { openRemoteLedger } from './remote-ledger.js';

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

const recording = (reply: () => Response) => {
  const bodies: unknown[] = [];
  const send = (async (_url: string | URL | Request, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    return reply();
  }) as typeof fetch;
  return { ledger: openRemoteLedger({ url: 'http://ledger.test/', fetch: send }), bodies };
};

describe('openRemoteLedger', () => {
  it('given a sample, then the batch carries the signed envelope and the bytes, and no secret key', async () => {
    const alice = newSigner();
    const receipt = { id: 'e'.repeat(64), type: 'SampleContributed', stream: 'cf-x', position: '7', alreadyAppended: false };
    const { ledger, bodies } = recording(() => answer(201, { receipts: [receipt], head: '7' }));
    const r = await ledger.contribute.sample(
      { bytes: new TextEncoder().encode('hi'), mediaType: 'text/plain', license: 'MIT', source: 's' },
      alice,
    );
    expect(r).toEqual(E.right({ ...receipt, position: 7n }));
    const sent = JSON.stringify(bodies);
    expect(sent).not.toContain(Buffer.from(alice.secretKey).toString('hex'));
    expect(bodies[0]).toMatchObject({
      events: [{ envelope: { type: 'SampleContributed', signer: alice.contributorId }, sample: { bytes: 'aGk=' } }],
    });
  });

  it('given a batch prepared while another is sent, then each POST is what contribute.batch sends, and nothing is sent before append', async () => {
    const alice = newSigner();
    const rows = (from: number) =>
      Array.from({ length: 3 }, (_, i) => ({
        kind: 'sample' as const,
        bytes: new TextEncoder().encode(`row ${from + i}`),
        mediaType: 'text/plain',
        license: 'MIT',
        source: 's',
      }));
    const receipt = (i: number) => ({
      id: String(i).repeat(64),
      type: 'SampleContributed',
      stream: `cf-${i}`,
      position: String(i),
      alreadyAppended: false,
    });
    const reply = () => answer(201, { receipts: [0, 1, 2, 3].map(receipt), head: '3' });
    const inTurn = recording(reply);
    await inTurn.ledger.contribute.batch(rows(0), alice, { sealSize: 3 });
    await inTurn.ledger.contribute.batch(rows(3), alice, { sealSize: 3 });
    const pipelined = recording(reply);
    const first = pipelined.ledger.contribute.prepare(rows(0), alice, { sealSize: 3 });
    const appending = pipelined.ledger.contribute.append(first);
    const second = pipelined.ledger.contribute.prepare(rows(3), alice, { sealSize: 3 });
    const r = await appending;
    expect(pipelined.bodies).toHaveLength(1);
    await pipelined.ledger.contribute.append(second);
    expect(pipelined.bodies).toEqual(inTurn.bodies);
    // The seal comes first in the batch: the three CFs' receipts are items 1 to 3.
    expect(E.map((rs: readonly { position: bigint }[]) => rs.map((x) => x.position))(r)).toEqual(E.right([1n, 2n, 3n]));
  });

  it('given a rule violation at item 1 of a batch, then the RuleViolation with its index, and the answer it came in', async () => {
    const problem = {
      type: 'urn:cairn:problem:rule-violation',
      title: 'A ledger rule refused the batch',
      status: 422,
      detail: '[reference-exists] x: no CF',
      rule: 'reference-exists',
      field: 'ValidationContributed.payload.targets[0]',
      reason: 'no CF',
      index: 1,
    };
    const { ledger } = recording(() => answer(422, problem));
    const r = await ledger.ingest([{ envelope: {} }, { envelope: {} }]);
    expect(r).toEqual(
      E.left({
        _tag: 'RuleViolation',
        rule: 'reference-exists',
        field: 'ValidationContributed.payload.targets[0]',
        reason: 'no CF',
        index: 1,
        http: { status: 422, problem },
      }),
    );
  });

  it('given a body the server refuses for its size, then the error carries status 413 and the problem, told from a refusal of its contents', async () => {
    const tooLarge = {
      type: 'urn:cairn:problem:invalid-request',
      title: 'The request is not valid',
      status: 413,
      detail: 'Request body is too large',
      field: 'body',
      reason: 'Request body is too large',
    };
    const big = recording(() => answer(413, tooLarge));
    expect(await big.ledger.ingest([{ envelope: {} }])).toEqual(
      E.left(expect.objectContaining({ _tag: 'InvalidEvent', field: 'body', http: { status: 413, problem: tooLarge } })),
    );
    const bad = recording(() => answer(400, { ...tooLarge, status: 400, detail: 'body.events: expected an array' }));
    expect(await bad.ledger.ingest([{ envelope: {} }])).toEqual(
      E.left(expect.objectContaining({ _tag: 'InvalidEvent', http: expect.objectContaining({ status: 400 }) })),
    );
    // A proxy's page is no problem document: the status is still told.
    const proxy = recording(() => new Response('<html>413 Request Entity Too Large</html>', { status: 413 }));
    expect(await proxy.ledger.ingest([{ envelope: {} }])).toEqual(
      E.left(expect.objectContaining({ _tag: 'Unavailable', http: { status: 413 } })),
    );
    // Nor is a proxy's JSON that is not one (no type, title or detail): the problem is absent, the status kept.
    const jsonProxy = recording(() => answer(413, { message: 'Request Entity Too Large', status: 413 }));
    const r = await jsonProxy.ledger.ingest([{ envelope: {} }]);
    expect(r).toEqual(E.left(expect.objectContaining({ _tag: 'Unavailable', http: { status: 413 } })));
    expect(E.isLeft(r) && r.left.http !== undefined && 'problem' in r.left.http).toBe(false);
  });

  it('given a server error or a body that is not the API, then Unavailable (nothing is known to be appended)', async () => {
    const down = recording(() => new Response('<html>bad gateway</html>', { status: 502 }));
    expect(await down.ledger.ingest([{ envelope: {} }])).toMatchObject(E.left({ _tag: 'Unavailable' }));
    const odd = recording(() => answer(201, { receipts: 'none' }));
    expect(await odd.ledger.ingest([{ envelope: {} }])).toMatchObject(E.left({ _tag: 'Unavailable' }));
  });

  it('given a payload that does not decode, then the DecodeFailure is found here and nothing is sent', async () => {
    const { ledger, bodies } = recording(() => answer(201, { receipts: [], head: null }));
    const r = await ledger.contribute.validation({ targets: ['nope'], verdict: 'approve', rationale: 'x' }, newSigner());
    expect(r).toMatchObject(E.left({ _tag: 'DecodeFailure' }));
    expect(bodies).toEqual([]);
  });

  it('given a URL that is not http(s), then it is refused by name', () => {
    expect(() => openRemoteLedger({ url: 'file:///etc' })).toThrow(/^url: /);
  });

  describe('contribute.batch, sealed', () => {
    const labels = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ kind: 'label' as const, targets: ['a'.repeat(64)], labelType: 'topic', value: `v${i}` }));
    const receiptsFor = (types: string[]) =>
      types.map((type, i) => ({
        id: String(i).repeat(64).slice(0, 64),
        type,
        stream: `s${i}`,
        position: String(i + 1),
        alreadyAppended: false,
      }));

    it("given three CFs and sealSize 2, then one POST holds a seal over two, its CFs, and the third signed alone; receipts are the inputs'", async () => {
      const alice = newSigner();
      const sent = receiptsFor(['BatchSealed', 'LabelContributed', 'LabelContributed', 'LabelContributed']);
      const { ledger, bodies } = recording(() => answer(201, { receipts: sent, head: '4' }));
      const r = await ledger.contribute.batch(labels(3), alice, { sealSize: 2 });
      expect(bodies).toHaveLength(1);
      const events = (bodies[0] as { events: { envelope: { type: string; seal?: unknown; signature?: unknown } }[] }).events;
      expect(events.map((e) => e.envelope.type)).toEqual(['BatchSealed', 'LabelContributed', 'LabelContributed', 'LabelContributed']);
      expect(events.map((e) => e.envelope.seal !== undefined)).toEqual([false, true, true, false]);
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
      expect(r.right.map((x) => x.position)).toEqual([2n, 3n, 4n]);
    });

    it('given the same inputs twice, then the same batch is sent (a re-run can be answered alreadyAppended)', async () => {
      const alice = newSigner();
      const { ledger, bodies } = recording(() =>
        answer(201, { receipts: receiptsFor(['BatchSealed', 'LabelContributed', 'LabelContributed']) }),
      );
      await ledger.contribute.batch(labels(2), alice);
      await ledger.contribute.batch(labels(2), alice);
      expect(bodies[1]).toEqual(bodies[0]);
    });

    it('given a refusal at the second item of the sealed batch, then the error names input 0 (the seal is not an input)', async () => {
      const { ledger } = recording(() =>
        answer(422, {
          type: 'urn:cairn:problem:rule-violation',
          title: 'A ledger rule refused the batch',
          status: 422,
          detail: 'x',
          rule: 'target-exists',
          field: 'events[1].payload.targets',
          reason: 'no such CF',
          index: 1,
        }),
      );
      const r = await ledger.contribute.batch(labels(2), newSigner());
      expect(r).toMatchObject(E.left({ _tag: 'RuleViolation', index: 0 }));
    });

    it('given seal: false, then every CF is signed on its own', async () => {
      const { ledger, bodies } = recording(() => answer(201, { receipts: receiptsFor(['LabelContributed', 'LabelContributed']) }));
      await ledger.contribute.batch(labels(2), newSigner(), { seal: false });
      const events = (bodies[0] as { events: { envelope: { type: string } }[] }).events;
      expect(events.map((e) => e.envelope.type)).toEqual(['LabelContributed', 'LabelContributed']);
    });
  });
});
