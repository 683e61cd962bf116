// Automatic tree heads: after every append call the ledger's own key signs the whole log's size
// and RFC 6962 root, and the store's tree-heads file gets the head.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from '@jest/globals';
import { eventLeafHash, merkleRootOfLeafHashes, toHex } from '@cairn/core';
import { createInMemoryEventLog, type EventLog } from '@cairn/eventlog';
import { createLedger, type Ledger } from '../ledger.js';
import { createMemoryBlobStore } from '../blob-store/memory.js';
import { createMemoryKeyStore } from '../key-store/memory.js';
import { contributeSample, register, right } from '../__tests__/given.js';
import { openLogAnchor } from './anchor.js';
import { readLedgerKey, readTreeHeads, TREE_HEADS_FILE } from './folder.js';
import { treeHeadSignatureValid } from './tree-head.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function anchoredLedger(log: EventLog, dir: string): Promise<Ledger> {
  return createLedger({ log, blobs: createMemoryBlobStore(), keys: createMemoryKeyStore(), anchor: await openLogAnchor(log, dir) });
}

async function rootOfLog(log: EventLog): Promise<{ size: number; root: string }> {
  const all = await log.readAll();
  if (E.isLeft(all)) throw new Error('readAll failed');
  const leaves = all.right.map((e) => eventLeafHash(e)!);
  return { size: leaves.length, root: toHex(merkleRootOfLeafHashes(leaves)) };
}

async function heads(dir: string) {
  return (await readTreeHeads(path.join(dir, TREE_HEADS_FILE))).flatMap((e) => ('head' in e ? [e.head] : []));
}

describe('automatic tree heads', () => {
  it('given a ledger with a folder, when calls append, then each call adds one head signed by the ledger key over the whole log', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-heads-'));
    dirs.push(dir);
    const log = createInMemoryEventLog();
    const ledger = await anchoredLedger(log, dir);
    const alice = await register(ledger, 'alice');
    await contributeSample(ledger, alice, 'one');
    right(
      await ledger.contribute.batch(
        [
          { kind: 'sample', bytes: new TextEncoder().encode('two'), mediaType: 'text/plain', license: 'MIT', source: 's' },
          { kind: 'sample', bytes: new TextEncoder().encode('three'), mediaType: 'text/plain', license: 'MIT', source: 's' },
        ],
        alice,
      ),
    );
    const written = await heads(dir);
    // The batch is sealed (a seal, then its two samples), and the head covers their sealed leaves.
    expect(written.map((h) => h.treeHead.size)).toEqual([1, 2, 5]);
    expect(written[2]!.treeHead).toMatchObject(await rootOfLog(log));
    const key = (await readLedgerKey(dir, { create: false }))!;
    expect(
      written.every((h) => h.treeHead.ledgerKey === key.publicKey && treeHeadSignatureValid(h.treeHead, h.signature, key.publicKey)),
    ).toBe(true);
    // an append that adds nothing new writes no head
    await contributeSample(ledger, alice, 'one');
    expect(await heads(dir)).toHaveLength(3);
  });

  it('given events appended without the anchor in between, when the ledger appends again, then the head still covers the whole log', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-heads-'));
    dirs.push(dir);
    const log = createInMemoryEventLog();
    const first = await anchoredLedger(log, dir);
    const alice = await register(first, 'alice');
    const bare = createLedger({ log, blobs: createMemoryBlobStore(), keys: createMemoryKeyStore() });
    await contributeSample(bare, alice, 'not anchored');
    // a new ledger on the same folder resumes from the file's last head
    const again = await anchoredLedger(log, dir);
    await contributeSample(again, alice, 'anchored again');
    const written = await heads(dir);
    expect(written.at(-1)!.treeHead).toMatchObject({ ...(await rootOfLog(log)), size: 3 });
  });
});
