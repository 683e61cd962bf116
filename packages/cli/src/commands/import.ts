// cairn import PATH: a folder of files, or a JSONL / CSV file of samples, labels and validations,
// appended through the SDK's batch ingest (hashed, encrypted into the blob store, signed, checked,
// all or nothing per chunk). Every row is read and checked first, so a file with an invalid row
// appends nothing unless --skip-invalid says to append the rest (import/read-items.ts); then the
// rows are read again as they are appended (import/run-import.ts).
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import { isSpdxExpression } from '@cairn/core';
import { MediaType } from '@cairn/schemas';
import { DEFAULT_SEAL_SIZE, MAX_SEAL_SIZE, openLedger, type BatchOptions } from '@cairn/sdk';
import { DEFAULT_STORE_DIR, remoteLocationOf } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, orFail, usage } from '../fail.js';
import { fenceOf, isWithin } from '../import/fence.js';
import { invalidText, readImportItems, type ImportDefaults, type ReadItems, type Skipped } from '../import/read-items.js';
import { runImport, type ImportJson } from '../import/run-import.js';
import { openKeyring } from '../keyring.js';
import { emit } from '../output.js';
import { serverUrlOf } from '../read-session.js';
import { localDirOf, locationOf, withSession } from '../session.js';
import { globalsOf } from './common.js';
import { signerFor } from './datasets.js';

export type { ImportJson } from '../import/run-import.js';

const CHUNK = 256;
/** Invalid rows named in the error text; --json carries all of them. */
const SHOWN = 20;

interface ImportOptions {
  readonly as: string;
  readonly license?: string;
  readonly source?: string;
  readonly mediaType?: string;
  readonly personalData?: boolean;
  readonly skipInvalid?: boolean;
  /** False with --no-seal. */
  readonly seal?: boolean;
  readonly sealSize?: string;
}

const IMPORT_HELP = `
JSONL: one object per line (UTF-8; a leading byte order mark is ignored). A sample has one of
text | base64 | file (relative to the JSONL file's folder), and optionally license, source,
mediaType, attributes (an object), personalData (true: committed with a keyed HMAC instead of a
plain SHA-256), id. A label has targets, labelType, value (rationale); a validation has targets,
verdict (approve|reject|score), rationale (score). targets are CF ids (64 hex, even when all
digits), row numbers (1 = the first
row) or row ids. A sample row's id is kept in the log as attributes.importId (cairn show prints
it; not for personalData rows, as the log cannot forget it); a label or validation row's id only
names it for targets within the file. CSV: the same fields as columns (a header row), targets separated by ";",
attributes and value as JSON.

Every row is checked before anything is appended. A row is invalid when its bytes are not
well-formed UTF-8, its JSON is not strict (a duplicate key, a lone surrogate; attributes and
values nest at most 64 levels), a field is unknown, missing or wrong (license, source, targets…),
or its file is outside the file's folder (no "..", no absolute path, no symlink out) or inside the
Cairn store. By default a file with any invalid row appends nothing and exits 3, listing each row
(line, field, reason); --skip-invalid appends the valid rows and lists the others as skipped.

A folder: one sample per regular file, in path order, with --license and --source. Listed as
skipped (and not read): symlinks (not followed), hidden entries, the store folder, other file
types, empty or unreadable files. Duplicates (within the import, or already in the log) are
listed as skipped.

Exit codes: 0 done (also when every item was already in the log); 2 bad flags, or PATH unreadable
or inside the store; 3 invalid rows, nothing that can be imported, or a chunk the ledger refused
(the error says how many CFs of earlier chunks were appended).`;

export function registerImport(program: Command): void {
  program
    .command('import <path>')
    .description('import a folder of files (one sample each) or a JSONL / CSV file of samples, labels and validations')
    .requiredOption('--as <name>', 'the signer')
    .option('--license <spdx>', 'SPDX license of samples that do not name one (required for a folder)')
    .option('--source <id>', 'source of samples that do not name one (required for a folder)')
    .option('--media-type <type>', 'media type for every sample (default: from the file extension; text/plain for text rows)')
    .option('--personal-data', 'samples that do not say personalData are personal data (keyed HMAC commitments)')
    .option('--skip-invalid', 'append the valid rows and list the invalid ones as skipped (default: an invalid row appends nothing)')
    .option('--seal-size <n>', `CFs per sealed batch: one signature covers them all (default ${DEFAULT_SEAL_SIZE})`)
    .option('--no-seal', 'sign every CF on its own instead of sealing batches (the CF ids are the same)')
    .addHelpText('after', IMPORT_HELP)
    .action(async (target: string, opts: ImportOptions, command: Command) => {
      const defaults = defaultsOf(opts);
      const sealing = sealingOf(opts);
      const overHttp = serverUrlOf(globalsOf(command)) !== undefined;
      // An unknown signer is known before a large file is read and checked, not after.
      orFail(await keyringOf(command, overHttp).get(opts.as), (e) => e.message);
      const read = await readChecked(target, defaults, overHttp ? keyFoldersOf() : storeFoldersOf(command));
      const skipped: Skipped[] = [...read.skipped];
      if (read.invalid.length > 0) {
        if (!opts.skipInvalid) {
          const lines = read.invalid.slice(0, SHOWN).map((r) => `  ${invalidText(r)}`);
          if (read.invalid.length > SHOWN) lines.push(`  … and ${read.invalid.length - SHOWN} more (--json lists all)`);
          fail(
            ExitCode.rejected,
            `${target}: ${read.invalid.length} invalid row(s), nothing appended (fix them, or --skip-invalid to append the valid rows):\n${lines.join('\n')}`,
            { invalid: read.invalid },
          );
        }
        skipped.push(...read.invalid.map((r) => ({ item: r.item, field: r.field, reason: `${r.field}: ${r.reason}` })));
      }
      if (read.counts.sample + read.counts.label + read.counts.validation === 0) {
        const why =
          skipped.length === 0
            ? 'it is empty'
            : `${skipped.length} skipped: ${skipped
                .slice(0, 3)
                .map((s) => `${s.item}: ${s.reason}`)
                .join('; ')}${skipped.length > 3 ? '; …' : ''}`;
        fail(ExitCode.rejected, `${target}: nothing to import (${why})`, { skipped });
      }
      if (overHttp) {
        const globals = globalsOf(command);
        const url = serverUrlOf(globals)!;
        const location = remoteLocationOf(url, globals.store !== undefined ? '--store' : 'CAIRN_STORE');
        if (E.isLeft(location)) return fail(ExitCode.usage, location.left.message);
        const ledger = await openLedger({ url: location.right.url });
        try {
          const signer = orFail(await keyringOf(command, true).signer(opts.as), (e) => e.message);
          const out = await runImport(
            { ledger, json: globals.json === true, signer, tooLarge: (e) => e.http?.status === 413 },
            target,
            read,
            skipped,
            opts.as,
            { ...sealing, maxBytes: HTTP_CHUNK_BYTES },
          );
          emit(out, { json: globals.json === true }, importText);
        } finally {
          await ledger.close();
        }
        return;
      }
      await withSession(
        globalsOf(command),
        async (session) => {
          const signer = await signerFor(session, opts.as);
          const out = await runImport({ ...session, signer }, target, read, skipped, opts.as, sealing);
          emit(out, { json: session.json }, importText);
        },
        { verifyWorkers: 2 },
      );
    });
}

/** Sealed by default, a chunk per seal; --no-seal signs each CF and keeps the smaller chunks. */
function sealingOf(opts: ImportOptions): { readonly options: BatchOptions; readonly chunk: number } {
  if (opts.seal === false) {
    if (opts.sealSize !== undefined) usage('--seal-size', 'has no meaning with --no-seal');
    return { options: { seal: false }, chunk: CHUNK };
  }
  if (opts.sealSize === undefined) return { options: { seal: true }, chunk: DEFAULT_SEAL_SIZE };
  const size = /^[1-9][0-9]{0,5}$/.test(opts.sealSize) ? Number(opts.sealSize) : Number.NaN;
  if (!(size <= MAX_SEAL_SIZE))
    usage('--seal-size', `expected a whole number from 1 to ${MAX_SEAL_SIZE}, got ${JSON.stringify(opts.sealSize)}`);
  return { options: { seal: true, sealSize: size }, chunk: size };
}

function defaultsOf(opts: ImportOptions): ImportDefaults {
  if (opts.license !== undefined && !isSpdxExpression(opts.license))
    usage('--license', `${JSON.stringify(opts.license)} is not an SPDX expression`);
  if (opts.source !== undefined && !/\S/.test(opts.source)) usage('--source', 'must not be blank');
  if (opts.mediaType !== undefined && !MediaType.is(opts.mediaType))
    usage('--media-type', `${JSON.stringify(opts.mediaType)} is not a media type (type/subtype, lowercase)`);
  return {
    ...(opts.license !== undefined ? { license: opts.license } : {}),
    ...(opts.source !== undefined ? { source: opts.source } : {}),
    ...(opts.mediaType !== undefined ? { mediaType: opts.mediaType } : {}),
    ...(opts.personalData ? { personalData: true } : {}),
  };
}

/**
 * At most this much sample bytes in one POST to a server: half the server's default body limit,
 * as base64 and the envelopes grow a body by a third and more.
 */
const HTTP_CHUNK_BYTES = 6 * 1024 * 1024;

/** The keyring of signers: the store's own, or over HTTP, CAIRN_KEYS (default ./.cairn). */
function keyringOf(command: Command, overHttp: boolean) {
  return openKeyring(path.join(overHttp ? keysDir() : localDirOf(locationOf(globalsOf(command))), 'signers'));
}

const keysDir = (): string => process.env.CAIRN_KEYS ?? DEFAULT_STORE_DIR;

/** Over HTTP the store is the server's: only the local keys are never imported. */
const keyFoldersOf = (): string[] => [keysDir()];

/** Where the store keeps signers, sample keys and blobs: never read by an import. */
function storeFoldersOf(command: Command): string[] {
  const location = locationOf(globalsOf(command));
  const folders = [localDirOf(location)];
  if (location.kind === 'embedded') folders.push(location.dir);
  if (process.env.CAIRN_KEYS !== undefined) folders.push(process.env.CAIRN_KEYS);
  return folders;
}

async function readChecked(target: string, defaults: ImportDefaults, storeFolders: readonly string[]): Promise<ReadItems> {
  let real: string;
  let isFolder: boolean;
  try {
    real = await realpath(target);
    isFolder = (await stat(real)).isDirectory();
  } catch (cause) {
    return fail(ExitCode.usage, `${target}: cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  const store = (await fenceOf(real, storeFolders)).forbidden.find((dir) => isWithin(dir, real));
  if (store !== undefined) usage(target, `inside the Cairn store folder ${store} (its keys and blobs are never imported)`);
  if (isFolder && defaults.license === undefined) usage('--license', 'required for a folder import');
  if (isFolder && defaults.source === undefined) usage('--source', 'required for a folder import');
  try {
    return await readImportItems(real, defaults, (folder) => fenceOf(folder, storeFolders));
  } catch (cause) {
    // Only the file system's refusals are the user's to fix; anything else is a bug to surface.
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === undefined) throw cause;
    return fail(ExitCode.usage, `${target}: cannot be read (${code})`);
  }
}

export function importText(x: ImportJson): string {
  const lines = [
    `imported ${x.path} (${x.format}) as ${x.signer}: ${x.appended.sample} samples, ${x.appended.label} labels, ${x.appended.validation} validations appended`,
  ];
  if (x.skipped.length > 0) {
    lines.push(`skipped ${x.skipped.length}:`);
    for (const s of x.skipped) lines.push(`  ${s.item}: ${s.reason}`);
  }
  return lines.join('\n');
}
