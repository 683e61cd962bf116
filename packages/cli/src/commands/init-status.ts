// cairn init / cairn status.
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import { emit, table } from '../output.js';
import { withSession } from '../session.js';
import { exitCodeOf, fail, messageOf } from '../fail.js';
import { withReads } from '../read-session.js';
import { globalsOf } from './common.js';
import { ledgerConfigPath, type StatusDocument } from '@cairn/client';
import { parseLimitOptions, writeLimits } from '../ledger-config.js';
import { LIMIT_NAMES } from '@cairn/sdk';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const INIT_HELP = `
Size limits (bytes; an event past one is refused with exit 3, naming the field and the limit):
${LIMIT_NAMES.join(', ')}.
--limit NAME=BYTES sets one for this store (repeat for several); it is kept in <store>/ledger.json
(for a Postgres or EventStoreDB store: in CAIRN_KEYS or ./.cairn), which every command reads.
Running init again on an existing store changes the limits named and keeps the others.
The defaults and hard caps are listed in packages/cli/README.md.`;

export type StatusJson = StatusDocument;

export function registerInitStatus(program: Command): void {
  program
    .command('init')
    .description('create a ledger in the store (an embedded folder by default) and its projection tables')
    .option('--limit <name=bytes>', 'a size limit for this store, e.g. source=4096 (repeat for several)', collect)
    .addHelpText('after', INIT_HELP)
    .action(async (opts: { limit?: string[] }, command: Command) => {
      const globals = globalsOf(command);
      // Checked before anything is created: a bad setting leaves no half-made store behind.
      const settings = parseLimitOptions(opts.limit ?? []);
      await withSession(
        globals,
        async (session) => {
          await session.catchUp();
          if (Object.keys(settings).length > 0) await writeLimits(session.localDir, settings);
          const where = session.location.kind === 'embedded' ? session.location.dir : session.location.kind;
          const limits = { ...session.limits, ...settings };
          emit(
            { store: where, ready: true, limits, config: ledgerConfigPath(session.localDir) },
            { json: session.json },
            () => `Cairn ledger ready in ${where}\nnext: cairn keys new NAME`,
          );
        },
        { create: true },
      );
    });

  program
    .command('status')
    .description('events, contributors, CFs by kind, datasets, versions and checkpoints in the store')
    .action(async (_opts, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const document = await session.statusDocument();
        if (E.isLeft(document)) fail(exitCodeOf(document.left), messageOf(document.left));
        const json: StatusJson = document.right;
        emit(json, { json: session.json }, (s) =>
          [
            `store        ${s.store}`,
            `log head     ${s.head ?? '(empty)'}`,
            `events       ${s.events}`,
            `contributors ${s.contributors}`,
            `CFs          ${s.cfs.sample} samples, ${s.cfs.label} labels, ${s.cfs.validation} validations`,
            `datasets     ${s.datasets} (${s.datasetVersions} versions)`,
            `checkpoints  ${s.checkpoints}`,
            '',
            table(
              ['projection', 'checkpoint', 'caught up', 'failed events'],
              s.projections.map((p) => [p.name, p.checkpoint ?? '-', p.caughtUp ? 'yes' : 'no', String(p.failedEvents)]),
            ),
            ...s.projections.flatMap((p) =>
              p.firstFailure === null ? [] : [`warning: ${p.failedEvents} event(s) not applied; first: ${p.firstFailure}`],
            ),
          ].join('\n'),
        );
      });
    });
}
