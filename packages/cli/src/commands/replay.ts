// cairn replay [PROJECTION] [--to POSITION]: the runner's rebuild. Without --to the live tables are
// dropped and replayed from zero (they come back byte-identical: design.md section 4); with --to
// the replay stops at that position and goes into a separate schema, so the live tables stay
// current while the past is inspected.
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { fail, orFail } from '../fail.js';
import { emit, table } from '../output.js';
import { withSession } from '../session.js';
import { globalsOf } from './common.js';

export interface ReplayJson {
  readonly to: string | null;
  readonly schema: string | null;
  readonly projections: readonly { readonly name: string; readonly events: number; readonly to: string | null }[];
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

export function registerReplay(program: Command): void {
  program
    .command('replay [projection]')
    .description('rebuild a projection (default: all) from the log; with --to, up to a position into a separate schema')
    .option('--to <position>', 'replay only events at or before this log position (into --schema)')
    .option('--schema <name>', 'the schema a --to replay writes to (default replay_<to>)')
    .action(async (name: string | undefined, opts: { to?: string; schema?: string }, command: Command) => {
      if (opts.to !== undefined && !/^\d+$/.test(opts.to))
        fail(ExitCode.usage, `--to: expected a log position (digits), got ${JSON.stringify(opts.to)}`);
      if (opts.schema !== undefined && opts.to === undefined)
        fail(ExitCode.usage, '--schema: only with --to (a full replay rebuilds the live tables)');
      const to = opts.to === undefined ? undefined : BigInt(opts.to);
      const schema = to === undefined ? undefined : (opts.schema ?? `replay_${to}`);
      if (schema !== undefined && !SCHEMA.test(schema))
        fail(ExitCode.usage, `--schema: expected a lowercase SQL identifier, got ${JSON.stringify(schema)}`);
      await withSession(globalsOf(command), async (session) => {
        const names = session.projections.map((p) => p.name);
        if (name !== undefined && !names.includes(name))
          fail(ExitCode.notFound, `no projection named ${JSON.stringify(name)} (there are ${names.join(', ')})`);
        const out: ReplayJson['projections'][number][] = [];
        for (const p of name === undefined ? names : [name]) {
          const r = orFail(
            await session.runner.rebuild(p, { ...(to !== undefined ? { to } : {}), ...(schema !== undefined ? { schema } : {}) }),
            (e) => e.message,
          );
          out.push({ name: p, events: r.events, to: r.to === null ? null : r.to.toString() });
        }
        await session.catchUp();
        emit({ to: opts.to ?? null, schema: schema ?? null, projections: out }, { json: session.json }, (x) =>
          [
            x.schema === null
              ? 'replayed from zero into the live tables'
              : `replayed up to position ${x.to} into schema ${x.schema} (the live tables are untouched)`,
            table(
              ['projection', 'events', 'checkpoint'],
              x.projections.map((p) => [p.name, String(p.events), p.to ?? '-']),
            ),
          ].join('\n'),
        );
      });
    });
}
