// The appending half of `cairn import`: what was read and checked, appended through the SDK's
// batch ingest a chunk at a time. Samples go first, then labels, then validations, so a row can
// target an earlier row of the same file by number or by its `id`. Items are taken from the file
// as the chunks need them, so at most the chunk being appended and the one prepared after it are
// held, whatever the file's length.
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { BatchOptions, ContributionInput, LedgerError, LedgerWrites, Receipt, Signer } from '@cairn/sdk';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf } from '../fail.js';
import { progressFor } from '../progress.js';
import type { ImportItem, ReadItems, Skipped, TargetRef } from './items.js';
import { ChangedWhileRead } from './row-items.js';

export interface ImportJson {
  readonly path: string;
  readonly format: 'folder' | 'jsonl' | 'csv';
  readonly signer: string;
  readonly appended: { readonly sample: number; readonly label: number; readonly validation: number };
  /** Every CF the import names, appended now or already in the log. */
  readonly cfs: readonly {
    readonly item: string;
    readonly kind: string;
    readonly cfId: string;
    readonly position: string;
    readonly alreadyAppended: boolean;
    readonly id?: string;
  }[];
  readonly skipped: readonly Skipped[];
}

/** What an import needs of where it appends: a local session's ledger or a server's. */
export interface ImportTarget {
  readonly ledger: { readonly contribute: Pick<LedgerWrites['contribute'], 'prepare' | 'append'> };
  readonly json: boolean;
  readonly signer: Signer;
  /** Whether a chunk's refusal was for its size alone (a server with a smaller body limit). */
  readonly tooLarge?: (error: LedgerError) => boolean;
}

export interface Sealing {
  readonly options: BatchOptions;
  readonly chunk: number;
  /** At most this many sample bytes in a chunk (over HTTP). */
  readonly maxBytes?: number;
}

type Kind = ImportItem['kind'];

interface Ready {
  readonly item: ImportItem;
  readonly input: ContributionInput;
  /** A sample's entry among the bytes seen, told its CF once appended. */
  readonly first?: First;
}

interface First {
  readonly item: string;
  cfId?: string;
}

export async function runImport(
  session: ImportTarget,
  target: string,
  read: ReadItems,
  readSkipped: readonly Skipped[],
  signerName: string,
  sealing: Sealing,
): Promise<ImportJson> {
  const { signer } = session;
  const total = read.counts.sample + read.counts.label + read.counts.validation;
  // Rows are looked up by number or id only by labels and validations.
  const targeted = read.counts.label + read.counts.validation > 0;
  // Only --json prints every CF (a refusal's detail too); the text names how many.
  const cfs: ImportJson['cfs'][number][] = [];
  let cfCount = 0;
  const byRow = new Map<number, string>();
  const byRef = new Map<string, string>();
  const appended = { sample: 0, label: 0, validation: 0 };
  const progress = progressFor({ json: session.json });
  progress.start(total, 'importing');
  let done = 0;

  // The same bytes twice in one import would be one sample with two claims of origin: keep the
  // first; rows that target the second get the first's CF. Listed before everything the appends
  // find, as when every sample was hashed before the first append.
  const seen = new Map<string, First>();
  const duplicateSkips: Skipped[] = [];
  const duplicates: { readonly row: number; readonly ref?: string; readonly first: First }[] = [];
  const laterSkips: Skipped[] = [];
  let limits: { rows: number; bytes: number | undefined } = { rows: sealing.chunk, bytes: sealing.maxBytes };

  const resolve = (t: TargetRef): string | undefined => ('cfId' in t ? t.cfId : 'row' in t ? byRow.get(t.row) : byRef.get(t.ref));
  const describe = (t: TargetRef): string => ('cfId' in t ? t.cfId : 'row' in t ? `row ${t.row}` : `id ${JSON.stringify(t.ref)}`);

  for (const kind of ['sample', 'label', 'validation'] as const) {
    if (read.counts[kind] === 0) continue;
    // A phase's targets are resolved against the phases before it only (a label does not target a
    // label), so its own CFs become targets when it ends.
    const named: [number, string | undefined, string][] = [];
    const unresolved: Skipped[] = [];
    const inLog: Skipped[] = [];
    const source = readyOf(kind)[Symbol.asyncIterator]();
    // The items taken from the file and not yet appended: the chunk in flight and the one after it.
    const held: Ready[] = [];
    let ended = false;
    const hold = async (n: number): Promise<void> => {
      while (!ended && held.length < n) {
        const next = await source.next();
        if (next.done === true) ended = true;
        else held.push(next.value);
      }
    };
    const prepareAt = (start: number) => {
      const chunk = chunkAt(held, start, limits.rows, limits.bytes);
      const prepared = session.ledger.contribute.prepare(
        chunk.map((c) => c.input),
        signer,
        sealing.options,
      );
      return { start, chunk, prepared };
    };
    await hold(limits.rows);
    let next = held.length > 0 ? prepareAt(0) : undefined;
    while (next !== undefined) {
      const { start, chunk, prepared } = next;
      const before = (): string =>
        cfCount === 0
          ? 'nothing of this import was appended'
          : `nothing of this chunk was appended, but the ${cfCount} CFs of earlier chunks were (listed in --json's detail.cfs; a re-run skips them as duplicates)`;
      const appending = session.ledger.contribute.append(prepared);
      // The next chunk is read, decoded, hashed and sealed while this one is appended: two chunks
      // at most in memory, appended in order, each only once the one before it is in.
      const after = start + chunk.length;
      // A file that cannot be read on is reported once this chunk is in (or refused).
      let fault: unknown;
      try {
        await hold(after + limits.rows);
        next = after < held.length ? prepareAt(after) : undefined;
      } catch (e) {
        fault = e;
        next = undefined;
      }
      const r = await appending;
      // A server whose body limit is below this chunk's size took none of it: halve the chunk and
      // send again; the smaller limits hold for the chunks after it (the server's limit is fixed),
      // so the chunk prepared after it is prepared again.
      if (E.isLeft(r) && session.tooLarge?.(r.left) === true && chunk.length > 1 && fault === undefined) {
        const bytes = sampleBytesOf(chunk);
        limits = { rows: Math.ceil(chunk.length / 2), bytes: bytes > 1 ? Math.floor(bytes / 2) : limits.bytes };
        next = prepareAt(start);
        continue;
      }
      if (E.isLeft(r)) {
        progress.stop();
        const index = (r.left as { index?: number }).index;
        const at = index !== undefined ? chunk[index]?.item.item : `${chunk[0]!.item.item} … ${chunk.at(-1)!.item.item}`;
        // Rows were checked before the first append, so this is what only the log can know (a CF id
        // target that is not in it, a rule). Chunks are all or nothing; earlier ones stay appended,
        // and a re-run after the fix reports them as duplicates and appends the rest.
        // The error as a local store words it: how it came over HTTP is no part of the refusal.
        const { http: _http, ...error } = r.left;
        fail(ExitCode.rejected, `${at}: ${messageOf(r.left)} (${before()})`, { error, cfs });
      }
      r.right.forEach((receipt: Receipt, j) => {
        const { item, first } = chunk[j]!;
        if (targeted) {
          if (first !== undefined) first.cfId = receipt.id;
          if (kind === 'sample') {
            if (item.row > 0) byRow.set(item.row, receipt.id);
            if (item.ref !== undefined) byRef.set(item.ref, receipt.id);
          } else named.push([item.row, item.ref, receipt.id]);
        }
        cfCount += 1;
        if (session.json)
          cfs.push({
            item: item.item,
            kind,
            cfId: receipt.id,
            position: receipt.position.toString(),
            alreadyAppended: receipt.alreadyAppended,
            ...(item.ref !== undefined ? { id: item.ref } : {}),
          });
        if (receipt.alreadyAppended) inLog.push({ item: item.item, reason: `duplicate: already in the log as ${receipt.id}` });
        else appended[kind] += 1;
      });
      held.splice(0, chunk.length);
      if (next !== undefined) next = { ...next, start: next.start - chunk.length };
      done += chunk.length;
      progress.update(done);
      if (fault !== undefined) {
        progress.stop();
        const appendedNow =
          cfCount === 0
            ? 'nothing of this import was appended'
            : `the ${cfCount} CFs of the chunks before were appended (listed in --json's detail.cfs; a re-run skips them as duplicates)`;
        if (fault instanceof ChangedWhileRead)
          fail(ExitCode.rejected, `${target}: changed while it was imported (${fault.message}); ${appendedNow}`, { cfs });
        const code = (fault as NodeJS.ErrnoException).code;
        if (code === undefined) throw fault;
        fail(ExitCode.usage, `${target}: cannot be read (${code}); ${appendedNow}`, { cfs });
      }
    }
    laterSkips.push(...unresolved, ...inLog);
    for (const [row, ref, id] of named) {
      if (row > 0) byRow.set(row, id);
      if (ref !== undefined) byRef.set(ref, id);
    }
    if (kind === 'sample') {
      for (const { row, ref, first } of duplicates) {
        if (first.cfId === undefined) continue;
        if (row > 0) byRow.set(row, first.cfId);
        if (ref !== undefined) byRef.set(ref, first.cfId);
      }
    }

    async function* readyOf(kind: Kind): AsyncGenerator<Ready> {
      for await (const item of read.itemsOf(kind)) {
        if (item.kind === 'sample') {
          const hash = createHash('sha256').update(item.bytes).digest().toString('latin1');
          const first = seen.get(hash);
          if (first !== undefined) {
            duplicateSkips.push({ item: item.item, reason: `duplicate of ${first.item}` });
            if (targeted) duplicates.push({ row: item.row, ...(item.ref !== undefined ? { ref: item.ref } : {}), first });
            continue;
          }
          const entry: First = { item: item.item };
          seen.set(hash, entry);
          yield { item, input: inputOf(item, resolve)!, first: entry };
          continue;
        }
        const input = inputOf(item, resolve);
        if (input === undefined) {
          const missing = item.targets.filter((t) => resolve(t) === undefined).map(describe);
          unresolved.push({ item: item.item, reason: `target ${missing.join(', ')} was not imported (skipped or unknown)` });
          done += 1;
          continue;
        }
        yield { item, input };
      }
    }
  }
  progress.update(total);
  progress.stop();
  return {
    path: target,
    format: read.format,
    signer: signerName,
    appended,
    cfs,
    skipped: [...readSkipped, ...duplicateSkips, ...laterSkips],
  };
}

/**
 * The rows from `start`: at most `size`, and (over HTTP) at most `maxBytes` of sample bytes, so a
 * POST stays under the server's body limit. Always at least one row: a single row over the limit
 * is the server's to refuse by name.
 */
function sampleBytesOf(chunk: readonly { readonly item: ImportItem }[]): number {
  return chunk.reduce((n, { item }) => n + (item.kind === 'sample' ? item.bytes.length : 0), 0);
}

function chunkAt<T extends { readonly item: ImportItem }>(ready: readonly T[], start: number, size: number, maxBytes?: number): T[] {
  const chunk: T[] = [];
  let bytes = 0;
  for (let i = start; i < ready.length && chunk.length < size; i++) {
    const item = ready[i]!.item;
    const add = item.kind === 'sample' ? item.bytes.length : 0;
    if (maxBytes !== undefined && chunk.length > 0 && bytes + add > maxBytes) break;
    bytes += add;
    chunk.push(ready[i]!);
  }
  return chunk;
}

function inputOf(item: ImportItem, resolve: (t: TargetRef) => string | undefined): ContributionInput | undefined {
  if (item.kind === 'sample') {
    return {
      kind: 'sample',
      bytes: item.bytes,
      mediaType: item.mediaType,
      license: item.license,
      source: item.source,
      ...(item.personalData ? { personalData: true } : {}),
      ...(item.attributes ? { attributes: item.attributes } : {}),
    };
  }
  const targets = item.targets.map(resolve);
  if (targets.some((t) => t === undefined)) return undefined;
  const ids = targets as string[];
  if (item.kind === 'label')
    return {
      kind: 'label',
      targets: ids,
      labelType: item.labelType,
      value: item.value,
      ...(item.rationale ? { rationale: item.rationale } : {}),
    };
  return {
    kind: 'validation',
    targets: ids,
    verdict: item.verdict,
    rationale: item.rationale,
    ...(item.score !== undefined ? { score: item.score } : {}),
  };
}
