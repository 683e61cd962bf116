// cairn export NAME@V --format jsonl|openlineage|croissant (export/formats.ts says what each is).
import path from 'node:path';
import type { Command } from 'commander';
import { erasuresOf, licenses, memberFacts, versionRuns } from '@cairn/datasets';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail } from '../fail.js';
import { toJson } from '../output.js';
import { withSession, type Session } from '../session.js';
import { toCroissant, toJsonl, toOpenLineage, type VersionExport } from '../export/formats.js';
import { AS_OF_FLAGS, AS_OF_HELP, globalsOf } from './common.js';
import { resolveVersionArg } from './datasets.js';
import { writeNamedFile } from '../files.js';

const FORMATS = ['jsonl', 'openlineage', 'croissant'] as const;
type ExportFormat = (typeof FORMATS)[number];

export async function versionExport(session: Session, ref: string, asOf?: string): Promise<VersionExport> {
  const v = await resolveVersionArg(session, ref, asOf);
  const report = orFail(await licenses(session.db, v.versionId), messageOf);
  const members = orFail(await memberFacts(session.db, session.ledger.log, v.versionId), messageOf);
  // erased as of now, whatever --as-of picked: the bytes are gone today
  const erased = await erasuresOf(
    session.db,
    members.map((m) => m.cfId),
  );
  return {
    dataset: v.dataset,
    ordinal: v.ordinal,
    versionId: v.versionId,
    manifestId: report.version.manifestId,
    merkleRoot: report.version.merkleRoot,
    blobStore: path.resolve(session.localDir, 'blobs'),
    members,
    erased,
    licenses: report.licenses,
    runs: await versionRuns(session.db, v.versionId),
    time: new Date().toISOString(),
  };
}

export function render(x: VersionExport, format: ExportFormat): string {
  if (format === 'jsonl') return toJsonl(x);
  // OpenLineage transports carry one event per line.
  if (format === 'openlineage')
    return toOpenLineage(x)
      .map((e) => `${JSON.stringify(e)}\n`)
      .join('');
  return `${toJson(toCroissant(x))}\n`;
}

export function registerExport(program: Command): void {
  program
    .command('export <ref>')
    .description(
      'export NAME@VERSION: jsonl (members for a loader), openlineage (DatasetEvent + RunEvents, one per line), croissant (JSON-LD with sha256 checksums); erased members are named, never given a blob address',
    )
    .requiredOption('--format <format>', FORMATS.join(' | '))
    .option('--out <file>', 'write to a file instead of stdout')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (ref: string, opts: { format: string; out?: string; asOf?: string }, command: Command) => {
      if (!FORMATS.includes(opts.format as ExportFormat)) fail(ExitCode.usage, `--format: expected one of ${FORMATS.join(', ')}`);
      await withSession(globalsOf(command), async (session) => {
        await session.catchUp();
        const x = await versionExport(session, ref, opts.asOf);
        const text = render(x, opts.format as ExportFormat);
        if (opts.out === undefined) {
          process.stdout.write(text);
          return;
        }
        await writeNamedFile('--out', opts.out, text);
        const summary = {
          written: opts.out,
          format: opts.format,
          dataset: x.dataset,
          versionId: x.versionId,
          members: x.members.length,
          erased: x.erased.size,
        };
        const erasedNote = x.erased.size === 0 ? '' : `; ${x.erased.size} erased, named in the export`;
        process.stdout.write(
          session.json
            ? `${toJson(summary)}\n`
            : `${x.dataset}@${x.ordinal} (${x.members.length} members${erasedNote}) exported as ${opts.format} to ${opts.out}\n`,
        );
      });
    });
}
