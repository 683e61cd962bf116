// The folder blob and key stores are acknowledged before the log append that names their files:
// a file whose directory entry is not on disk is gone after a power cut even though its bytes
// were flushed. node:fs/promises is wrapped to see which folders were flushed, and when.
import { mkdtemp } from 'node:fs/promises';
import * as fsPromises from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, jest } from '@jest/globals';

const journal: string[] = [];
jest.unstable_mockModule('node:fs/promises', () => ({
  ...fsPromises,
  default: fsPromises,
  // A file enters its folder by rename, or by link where it must not replace an existing name.
  rename: async (from: string, to: string) => {
    await fsPromises.rename(from, to);
    journal.push(`place ${to}`);
  },
  link: async (from: string, to: string) => {
    await fsPromises.link(from, to);
    journal.push(`place ${to}`);
  },
  open: async (...args: Parameters<typeof fsPromises.open>) => {
    const handle = await fsPromises.open(...args);
    const sync = handle.sync.bind(handle);
    const target = String(args[0]);
    handle.sync = async () => {
      await sync();
      if ((await handle.stat()).isDirectory()) journal.push(`sync-dir ${target}`);
    };
    return handle;
  },
}));

const { createFolderBlobStore } = await import('./blob-store/folder.js');
const { createFolderKeyStore } = await import('./key-store/folder.js');

/** True when `dir` was flushed after `file` was renamed or linked into it. */
const flushedAfterRename = (file: string) => {
  const renamed = journal.indexOf(`place ${file}`);
  return renamed >= 0 && journal.slice(renamed).includes(`sync-dir ${path.dirname(file)}`);
};

const address = (n: number) => n.toString(16).padStart(64, 'a');

describe('hardening: folder blob and key stores flush the folders that name their files', () => {
  it('given a folder blob store, when a blob and a batch are put, then each file was renamed into a folder that was flushed afterwards, and new folders were flushed in their parents', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cairn-durable-')), 'blobs');
    const blobs = createFolderBlobStore(dir);
    expect((await blobs.put(address(1), new Uint8Array([1, 2, 3])))._tag).toBe('Right');
    const single = path.join(dir, address(1).slice(0, 2), address(1));
    expect(flushedAfterRename(single)).toBe(true);
    expect(journal).toContain(`sync-dir ${dir}`);
    expect(journal).toContain(`sync-dir ${path.dirname(dir)}`);

    expect(
      (
        await blobs.putMany!([
          { address: address(2), ciphertext: new Uint8Array([4]) },
          { address: address(3), ciphertext: new Uint8Array([5]) },
        ])
      )._tag,
    ).toBe('Right');
    const segment = journal.filter((e) => e.startsWith(`place ${path.join(dir, 'segments')}`)).map((e) => e.slice('place '.length));
    expect(segment).toHaveLength(1);
    expect(flushedAfterRename(segment[0]!)).toBe(true);
  });

  it('given a folder key store, when a key record is put, then the file was renamed into a folder that was flushed afterwards', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cairn-durable-')), 'keys');
    const keys = createFolderKeyStore(dir);
    expect((await keys.put(address(4), { dataKey: new Uint8Array(32).fill(7) }))._tag).toBe('Right');
    expect(flushedAfterRename(path.join(dir, `${address(4)}.key`))).toBe(true);
  });
});
