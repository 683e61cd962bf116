// The same rules on the Postgres log: what the SDK checks does not depend on the adapter, and
// the all-or-nothing batch relies on the adapter's one-transaction appendMany.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { generateSigningKey } from '@cairn/core';
import { openPostgresEventLog } from '@cairn/eventlog';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { contributeSample, expectViolation, ledgerOn, left, logSize, register, right, text } from './__tests__/given.js';
import { createMemoryBlobStore } from './blob-store/memory.js';
import { createMemoryKeyStore } from './key-store/memory.js';
import type { Ledger } from './ledger.js';

const availability = await postgresForTests();

describePostgres(availability, 'ledger on the Postgres log', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let ledger: Ledger;
  const blobs = createMemoryBlobStore();
  const keys = createMemoryKeyStore();

  beforeAll(async () => {
    schema = await createTestSchema('sdk_ledger');
    ledger = ledgerOn(await openPostgresEventLog({ connectionString: schema.url }), { blobs, keys, workers: 2 });
  });
  afterAll(async () => {
    await ledger.close();
    await schema.drop();
  });

  it('given contributors, when they contribute, amend and deprecate, then every rule holds and replays are one event', async () => {
    const alice = await register(ledger, 'alice');
    const bob = await register(ledger, 'bob');
    const s = await contributeSample(ledger, alice, 'postgres sample');
    const l = right(await ledger.contribute.label({ targets: [s.id], labelType: 'topic', value: 'science' }, bob));
    right(await ledger.contribute.validation({ targets: [l.id], verdict: 'approve', rationale: 'checked' }, alice));
    const again = right(await ledger.contribute.label({ targets: [s.id], labelType: 'topic', value: 'science' }, bob));
    expect(again).toMatchObject({ id: l.id, alreadyAppended: true });
    right(await ledger.amend(l.id, { value: 'physics' }, bob));
    expectViolation(await ledger.deprecate(s.id, { reason: 'takedown' }, bob), 'deprecation-authority');
    right(await ledger.deprecate(s.id, { reason: 'takedown', note: 'takedown request' }, alice));
    expectViolation(
      await ledger.contribute.label({ targets: ['0'.repeat(64)], labelType: 't', value: 1 }, bob),
      'reference-exists',
      'LabelContributed.payload.targets[0]',
    );
  });

  it('given a rotated and then revoked key, then only the current key signs, and after revocation nothing does', async () => {
    const carol = await register(ledger, 'carol');
    const s = await contributeSample(ledger, carol, 'carol sample');
    const rotated = right(await ledger.contributors.rotateKey(carol, generateSigningKey()));
    expectViolation(await ledger.contribute.label({ targets: [s.id], labelType: 't', value: 1 }, carol), 'signature-valid');
    right(await ledger.contribute.label({ targets: [s.id], labelType: 't', value: 1 }, rotated));
    right(await ledger.contributors.revokeKey(rotated, { reason: 'compromised' }));
    expectViolation(await ledger.contribute.label({ targets: [s.id], labelType: 't', value: 2 }, rotated), 'signer-key-current');
  });

  it('given a bulk batch with one bad contribution, then the Postgres log has none of it', async () => {
    const dave = await register(ledger, 'dave');
    const before = await logSize(ledger);
    const inputs = Array.from({ length: 300 }, (_, i) => ({
      kind: 'sample' as const,
      bytes: text(`bulk ${i}`),
      mediaType: 'text/plain',
      license: 'MIT',
      source: 'bulk',
    }));
    const bad = { kind: 'validation' as const, targets: ['1'.repeat(64)], verdict: 'approve' as const, rationale: 'x' };
    expect(left(await ledger.contribute.batch([...inputs, bad], dave))).toMatchObject({ rule: 'reference-exists', index: 300 });
    expect(await logSize(ledger)).toBe(before);
    const ok = right(await ledger.contribute.batch(inputs, dave));
    expect(ok.every((r) => !r.alreadyAppended)).toBe(true);
    // The 300 CFs and the one seal that signs them all.
    expect(await logSize(ledger)).toBe(before + 301);
  });

  it('given an erased sample, then no log row holds its plaintext or its sha256, and reads say erased', async () => {
    const erin = await register(ledger, 'erin');
    const plaintext = text('erin@example.org, +1 555 0100');
    const digest = createHash('sha256').update(plaintext).digest('hex');
    const s = right(
      await ledger.contribute.sample(
        { bytes: plaintext, mediaType: 'text/plain', license: 'CC-BY-4.0', source: 'crm', personalData: true },
        erin,
      ),
    );
    right(await ledger.erase(s.id, erin));
    expect(left(await ledger.samples.read(s.id))._tag).toBe('ErasedSample');
    expect(await keys.get(s.id)).toEqual(E.right(undefined));
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      const rows = await client.query<{ row: string }>('select row_to_json(l)::text as row from cairn_log l');
      expect(rows.rows.length).toBeGreaterThan(0);
      for (const { row } of rows.rows) {
        expect(row.includes(digest)).toBe(false);
        expect(row.includes('erin@example.org')).toBe(false);
      }
    } finally {
      await client.end();
    }
  });
});
