// Issue #13, items 6, 8 and 9, through the real binary (the givens through the process kept for
// this file, cli-run.ts cairnHere): events that are validly signed by a registered contributor
// but break a ledger rule, or whose stored text is not the canonical JSON that was signed, are
// planted straight into an embedded log (the eventlog port's append, or a
// raw INSERT), bypassing the SDK. `cairn verify` must fail on each, naming the event and the rule.
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { canonicalize, fromHex } from '@cairn/core';
import { openEmbeddedEventLogWithSql, type EventLog } from '@cairn/eventlog';
import { newSigner, signEvent, type SignedEnvelope, type Signer } from '@cairn/sdk';
import { cairn, cairnJsonHere } from './__tests__/cli-run.js';
import { initStore } from './__tests__/init-store.js';

interface KeyringFile {
  readonly contributorId: string;
  readonly secretKey: string;
  readonly publicKey: string;
}

interface Given {
  readonly dir: string;
  readonly alice: Signer & { readonly publicKey: string };
  readonly bob: Signer & { readonly publicKey: string };
  readonly sample: string;
}

interface VerifyOutput {
  readonly ok: boolean;
  readonly log: {
    readonly firstBad: { readonly eventId: string; readonly check: string; readonly rule?: string; readonly reason: string } | null;
  };
}

type Sql = (text: string, params?: readonly unknown[]) => Promise<readonly object[]>;

const signerOf = async (dir: string, name: string) => {
  const entry = JSON.parse(await readFile(path.join(dir, '.cairn', 'signers', `${name}.json`), 'utf8')) as KeyringFile;
  const secretKey = fromHex(entry.secretKey, 32);
  if (E.isLeft(secretKey)) throw new Error(`keyring ${name}: bad secret key`);
  return { contributorId: entry.contributorId, secretKey: secretKey.right, publicKey: entry.publicKey };
};

function signed(type: string, payload: unknown, signer: Signer): { readonly id: string; readonly envelope: SignedEnvelope } {
  const event = signEvent(type, payload, signer);
  if (E.isLeft(event)) throw new Error(`cannot sign ${type}: ${event.left.message}`);
  return { id: event.right.eventId, envelope: event.right.envelope };
}

/** A copy of the given ledger, with `plant` run against its log while no cairn process holds it. */
async function plantedCopy(given: Given, plant: (log: EventLog, sql: Sql) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-planted-'));
  await cp(given.dir, dir, { recursive: true });
  const { log, query } = await openEmbeddedEventLogWithSql({ dataDir: path.join(dir, '.cairn', 'log') });
  try {
    await plant(log, query);
  } finally {
    await log.close();
  }
  return dir;
}

async function appendVia(log: EventLog, stream: string, event: { readonly id: string; readonly envelope: SignedEnvelope }): Promise<void> {
  const appended = await log.append({ stream, events: [{ id: event.id, type: event.envelope.type, data: event.envelope as never }] });
  if (E.isLeft(appended)) throw new Error(`planting ${event.envelope.type} failed: ${JSON.stringify(appended.left)}`);
}

async function verifyOf(dir: string): Promise<{ code: number; out: VerifyOutput }> {
  const r = await cairn(dir, {}, '--json', 'verify', '--log-only');
  return { code: r.code, out: JSON.parse(r.stdout) as VerifyOutput };
}

async function expectRuleBroken(dir: string, eventId: string, rule: string): Promise<void> {
  const { code, out } = await verifyOf(dir);
  expect(code).toBe(1);
  expect(out.ok).toBe(false);
  expect(out.log.firstBad).toMatchObject({ eventId, check: 'rules', rule });
  expect(out.log.firstBad?.reason).toContain(`[${rule}]`);
}

describe('hardening: cairn verify replays every ledger rule', () => {
  let given: Given;
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-rules-'));
    await initStore(dir, {}, cairnJsonHere);
    await cairnJsonHere(dir, {}, 'keys', 'new', 'alice');
    await cairnJsonHere(dir, {}, 'keys', 'new', 'bob');
    const sample = (
      await cairnJsonHere<{ id: string }>(
        dir,
        {},
        'contribute',
        'sample',
        '--as',
        'alice',
        '--text',
        'one',
        '--license',
        'MIT',
        '--source',
        'notes',
      )
    ).id;
    given = { dir, alice: await signerOf(dir, 'alice'), bob: await signerOf(dir, 'bob'), sample };
  }, 120_000);

  it('given a role grant by the founder planted through the port, when verify runs, then it passes (the planting itself breaks nothing)', async () => {
    const grant = signed('ContributorRoleGranted', { contributor: given.bob.contributorId, role: 'curator' }, given.alice);
    const dir = await plantedCopy(given, (log) => appendVia(log, `contributor-${given.bob.contributorId}`, grant));
    const { code, out } = await verifyOf(dir);
    expect(out.log.firstBad).toBeNull();
    expect(code).toBe(0);
  }, 120_000);

  it('given a role grant signed by a contributor who is neither admin nor founder, when verify runs, then it fails naming role-grant-authority and the event', async () => {
    const grant = signed('ContributorRoleGranted', { contributor: given.bob.contributorId, role: 'admin' }, given.bob);
    const dir = await plantedCopy(given, (log) => appendVia(log, `contributor-${given.bob.contributorId}`, grant));
    await expectRuleBroken(dir, grant.id, 'role-grant-authority');
  }, 120_000);

  it("given a deprecation of alice's sample signed by bob, who is no curator, when verify runs, then it fails naming deprecation-authority", async () => {
    const deprecation = signed('ContributionDeprecated', { target: given.sample, reason: 'takedown' }, given.bob);
    const dir = await plantedCopy(given, (log) => appendVia(log, `cf-${given.sample}`, deprecation));
    await expectRuleBroken(dir, deprecation.id, 'deprecation-authority');
  }, 120_000);

  it("given an erasure of alice's sample signed by bob, who is not its author, when verify runs, then it fails naming erasure-authority", async () => {
    const erasure = signed('SampleErased', { sample: given.sample, reason: 'not mine to erase' }, given.bob);
    const dir = await plantedCopy(given, (log) => appendVia(log, `cf-${given.sample}`, erasure));
    await expectRuleBroken(dir, erasure.id, 'erasure-authority');
  }, 120_000);

  it('given a rotation to the identity point (a small-order key), when verify runs, then it fails naming key-well-formed', async () => {
    const rotation = signed('ContributorKeyRotated', { newPublicKey: `01${'00'.repeat(31)}` }, given.alice);
    const dir = await plantedCopy(given, (log) => appendVia(log, `contributor-${given.alice.contributorId}`, rotation));
    await expectRuleBroken(dir, rotation.id, 'key-well-formed');
  }, 120_000);

  it("given alice rotating to bob's current key, when verify runs, then it fails naming key-fresh", async () => {
    const rotation = signed('ContributorKeyRotated', { newPublicKey: given.bob.publicKey }, given.alice);
    const dir = await plantedCopy(given, (log) => appendVia(log, `contributor-${given.alice.contributorId}`, rotation));
    await expectRuleBroken(dir, rotation.id, 'key-fresh');
  }, 120_000);

  it('given a second registration under the name alice, when verify runs, then it fails naming name-unique', async () => {
    const mallory = newSigner();
    const registration = signed('ContributorRegistered', { publicKey: mallory.publicKey, name: 'alice' }, mallory);
    const dir = await plantedCopy(given, (log) => appendVia(log, `contributor-${mallory.contributorId}`, registration));
    await expectRuleBroken(dir, registration.id, 'name-unique');
  }, 120_000);
});

describe('hardening: cairn verify checks the stored text is the canonical JSON that was signed', () => {
  let given: Given;
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-canonical-'));
    await initStore(dir, {}, cairnJsonHere);
    await cairnJsonHere(dir, {}, 'keys', 'new', 'alice');
    const sample = (
      await cairnJsonHere<{ id: string }>(
        dir,
        {},
        'contribute',
        'sample',
        '--as',
        'alice',
        '--text',
        'one',
        '--license',
        'MIT',
        '--source',
        'notes',
      )
    ).id;
    const alice = await signerOf(dir, 'alice');
    given = { dir, alice, bob: alice, sample };
  }, 120_000);

  /** A label by alice, correctly signed, inserted with `text` as its stored body (and `metadata`). */
  async function plantLabel(text: (canonical: string, envelope: SignedEnvelope) => string, metadata: string | null = null) {
    const label = signed('LabelContributed', { targets: [given.sample], labelType: 'topic', value: 'science' }, given.alice);
    const dir = await plantedCopy(given, async (_log, sql) => {
      const canonical = canonicalize(label.envelope);
      if (E.isLeft(canonical)) throw new Error('the label has no canonical form');
      await sql(`insert into public.cairn_log (id, stream, revision, type, data, metadata) values (decode($1, 'hex'), $2, 0, $3, $4, $5)`, [
        label.id,
        `cf-${label.id}`,
        'LabelContributed',
        text(canonical.right, label.envelope),
        metadata,
      ]);
    });
    return { dir, id: label.id };
  }

  async function expectNotCanonical(dir: string, eventId: string): Promise<void> {
    const { code, out } = await verifyOf(dir);
    expect(code).toBe(1);
    expect(out.log.firstBad).toMatchObject({ eventId, check: 'canonical' });
  }

  it('given the canonical text planted by INSERT, when verify runs, then it passes (the planting itself breaks nothing)', async () => {
    const { dir } = await plantLabel((canonical) => canonical);
    const { code, out } = await verifyOf(dir);
    expect(out.log.firstBad).toBeNull();
    expect(code).toBe(0);
  }, 120_000);

  it('given a stored body with a duplicate member name (another signer first, the real one last), when verify runs, then it fails', async () => {
    const { dir, id } = await plantLabel((canonical, envelope) =>
      canonical.replace(`"signer":"${envelope.signer}"`, `"signer":"${'ab'.repeat(32)}","signer":"${envelope.signer}"`),
    );
    await expectNotCanonical(dir, id);
  }, 120_000);

  it('given a stored body with added whitespace, when verify runs, then it fails', async () => {
    const { dir, id } = await plantLabel((canonical) => canonical.replace('"type":', '"type": '));
    await expectNotCanonical(dir, id);
  }, 120_000);

  it('given a stored body that writes a plain character as a \\u escape, when verify runs, then it fails', async () => {
    const { dir, id } = await plantLabel((canonical) => canonical.replace('"science"', '"\\u0073cience"'));
    await expectNotCanonical(dir, id);
  }, 120_000);

  it('given a canonical body with a metadata value beside it, when verify runs, then it fails: nothing signs metadata', async () => {
    const { dir, id } = await plantLabel((canonical) => canonical, '{"approvedBy":"the board"}');
    await expectNotCanonical(dir, id);
  }, 120_000);
});
