// Who may do what (issue #14 item 2) through the built program's main() on the embedded store, and `cairn
// verify` replaying the same rules over events planted in the log bypassing the SDK.
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { fromHex } from '@cairn/core';
import { openEmbeddedEventLog, type EventLog } from '@cairn/eventlog';
import { signEvent, type SignedEnvelope, type Signer } from '@cairn/sdk';
import { cairn } from './__tests__/cli-run.js';
import { givenPermissionLedger, permissionsSpecification, type PermissionLedger } from './__tests__/permissions-suite.js';

const embedded = { env: (dir: string) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true };

permissionsSpecification('the embedded store', embedded);

const signerOf = async (l: PermissionLedger, name: string): Promise<Signer> => {
  const entry = JSON.parse(await readFile(path.join(l.dir, '.cairn', 'signers', `${name}.json`), 'utf8')) as {
    contributorId: string;
    secretKey: string;
  };
  const secretKey = fromHex(entry.secretKey, 32);
  if (E.isLeft(secretKey)) throw new Error(`keyring ${name}: bad secret key`);
  return { contributorId: entry.contributorId, secretKey: secretKey.right };
};

function signed(type: string, payload: unknown, signer: Signer): { readonly id: string; readonly envelope: SignedEnvelope } {
  const event = signEvent(type, payload, signer);
  if (E.isLeft(event)) throw new Error(`cannot sign ${type}: ${event.left.message}`);
  return { id: event.right.eventId, envelope: event.right.envelope };
}

/** A copy of the ledger with `event` appended straight to its log (no SDK, so no rules) on `stream`. */
async function plantedCopy(
  l: PermissionLedger,
  stream: string,
  event: { readonly id: string; readonly envelope: SignedEnvelope },
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-perm-planted-'));
  await cp(l.dir, dir, { recursive: true });
  const log: EventLog = await openEmbeddedEventLog({ dataDir: path.join(dir, '.cairn', 'log') });
  try {
    const appended = await log.append({ stream, events: [{ id: event.id, type: event.envelope.type, data: event.envelope as never }] });
    if (E.isLeft(appended)) throw new Error(`planting ${event.envelope.type} failed: ${JSON.stringify(appended.left)}`);
  } finally {
    await log.close();
  }
  return dir;
}

async function expectVerifyNames(dir: string, eventId: string, rule: string): Promise<void> {
  const r = await cairn(dir, {}, '--json', 'verify', '--log-only');
  expect(r.code).toBe(1);
  const out = JSON.parse(r.stdout) as {
    ok: boolean;
    log: { firstBad: { eventId: string; check: string; rule?: string; reason: string } | null };
  };
  expect(out.ok).toBe(false);
  expect(out.log.firstBad).toMatchObject({ eventId, check: 'rules', rule });
}

describe('cairn verify replays the permission rules', () => {
  let l: PermissionLedger;
  beforeAll(async () => {
    l = await givenPermissionLedger(embedded);
  }, 180_000);

  it('given the untouched ledger, when verify runs, then it passes', async () => {
    const r = await cairn(l.dir, {}, '--json', 'verify', '--log-only');
    expect(r.code).toBe(0);
  }, 120_000);

  it("given carol's amendment of alice's sample planted bypassing the SDK, when verify runs, then it fails naming amendment-authority and the event", async () => {
    const amendment = signed(
      'SampleContributed',
      {
        commitment: { scheme: 'sha256', value: 'ab'.repeat(32) },
        size: 5,
        mediaType: 'text/plain',
        license: 'MIT',
        source: 'carol',
        amends: l.sample,
      },
      await signerOf(l, 'carol'),
    );
    await expectVerifyNames(await plantedCopy(l, `cf-${amendment.id}`, amendment), amendment.id, 'amendment-authority');
  }, 120_000);

  it('given a dataset defined by dave (no role) planted bypassing the SDK, when verify runs, then it fails naming dataset-authority', async () => {
    const defined = signed('DatasetDefined', { name: 'daves' }, await signerOf(l, 'dave'));
    await expectVerifyNames(await plantedCopy(l, 'dataset-daves', defined), defined.id, 'dataset-authority');
  }, 120_000);
});
