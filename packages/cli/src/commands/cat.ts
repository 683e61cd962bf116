// cairn cat CF --as NAME: a sample's decrypted bytes on stdout (or --out FILE), for its author
// or a holder of the reader role; the read is the client's (readSampleBytes, or for a store given
// as a server's URL readRemoteSampleBytes: a request signed with NAME's key from CAIRN_KEYS).
import type { Command } from 'commander';
import path from 'node:path';
import { DEFAULT_STORE_DIR, cfPrefixOf, isFullCfId, readRemoteSampleBytes, readSampleBytes, remoteLocationOf } from '@cairn/client';
import * as E from 'fp-ts/lib/Either.js';
import { ExitCode } from '../exit-codes.js';
import { exitCodeOf, fail, messageOf, orFail } from '../fail.js';
import { printSampleBytes } from '../sample-bytes.js';
import { orFailRead, withSession, type GlobalOptions } from '../session.js';
import { serverUrlOf } from '../read-session.js';
import { openKeyring } from '../keyring.js';
import { globalsOf } from './common.js';
import { signerFor } from './datasets.js';

export function registerCat(program: Command): void {
  program
    .command('cat <cf>')
    .description("a sample's decrypted bytes (CF id or unique prefix), for its author or a holder of the reader role")
    .requiredOption('--as <name>', 'the reader: a signer in the keyring')
    .option('--out <file>', 'write the bytes to this file instead of stdout')
    .action(async (cf: string, opts: { as: string; out?: string }, command: Command) => {
      // A malformed id fails before the store is opened.
      if (!isFullCfId(cf)) orFailRead(cfPrefixOf(cf, 'CF'));
      const url = serverUrlOf(globalsOf(command));
      if (url !== undefined) return catRemote(url, globalsOf(command), cf, opts);
      await withSession(globalsOf(command), async (session) => {
        // A prefix names what the projections hold: a CF just appended must be found.
        if (!isFullCfId(cf)) await session.catchUp();
        const reader = await signerFor(session, opts.as);
        const read = await readSampleBytes(session.cairn, cf, reader);
        if (read._tag === 'Left')
          fail(read.left._tag === 'AmbiguousCfPrefix' ? ExitCode.usage : exitCodeOf(read.left), messageOf(read.left));
        const { cfId, bytes } = read.right;
        await printSampleBytes(session, cfId, bytes, opts.out);
      });
    });
}

async function catRemote(url: string, globals: GlobalOptions, cf: string, opts: { as: string; out?: string }): Promise<void> {
  const location = remoteLocationOf(url, globals.store !== undefined ? '--store' : 'CAIRN_STORE');
  if (E.isLeft(location)) return fail(ExitCode.usage, location.left.message);
  const keyring = openKeyring(path.join(process.env.CAIRN_KEYS ?? DEFAULT_STORE_DIR, 'signers'));
  const reader = orFail(await keyring.signer(opts.as), (e) => e.message);
  const read = await readRemoteSampleBytes(location.right, cf, reader);
  if (E.isLeft(read)) return fail(read.left._tag === 'AmbiguousCfPrefix' ? ExitCode.usage : exitCodeOf(read.left), messageOf(read.left));
  await printSampleBytes({ json: globals.json === true }, read.right.cfId, read.right.bytes, opts.out);
}
