// cairn export NAME@V --format jsonl|openlineage|croissant|mlflow|files|huggingface (export/formats.ts
// says what each is). The facts and the folder are the client's (versionExport, materialiseVersion,
// and from a server exportText and materialiseRemoteVersion); this file parses, calls and prints.
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import path from 'node:path';
import {
  DEFAULT_STORE_DIR,
  exportText,
  materialiseRemoteVersion,
  materialiseVersion,
  sendOpenLineage,
  versionExport as readVersionExport,
  type AsOf,
  type ExportError,
  type MaterialiseOptions,
  type MaterialisedExport,
  type TextExportFormat,
} from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { exitCodeOf, fail, messageOf, orFail, usage } from '../fail.js';
import { openKeyring } from '../keyring.js';
import { toJson } from '../output.js';
import { progressFor } from '../progress.js';
import { withSession, type Session } from '../session.js';
import { withReads, serverUrlOf, type ReadSession } from '../read-session.js';
import { toOpenLineage, type VersionExport } from '../export/formats.js';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf } from './common.js';
import { signerFor } from './datasets.js';
import { writeNamedFile } from '../files.js';

const FORMATS = ['jsonl', 'openlineage', 'croissant', 'mlflow', 'files', 'huggingface'] as const;
type ExportFormat = (typeof FORMATS)[number];
/** The formats that decrypt samples into a folder (need --as and --out DIR). */
const FOLDER_FORMATS: readonly string[] = ['files', 'huggingface'];

const orFailExport = <T>(r: E.Either<ExportError | { readonly _tag: string; readonly message: string }, T>): T => {
  if (E.isRight(r)) return r.right;
  fail(r.left._tag === 'AmbiguousCfPrefix' ? ExitCode.usage : exitCodeOf(r.left), messageOf(r.left));
};

export async function versionExport(session: Session, ref: string, asOf?: string): Promise<VersionExport> {
  return orFailExport(await readVersionExport(session.cairn, ref, asOfOf(asOf)));
}

interface ExportOptions {
  format: string;
  out?: string;
  asOf?: string;
  as?: string;
  force?: boolean;
  url?: string;
}

async function exportFolder(session: Session, ref: string, opts: ExportOptions): Promise<void> {
  const reader = await signerFor(session, opts.as!);
  await writeFolder(session.json, opts, (options) => materialiseVersion(session.cairn, ref, reader, opts.out!, options, asOfOf(opts.asOf)));
}

/**
 * The same folder from a server: the facts streamed, each sample a request signed with --as's key
 * (the server decrypts only for the author or a reader, never an erased sample).
 */
async function exportFolderOverHttp(session: ReadSession, ref: string, opts: ExportOptions): Promise<void> {
  const keyring = openKeyring(path.join(process.env.CAIRN_KEYS ?? DEFAULT_STORE_DIR, 'signers'));
  const reader = orFail(await keyring.signer(opts.as!), (e) => `--as: ${e.message}`);
  await writeFolder(session.json, opts, (options) =>
    materialiseRemoteVersion(session.remote!, ref, reader, opts.out!, options, asOfOf(opts.asOf)),
  );
}

/** Writes the folder (with a progress bar) and prints what was written. */
async function writeFolder(
  json: boolean,
  opts: ExportOptions,
  materialise: (options: MaterialiseOptions) => Promise<E.Either<ExportError, MaterialisedExport>>,
): Promise<void> {
  const layout = opts.format === 'huggingface' ? 'huggingface' : 'files';
  const progress = progressFor({ json });
  let started = false;
  const done = orFailExport(
    await materialise({
      force: opts.force === true,
      layout,
      onProgress: (n, total) => {
        if (!started) progress.start(total, 'export');
        started = true;
        progress.update(n);
      },
    }),
  );
  progress.stop();
  const x = done.export;
  const summary = {
    written: done.dir,
    format: layout,
    dataset: x.dataset,
    versionId: x.versionId,
    members: x.members.length,
    files: done.files.length,
    erased: done.erased,
  };
  const erasedNote =
    done.erased.length === 0 ? '' : `\n${done.erased.length} erased, not written, named in manifest.json: ${done.erased.join(', ')}`;
  process.stdout.write(
    json
      ? `${toJson(summary)}\n`
      : layout === 'huggingface'
        ? `${x.dataset}@${x.ordinal}: ${done.files.length} rows in data/train.jsonl and a dataset card README.md written to ${done.dir}${erasedNote}\n`
        : `${x.dataset}@${x.ordinal}: ${done.files.length} files, manifest.json, members.jsonl, croissant.json and wandb_manifest.json written to ${done.dir}${erasedNote}\n`,
  );
}

export function registerExport(program: Command): void {
  program
    .command('export <ref>')
    .description(
      'export NAME@VERSION: jsonl (members for a loader), openlineage (DatasetEvent + RunEvents, one per line; --url sends them to an OpenLineage endpoint), croissant (JSON-LD metadata), mlflow (the dataset input mlflow.log_input stores), files (decrypted samples in --out DIR with manifest.json, members.jsonl, croissant.json and a W&B artifact manifest), huggingface (data/train.jsonl and a dataset card in --out DIR); files and huggingface need --as a reader; erased members are named, never given a blob address',
    )
    .requiredOption('--format <format>', FORMATS.join(' | '))
    .option('--out <path>', 'write to a file instead of stdout; with --format files, the folder to fill')
    .option('--as <name>', 'with --format files: the reader (the author of every sample, or a holder of the reader role)')
    .option('--force', 'with --format files|huggingface: write into a folder that is not empty')
    .option(
      '--url <url>',
      'with --format openlineage: POST each event to this OpenLineage endpoint (e.g. http://localhost:5000/api/v1/lineage)',
    )
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (ref: string, opts: ExportOptions, command: Command) => {
      if (!FORMATS.includes(opts.format as ExportFormat)) fail(ExitCode.usage, `--format: expected one of ${FORMATS.join(', ')}`);
      const folder = FOLDER_FORMATS.includes(opts.format);
      if (folder && opts.out === undefined) usage('--out', `--format ${opts.format} writes a folder: give --out DIR`);
      if (folder && opts.as === undefined) usage('--as', 'decrypting samples needs a reader (--as NAME)');
      if (!folder && opts.as !== undefined) usage('--as', 'goes with --format files or huggingface');
      if (!folder && opts.force === true) usage('--force', 'goes with --format files or huggingface');
      if (opts.url !== undefined && opts.format !== 'openlineage') usage('--url', 'goes with --format openlineage');
      if (serverUrlOf(globalsOf(command)) !== undefined) {
        await withReads(globalsOf(command), (session) =>
          folder ? exportFolderOverHttp(session, ref, opts) : exportOverHttp(session, ref, opts),
        );
        return;
      }
      await withSession(globalsOf(command), async (session) => {
        await session.catchUp();
        if (folder) return exportFolder(session, ref, opts);
        const x = await versionExport(session, ref, opts.asOf);
        if (opts.url !== undefined) {
          const sent = orFailExport(await sendOpenLineage(opts.url, toOpenLineage(x)));
          const summary = { sent: sent.sent, url: opts.url, dataset: x.dataset, versionId: x.versionId };
          process.stdout.write(
            session.json ? `${toJson(summary)}\n` : `${x.dataset}@${x.ordinal}: ${sent.sent} OpenLineage events sent to ${opts.url}\n`,
          );
          return;
        }
        const text = exportText(x, opts.format as TextExportFormat);
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

/** Streams the server's export to stdout or --out, as the local export writes it. */
async function exportOverHttp(session: ReadSession, ref: string, opts: ExportOptions): Promise<void> {
  const remote = session.remote!;
  const asOf = asOfOf(opts.asOf);
  const stream = orFailExport(await remote.exportText(ref, opts.format as TextExportFormat, asOf));
  if (opts.url !== undefined) return sendOverHttp(session, ref, opts.url, stream, asOf);
  if (opts.out === undefined) {
    for await (const chunk of stream)
      if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    return;
  }
  await writeNamedFile('--out', opts.out, stream);
  // The summary's counts, as the server has the version: its members, and those erased since it was cut.
  const shown = orFailExport(await remote.datasetShow(ref, { limit: 0 }, asOf));
  const facts = orFailExport(await remote.cardFacts(ref, asOf));
  const summary = {
    written: opts.out,
    format: opts.format,
    dataset: shown.dataset,
    versionId: shown.versionId,
    members: shown.total,
    erased: facts.erased.length,
  };
  const erasedNote = summary.erased === 0 ? '' : `; ${summary.erased} erased, named in the export`;
  process.stdout.write(
    session.json
      ? `${toJson(summary)}\n`
      : `${shown.dataset}@${shown.ordinal} (${summary.members} members${erasedNote}) exported as ${opts.format} to ${opts.out}\n`,
  );
}

/** The server's OpenLineage events, sent on to --url one by one as the local export sends them. */
async function sendOverHttp(
  session: ReadSession,
  ref: string,
  url: string,
  stream: AsyncIterable<Uint8Array>,
  asOf: AsOf | undefined,
): Promise<void> {
  // One DatasetEvent and a RunEvent per run: a few lines, read whole before the first is sent.
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  let events: Record<string, unknown>[];
  try {
    events = Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  } catch {
    return fail(ExitCode.unavailable, `the server's OpenLineage export of ${ref} is not JSON Lines; nothing sent to ${url}`);
  }
  const sent = orFailExport(await sendOpenLineage(url, events));
  const shown = orFailExport(await session.remote!.datasetShow(ref, { limit: 0 }, asOf));
  const summary = { sent: sent.sent, url, dataset: shown.dataset, versionId: shown.versionId };
  process.stdout.write(
    session.json ? `${toJson(summary)}\n` : `${shown.dataset}@${shown.ordinal}: ${sent.sent} OpenLineage events sent to ${url}\n`,
  );
}
