// `cairn verify --since`, through the real binary on the embedded store (the ledger is prepared in
// the process kept for this file, cli-run.ts cairnHere). The reader trusts a head it checked
// before (a checkpoint in the log, or a signed tree head it kept); the attacker owns the store's
// database and changes rows with SQL. A change before the head must break its root; a change
// after it must be named by the per-event checks, as a full verify names it.
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { cairn, cairnJsonHere } from './__tests__/cli-run.js';
import { initStore } from './__tests__/init-store.js';

interface Base {
  readonly dir: string;
  readonly before: string;
  readonly after: string;
  readonly checkpoint: { readonly eventId: string; readonly position: string; readonly size: number };
  /** `cairn tree-head --json` as the reader kept it, after the last event. */
  readonly head: string;
}

interface VerifyOutput {
  readonly ok: boolean;
  readonly log: {
    readonly events: number;
    readonly trusted?: { readonly size: number; readonly ok: boolean };
    readonly firstBad: { readonly eventId: string; readonly check: string; readonly reason: string } | null;
  };
  readonly projections: unknown;
  readonly samples: unknown;
}

let base: Base;

const contribute = (dir: string, text: string) =>
  cairnJsonHere<{ id: string }>(dir, {}, 'contribute', 'sample', '--as', 'alice', '--text', text, '--license', 'MIT', '--source', 'notes');

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-since-'));
  await initStore(dir, {}, cairnJsonHere);
  await cairnJsonHere(dir, {}, 'keys', 'new', 'alice');
  const before = (await contribute(dir, 'before the checkpoint')).id;
  const checkpoint = await cairnJsonHere<Base['checkpoint']>(dir, {}, 'checkpoint', '--as', 'alice');
  const after = (await contribute(dir, 'after the checkpoint')).id;
  const head = JSON.stringify(await cairnJsonHere(dir, {}, 'tree-head'));
  base = { dir, before, after, checkpoint, head };
}, 120_000);

/** A fresh copy of the base store, its log changed by `statements` (the append-only trigger off). */
async function attacked(...statements: string[]): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-since-'));
  const storeDir = path.join(dir, '.cairn');
  await cp(path.join(base.dir, '.cairn'), storeDir, { recursive: true });
  if (statements.length > 0) {
    const db = await PGlite.create({ dataDir: path.join(storeDir, 'log') });
    try {
      await db.exec('alter table cairn_log disable trigger cairn_log_no_update');
      for (const s of statements) await db.exec(s);
      await db.exec('alter table cairn_log enable trigger cairn_log_no_update');
    } finally {
      await db.close();
    }
  }
  return { dir, env: { CAIRN_STORE: storeDir } };
}

async function verifySince(s: { dir: string; env: NodeJS.ProcessEnv }, since: string) {
  const r = await cairn(s.dir, s.env, '--json', 'verify', '--since', since);
  return { code: r.code, stderr: r.stderr, out: r.stdout === '' ? undefined : (JSON.parse(r.stdout) as VerifyOutput) };
}

/** Another signature in the stored event's envelope: its id still matches its bytes. */
const forgeSignature = (id: string) =>
  `update cairn_log set data = regexp_replace(data, '"signature":"[0-9a-f]{128}"', '"signature":"${'cd'.repeat(64)}"') where id = decode('${id}', 'hex')`;

describe('hardening: cairn verify --since a trusted head', () => {
  it('given the store as it was written, when verify --since the checkpoint runs, then the events before it are held to its root and only those after it are checked', async () => {
    const { code, out } = await verifySince(await attacked(), base.checkpoint.position);
    expect(code).toBe(0);
    expect(out?.log.trusted).toMatchObject({ size: base.checkpoint.size, ok: true });
    expect(out?.log.events).toBe(base.checkpoint.size + 2);
    // The tables and the sample stores are not what --since answers for.
    expect(out).toMatchObject({ ok: true, projections: null, samples: null });
  }, 120_000);

  it('given a signature replaced before the checkpoint, when verify --since its event id runs, then the root gives it away', async () => {
    const { code, out } = await verifySince(await attacked(forgeSignature(base.before)), base.checkpoint.eventId);
    expect(code).toBe(1);
    expect(out?.log.firstBad).toMatchObject({ check: 'trusted', reason: expect.stringContaining('changed, dropped or reordered') });
  }, 120_000);

  it('given a signature replaced after the checkpoint, when verify --since runs, then that event is named by its signature check', async () => {
    const { code, out } = await verifySince(await attacked(forgeSignature(base.after)), base.checkpoint.position);
    expect(code).toBe(1);
    expect(out?.log.trusted).toMatchObject({ ok: true });
    expect(out?.log.firstBad).toMatchObject({ check: 'signature', eventId: base.after });
  }, 120_000);

  it('given a tree head the reader kept, when the event after the checkpoint is changed, then verify --since that head fails by its root', async () => {
    const s = await attacked(forgeSignature(base.after));
    const file = path.join(s.dir, 'head.json');
    await writeFile(file, base.head);
    const { code, out } = await verifySince(s, file);
    expect(code).toBe(1);
    expect(out?.log.firstBad).toMatchObject({ check: 'trusted' });
  }, 120_000);

  it('given a tree head whose signature is not the ledger key’s, or a position that is no checkpoint, then verify refuses --since naming why', async () => {
    const s = await attacked();
    const forged = JSON.parse(base.head) as { treeHead: { size: number } };
    const file = path.join(s.dir, 'forged.json');
    await writeFile(file, JSON.stringify({ ...forged, treeHead: { ...forged.treeHead, size: forged.treeHead.size - 1 } }));
    const bad = await verifySince(s, file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("the tree head's signature does not verify under the ledger key it names");
    expect(bad.stderr).toContain('--since');
    const notCheckpoint = await verifySince(s, String(Number(base.checkpoint.position) - 1));
    expect(notCheckpoint.code).toBe(2);
    expect(notCheckpoint.stderr).toContain('not a LogCheckpointed');
  }, 120_000);
});
