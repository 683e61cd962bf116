// A diff once computed is kept by the Cairn (datasets' diffReader): given two versions, when the
// same diff is asked again, then the versions' members are not read again (at one head through
// latestAt, no statement at all); and a diff asked as of a moment shows nothing after it, however
// often it is asked before and after what came later.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey } from '@cairn/core';
import type { Signer } from '@cairn/sdk';
import { withManifestDefaults } from '@cairn/schemas';
import { openCairn, type Cairn } from './index.js';

const right = <T>(r: E.Either<unknown, T>): T => {
  if (E.isLeft(r)) throw new Error(`expected a value, got ${JSON.stringify(r.left)}`);
  return r.right;
};
const text = (s: string) => new TextEncoder().encode(s);
// through JSON: the defaults are cloned in another realm (jest's vm), which canonical JSON refuses
const MANIFEST = JSON.parse(
  JSON.stringify(withManifestDefaults({ licensePolicy: { allowed: ['MIT'] }, minApprovals: { count: 0 } })),
) as unknown;

describe('Cairn.diff: kept once computed, pinned to the moment asked', () => {
  let dir: string;
  let cairn: Cairn;
  let alice: Signer;
  let second: string;
  /** The head once notes@2 is cut, before the asset. */
  let cutAt: bigint;
  const statements: string[] = [];
  const memberReads = () => statements.filter((s) => /from "datasets_versions"/.test(s)).length;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-diff-kept-'));
    cairn = right(await openCairn({ store: dir, create: true }));
    const { ledger } = cairn;
    const curator = right(await ledger.contributors.register(generateSigningKey(), { name: 'curator' }));
    alice = right(await ledger.contributors.register(generateSigningKey(), { name: 'alice' }));
    const sample = (s: string) =>
      ledger.contribute.sample({ bytes: text(s), mediaType: 'text/plain', license: 'MIT', source: 'notes' }, alice);
    right(await sample('first'));
    const { manifestId } = right(await ledger.manifests.define(MANIFEST, curator));
    right(await ledger.datasets.define('notes', curator, 'notes'));
    right(await ledger.datasets.requestBuild('notes', manifestId, curator));
    second = right(await sample('second')).id;
    right(await ledger.datasets.requestBuild('notes', manifestId, curator));
    right(await cairn.catchUp());
    cutAt = right(await ledger.log.head())!;
    const executor = cairn.store.db.getExecutor();
    const send = executor.executeQuery.bind(executor);
    executor.executeQuery = ((query: Parameters<typeof send>[0]) => {
      statements.push(query.sql);
      return send(query);
    }) as typeof executor.executeQuery;
  }, 120_000);
  afterAll(async () => {
    await cairn?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('given a diff asked once, when asked again, then the members are not read again, and at one head through latestAt no statement is sent', async () => {
    statements.length = 0;
    const first = right(await cairn.diff('notes@1', 'notes@2'));
    expect(first.added.map((e) => e.cfId)).toEqual([second]);
    expect(memberReads()).toBe(1);
    expect(right(await cairn.diff('notes@1', 'notes@2'))).toEqual(first);
    expect(memberReads()).toBe(1);

    const head = right(await cairn.ledger.log.head());
    const reads = cairn.latestAt(head);
    expect(right(await reads.diff('notes@1', 'notes@2'))).toEqual(first);
    const sent = statements.length;
    expect(right(await reads.diff('notes@1', 'notes@2'))).toEqual(first);
    expect(statements.length).toBe(sent);
    expect(memberReads()).toBe(1);
  });

  it('given an asset assembled after notes@2, when the diff is asked as of the cut, then it has no asset, before and after the diff now is kept', async () => {
    const before = right(await cairn.diff('notes@1', 'notes@2', cutAt));
    expect(before.assets).toEqual([]);
    right(await cairn.ledger.assets.assemble({ name: 'shelf', members: [second], transformations: [] }, alice));
    right(await cairn.catchUp());
    const now = right(await cairn.diff('notes@1', 'notes@2'));
    expect(now.assets).toEqual([expect.objectContaining({ name: 'shelf', added: 1, removed: 0 })]);
    expect(right(await cairn.diff('notes@1', 'notes@2', cutAt))).toEqual(before);
  });
});
