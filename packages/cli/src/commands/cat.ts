// cairn cat CF --as NAME: a sample's decrypted bytes on stdout (or --out FILE), for its author
// or a holder of the reader role; the read is the client's (readSampleBytes).
import type { Command } from 'commander';
import { cfPrefixOf, isFullCfId, readSampleBytes } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { exitCodeOf, fail, messageOf } from '../fail.js';
import { printSampleBytes } from '../sample-bytes.js';
import { orFailRead, withSession } from '../session.js';
import { notOverHttpYet } from '../read-session.js';
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
      notOverHttpYet(globalsOf(command), 'cairn cat');
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
