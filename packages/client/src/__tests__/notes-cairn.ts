// The store the Cairn int specs start from: an embedded Cairn with a curator, alice and her
// samples, a manifest, and a dataset 'notes' with its first build requested. Made afresh for each
// describe block, closed and removed after it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey } from '@cairn/core';
import { withManifestDefaults } from '@cairn/schemas';
import type { Signer } from '@cairn/sdk';
import { openCairn, type Cairn } from '../index.js';

export const right = <T>(r: E.Either<unknown, T>): T => {
  if (E.isLeft(r)) throw new Error(`expected a value, got ${JSON.stringify(r.left)}`);
  return r.right;
};
export const text = (s: string) => new TextEncoder().encode(s);
// through JSON: the defaults are cloned in another realm (jest's vm), which canonical JSON refuses
export const MANIFEST = JSON.parse(
  JSON.stringify(withManifestDefaults({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0 } })),
) as unknown;

export interface NotesCairn {
  readonly cairn: Cairn;
  readonly curator: Signer;
  readonly alice: Signer;
  readonly manifestId: string;
  /** The ids of alice's samples, in the order given. */
  readonly samples: readonly string[];
  /** Where the first build was requested. */
  readonly builtAt: bigint;
  /** Contributes one more sample of alice's to the source 'notes'; answers its id. */
  readonly sample: (body: string, license?: string) => Promise<string>;
}

/** What goes in before the first build: alice's samples (MIT unless said), the dataset's description. */
export interface NotesGiven {
  readonly samples: readonly (string | { readonly body: string; readonly license: string })[];
  readonly description?: string;
}

/**
 * For a describe block: opens the store (called from its beforeAll, once), in a folder named
 * `cairn-<name>-…`, and removes it after the block. The projections are not caught up.
 */
export function notesCairn(name: string): (given: NotesGiven) => Promise<NotesCairn> {
  let dir: string | undefined;
  let cairn: Cairn | undefined;
  afterAll(async () => {
    await cairn?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return async (given) => {
    dir = await mkdtemp(path.join(os.tmpdir(), `cairn-${name}-`));
    cairn = right(await openCairn({ store: dir, create: true }));
    const { ledger } = cairn;
    const curator = right(await ledger.contributors.register(generateSigningKey(), { name: 'curator' }));
    const alice = right(await ledger.contributors.register(generateSigningKey(), { name: 'alice' }));
    const sample = async (body: string, license = 'MIT') =>
      right(await ledger.contribute.sample({ bytes: text(body), mediaType: 'text/plain', license, source: 'notes' }, alice)).id;
    const samples: string[] = [];
    for (const s of given.samples) samples.push(typeof s === 'string' ? await sample(s) : await sample(s.body, s.license));
    const { manifestId } = right(await ledger.manifests.define(MANIFEST, curator));
    right(await ledger.datasets.define('notes', curator, given.description ?? 'notes'));
    const builtAt = right(await ledger.datasets.requestBuild('notes', manifestId, curator)).position;
    return { cairn, curator, alice, manifestId, samples, builtAt, sample };
  };
}
