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

  it('given a rule violation at item 1 of a batch, then the RuleViolation with its index', async () => {
    const { ledger } = recording(() =>
      answer(422, {
        type: 'urn:cairn:problem:rule-violation',
        title: 'A ledger rule refused the batch',
        status: 422,
        detail: '[reference-exists] x: no CF',
        rule: 'reference-exists',
        field: 'ValidationContributed.payload.targets[0]',
        reason: 'no CF',
        index: 1,
      }),
    );
    const r = await ledger.ingest([{ envelope: {} }, { envelope: {} }]);
    expect(r).toEqual(
      E.left({
        _tag: 'RuleViolation',
        rule: 'reference-exists',
        field: 'ValidationContributed.payload.targets[0]',
        reason: 'no CF',
        index: 1,
      }),
    );
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
});
