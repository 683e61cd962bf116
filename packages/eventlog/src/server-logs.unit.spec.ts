// The server logs' client libraries load only when a server log is made: a process on the
// embedded log (every CLI query on a folder store) never pays for them.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import type * as Entry from './index.js';

const entry = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/index.js')).href;

/** Runs `body` in a fresh Node after importing the built entry as `log`; answers the server client packages it loaded. */
function clientsLoadedAfter(body: string): string[] {
  const script = `
    import { createRequire } from 'node:module';
    const log = await import(${JSON.stringify(entry)});
    ${body}
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    const names = new Set(loaded.map((f) => f.match(/node_modules\\/(pg|@eventstore\\/db-client)\\//)?.[1]).filter(Boolean));
    console.log(JSON.stringify([...names].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
}

describe('server log clients, loaded on demand', () => {
  it('given a process that opens an in-memory log, then neither pg nor the EventStoreDB client is loaded', () => {
    expect(clientsLoadedAfter(`const l = log.createInMemoryEventLog(); await l.head(); await l.close();`)).toEqual([]);
  });

  it('given a process that makes an EventStoreDB log and reads its head, then the EventStoreDB client is loaded (and pg is not)', () => {
    const fake = `{ readStream: async function* () {}, appendToStream: async () => ({}), dispose: async () => undefined }`;
    expect(clientsLoadedAfter(`const l = log.createEventStoreDbEventLog(${fake}); await l.head(); await l.close();`)).toEqual([
      '@eventstore/db-client',
    ]);
  });

  it('given an esdb:// connection string the client refuses, when the log is used, then each call answers Unavailable naming the reason', async () => {
    const { openEventStoreDbEventLog } = (await import(entry)) as typeof Entry;
    const log = openEventStoreDbEventLog('not-a-connection-string');
    const head = await log.head();
    expect(head._tag).toBe('Left');
    if (head._tag === 'Left') expect(head.left).toMatchObject({ _tag: 'Unavailable', reason: expect.any(String) });
    await log.close();
  });
});
