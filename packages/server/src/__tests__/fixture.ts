// A small ledger for the server's specifications, written through the client's ledger (as any
// contributor would): three contributors, three samples, approvals, and a dataset cut three
// times (built; re-assembled when Alice amends a member; built again once the amendment is
// approved). Answers the ids and the signers' keys, so a test can sign more events the way a
// remote contributor does.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { openCairn, type Cairn } from '@cairn/client';
import { commitSample, newSigner, publicKeyHexOf, signEvent, type Signer } from '@cairn/sdk';
import { buildStoreTemplate, storeFromTemplate } from '@cairn/testing';
import { createServer, type CairnServer } from '../index.js';

export const DATASET = 'corpus';

export interface Fixture {
  readonly curator: Signer;
  readonly alice: Signer;
  readonly carol: Signer;
  readonly samples: readonly [string, string, string];
  /** The amendment of samples[0]: cutting version 2 (without either), in version 3. */
  readonly amended: string;
  readonly manifestId: string;
}

const must = <T>(r: E.Either<unknown, T>): T => {
  if (E.isLeft(r)) throw new Error(`fixture: ${JSON.stringify(r.left)}`);
  return r.right;
};

const text = (s: string) => new TextEncoder().encode(s);

export async function openStore(store: string, env: Record<string, string> = {}): Promise<Cairn> {
  return must(await openCairn({ store, env, create: true }));
}

/**
 * A new embedded store at `dir` (empty or not yet made), opened: a copy of one made once per test
 * run, since making one (initdb, twice) costs several times what opening a copy does.
 */
export async function openNewStore(dir: string): Promise<Cairn> {
  await storeFromTemplate(EMPTY, dir, makeEmpty);
  return openStore(dir);
}

const EMPTY = 'server-empty-store';
const makeEmpty = async (store: string) => (await openStore(store)).close();

/** Makes the run's new-store template now (for a beforeAll with its own time limit: initdb is slow on a loaded machine). */
export const newStoresReady = (): Promise<void> => buildStoreTemplate(EMPTY, makeEmpty);

type Kept = Omit<Fixture, 'curator' | 'alice' | 'carol'> &
  Record<'curator' | 'alice' | 'carol', { contributorId: string; secretKey: string }>;
const keep = (s: Signer) => ({ contributorId: s.contributorId, secretKey: Buffer.from(s.secretKey).toString('hex') });
const signer = (k: Kept['alice']): Signer => ({
  contributorId: k.contributorId,
  secretKey: new Uint8Array(Buffer.from(k.secretKey, 'hex')),
});

const SEEDED = 'server-seeded-store';
async function makeSeeded(store: string): Promise<Kept> {
  const cairn = await openStore(store);
  try {
    const fx = await seed(cairn);
    return { ...fx, curator: keep(fx.curator), alice: keep(fx.alice), carol: keep(fx.carol) };
  } finally {
    await cairn.close();
  }
}

/** Seeds the run's template now (for a beforeAll with its own time limit: the first file of a run makes it, initdb included). */
export const seededStoresReady = (): Promise<void> => buildStoreTemplate(SEEDED, makeSeeded);

/**
 * seed()'s ledger in a new embedded store at `dir` (empty or not yet made), opened and caught up:
 * a copy of the one seeded once per test run, so each file writes only to its own copy.
 */
export async function openSeededStore(dir: string): Promise<{ readonly cairn: Cairn; readonly fx: Fixture }> {
  const kept = await storeFromTemplate<Kept>(SEEDED, dir, makeSeeded);
  const fx: Fixture = { ...kept, curator: signer(kept.curator), alice: signer(kept.alice), carol: signer(kept.carol) };
  return { cairn: await openStore(dir), fx };
}

export async function seed(cairn: Cairn): Promise<Fixture> {
  const { ledger } = cairn;
  const curator = must(await ledger.contributors.register(newSigner().secretKey, { name: 'curator' }));
  const alice = must(await ledger.contributors.register(newSigner().secretKey, { name: 'alice' }));
  const carol = must(await ledger.contributors.register(newSigner().secretKey, { name: 'carol' }));
  const sample = async (body: string, license: string) =>
    must(await ledger.contribute.sample({ bytes: text(body), mediaType: 'text/plain', license, source: 'notes' }, alice)).id;
  const s1 = await sample('The mitochondria is the powerhouse of the cell.', 'MIT');
  const s2 = await sample('Water boils at 100 degrees Celsius at sea level.', 'MIT');
  const s3 = await sample('Photosynthesis turns light into chemical energy.', 'GPL-3.0-only');
  for (const s of [s1, s2, s3])
    must(await ledger.contribute.validation({ targets: [s], verdict: 'approve', rationale: 'accurate' }, carol));
  const { manifestId } = must(
    // Every rule written out: a default the schemas fill in is made with structuredClone, whose
    // objects come from outside Jest's module realm and fail the canonical-JSON plain-object check.
    await ledger.manifests.define(
      {
        licensePolicy: { allowed: ['MIT'] },
        candidates: { kinds: ['sample'], sources: 'any', assets: 'any' },
        minApprovals: { count: 1, scope: 'sample' },
        minAgreement: 0.5,
        scoreThreshold: 0.5,
        labels: { required: [] },
        dedup: 'content-commitment',
        excludeDeprecated: true,
      },
      curator,
    ),
  );
  must(await ledger.datasets.define(DATASET, curator, 'a tiny corpus'));
  must(await ledger.datasets.requestBuild(DATASET, manifestId, curator));
  const amended = must(await ledger.amend(s1, { bytes: text('The mitochondrion is the powerhouse of the cell.') }, alice)).id;
  must(await ledger.contribute.validation({ targets: [amended], verdict: 'approve', rationale: 'fixed' }, carol));
  // An approval cuts nothing by itself: the curator builds again (version 3 holds the amendment).
  must(await ledger.datasets.requestBuild(DATASET, manifestId, curator, { nonce: '0123456789abcdef' }));
  must(await cairn.catchUp());
  return { curator, alice, carol, samples: [s1, s2, s3], amended, manifestId };
}

/** A signed event as a remote contributor sends it (never the key). */
export function signed(type: string, payload: unknown, signer: Signer) {
  return must(signEvent(type, payload, signer));
}

/** A new contributor's registration, signed with its own new key. */
export function registration(name: string) {
  const signer = newSigner();
  return { signer, event: signed('ContributorRegistered', { publicKey: signer.publicKey, name }, signer) };
}

/** A sample event and its bytes as the batch body carries them. */
export function sampleItem(body: string, signer: Signer, extra: Record<string, unknown> = {}) {
  const bytes = text(body);
  const event = signed(
    'SampleContributed',
    { commitment: commitSample(bytes, undefined), mediaType: 'text/plain', size: bytes.length, license: 'MIT', source: 'http', ...extra },
    signer,
  );
  return { event, item: { envelope: event.envelope, sample: { bytes: Buffer.from(bytes).toString('base64') } } };
}

/** A server over a store opened at `dir`, listening on an ephemeral loopback port. */
export async function serveStore(dir: string): Promise<{ readonly cairn: Cairn; readonly server: CairnServer; readonly base: string }> {
  const cairn = await openStore(dir);
  const server = must(await createServer({ cairn, onError: () => undefined }));
  return { cairn, server, base: await server.listen(0, '127.0.0.1') };
}

/** A keyring folder (`<dir>/signers`) holding these signers by name, as `cairn keys` writes it. */
export async function writeKeyring(dir: string, signers: Record<string, Signer>): Promise<void> {
  await mkdir(path.join(dir, 'signers'), { recursive: true });
  for (const [name, signer] of Object.entries(signers))
    await writeFile(
      path.join(dir, 'signers', `${name}.json`),
      JSON.stringify({
        name,
        contributorId: signer.contributorId,
        secretKey: Buffer.from(signer.secretKey).toString('hex'),
        publicKey: publicKeyHexOf(signer.secretKey),
        previousKeys: [],
        revoked: false,
      }),
      { mode: 0o600 },
    );
}
