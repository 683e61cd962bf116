// cairn import PATH: a folder of files, or a JSONL / CSV file of samples, labels and validations,
// appended through the SDK's batch ingest (hashed, encrypted into the blob store, signed, checked,
// all or nothing per chunk). Samples go first, then labels, then validations, so a row can target
// an earlier row of the same file by number or by its `id`.
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import type { ContributionInput, Receipt } from '@cairn/sdk';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf } from '../fail.js';
import { readImportItems, type ImportItem, type Skipped, type TargetRef } from '../import/read-items.js';
import { emit } from '../output.js';
import { progressFor } from '../progress.js';
import { withSession, type Session } from '../session.js';
import { globalsOf } from './common.js';
import { signerFor } from './datasets.js';

const CHUNK = 256;

export interface ImportJson {
  readonly path: string;
  readonly format: 'folder' | 'jsonl' | 'csv';
  readonly signer: string;
  readonly appended: { readonly sample: number; readonly label: number; readonly validation: number };
  /** Every CF the import names, appended now or already in the log. */
  readonly cfs: readonly { readonly item: string; readonly kind: string; readonly cfId: string; readonly position: string; readonly alreadyAppended: boolean }[];
  readonly skipped: readonly Skipped[];
}

interface ImportOptions {
  readonly as: string;
  readonly license?: string;
  readonly source?: string;
  readonly mediaType?: string;
}

export function registerImport(program: Command): void {
  program
    .command('import <path>')
    .description('import a folder of files (one sample each) or a JSONL / CSV file of samples, labels and validations')
    .requiredOption('--as <name>', 'the signer')
    .option('--license <spdx>', 'SPDX license of samples that do not name one (required for a folder)')
    .option('--source <id>', 'source of samples that do not name one (required for a folder)')
    .option('--media-type <type>', 'media type for every sample (default: from the file extension; text/plain for text rows)')
    .addHelpText(
      'after',
      `
JSONL: one object per line. A sample has text | base64 | file (relative to the JSONL file), and
optionally license, source, mediaType, attributes, id. A label has targets, labelType, value
(rationale); a validation has targets, verdict (approve|reject|score), rationale (score). targets
are CF ids, row numbers (1 = the first row) or row ids. CSV: the same fields as columns, targets
separated by ";". Skipped (and said why): empty files, unreadable files, bad or missing licenses,
duplicates (within the import or already in the log).`,
    )
    .action(async (target: string, opts: ImportOptions, command: Command) => {
      let read: Awaited<ReturnType<typeof readImportItems>>;
      try {
        read = await readImportItems(target, { ...(opts.license ? { license: opts.license } : {}), ...(opts.source ? { source: opts.source } : {}), ...(opts.mediaType ? { mediaType: opts.mediaType } : {}) });
      } catch (cause) {
        fail(ExitCode.usage, `${target}: cannot be read (${cause instanceof Error ? cause.message : String(cause)})`);
      }
      await withSession(
        globalsOf(command),
        async (session) => {
          const out = await runImport(session, target, read.format, read.items, read.skipped, opts.as);
          emit(out, { json: session.json }, importText);
        },
        { verifyWorkers: 2 },
      );
    });
}

async function runImport(session: Session, target: string, format: ImportJson['format'], items: readonly ImportItem[], readSkipped: readonly Skipped[], signerName: string): Promise<ImportJson> {
  const signer = await signerFor(session, signerName);
  const skipped: Skipped[] = [...readSkipped];
  const cfs: ImportJson['cfs'][number][] = [];
  const byRow = new Map<number, string>();
  const byRef = new Map<string, string>();
  const appended = { sample: 0, label: 0, validation: 0 };
  const progress = progressFor({ json: session.json });
  progress.start(items.length, 'importing');
  let done = 0;

  // The same bytes twice in one import would be one sample with two claims of origin: keep the first.
  const seen = new Map<string, string>();
  const samples: ImportItem[] = [];
  for (const item of items) {
    if (item.kind !== 'sample') continue;
    const hash = createHash('sha256').update(item.bytes).digest('hex');
    const first = seen.get(hash);
    if (first !== undefined) skipped.push({ item: item.item, reason: `duplicate of ${first}` });
    else {
      seen.set(hash, item.item);
      samples.push(item);
    }
  }

  const resolve = (t: TargetRef): string | undefined => ('cfId' in t ? t.cfId : 'row' in t ? byRow.get(t.row) : byRef.get(t.ref));
  const describe = (t: TargetRef): string => ('cfId' in t ? t.cfId : 'row' in t ? `row ${t.row}` : `id ${JSON.stringify(t.ref)}`);

  for (const kind of ['sample', 'label', 'validation'] as const) {
    const phase = kind === 'sample' ? samples : items.filter((i) => i.kind === kind);
    const ready: { item: ImportItem; input: ContributionInput }[] = [];
    for (const item of phase) {
      const input = inputOf(item, resolve);
      if (typeof input === 'string' || input === undefined) {
        const missing = item.kind === 'sample' ? [] : item.targets.filter((t) => resolve(t) === undefined).map(describe);
        skipped.push({ item: item.item, reason: `target ${missing.join(', ')} was not imported (skipped or unknown)` });
        done += 1;
        continue;
      }
      ready.push({ item, input });
    }
    for (let i = 0; i < ready.length; i += CHUNK) {
      const chunk = ready.slice(i, i + CHUNK);
      const r = await session.ledger.contribute.batch(chunk.map((c) => c.input), signer);
      if (E.isLeft(r)) {
        progress.stop();
        const index = (r.left as { index?: number }).index;
        const at = index !== undefined ? chunk[index]?.item.item : `${chunk[0]!.item.item} … ${chunk.at(-1)!.item.item}`;
        fail(ExitCode.rejected, `${at}: ${messageOf(r.left)} (nothing of this chunk was appended; ${cfs.length} CFs before it were)`, { error: r.left, cfs });
      }
      r.right.forEach((receipt: Receipt, j) => {
        const { item } = chunk[j]!;
        if (item.row > 0) byRow.set(item.row, receipt.id);
        if (item.ref !== undefined) byRef.set(item.ref, receipt.id);
        cfs.push({ item: item.item, kind, cfId: receipt.id, position: receipt.position.toString(), alreadyAppended: receipt.alreadyAppended });
        if (receipt.alreadyAppended) skipped.push({ item: item.item, reason: `duplicate: already in the log as ${receipt.id}` });
        else appended[kind] += 1;
      });
      done += chunk.length;
      progress.update(done);
    }
  }
  progress.update(items.length);
  progress.stop();
  return { path: target, format, signer: signerName, appended, cfs, skipped };
}

function inputOf(item: ImportItem, resolve: (t: TargetRef) => string | undefined): ContributionInput | undefined {
  if (item.kind === 'sample') {
    return { kind: 'sample', bytes: item.bytes, mediaType: item.mediaType, license: item.license, source: item.source, ...(item.attributes ? { attributes: item.attributes } : {}) };
  }
  const targets = item.targets.map(resolve);
  if (targets.some((t) => t === undefined)) return undefined;
  const ids = targets as string[];
  if (item.kind === 'label') return { kind: 'label', targets: ids, labelType: item.labelType, value: item.value, ...(item.rationale ? { rationale: item.rationale } : {}) };
  return { kind: 'validation', targets: ids, verdict: item.verdict, rationale: item.rationale, ...(item.score !== undefined ? { score: item.score } : {}) };
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
