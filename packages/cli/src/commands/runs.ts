// cairn record-run / record-gradients: the training side's two facts (design.md section 6). A run
// names the dataset version it trained on, so `impact` reaches runs and models; its gradients are
// stored by content hash in <store>/artifacts and recorded with the row → CF map, which is what
// the attribution projection scores.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { canonicalize, isSha256Hex } from '@cairn/core';
import type { Signer } from '@cairn/sdk';
import * as E from 'fp-ts/lib/Either.js';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail, usage } from '../fail.js';
import { emit } from '../output.js';
import { withRunFacts } from '../attest/facts-session.js';
import type { WriteSession } from '../write-session.js';
import { globalsOf, short } from './common.js';
import { signerFor } from './datasets.js';
import { receiptJson, receiptText, type ReceiptJson } from './receipt.js';
import { readJsonFile } from '../files.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** --as, or the keyring's only signer. */
export async function signerOrOnly(
  session: Pick<WriteSession, 'keyring'>,
  name: string | undefined,
): Promise<{ name: string; signer: Signer }> {
  if (name !== undefined) return { name, signer: await signerFor(session, name) };
  const all = await session.keyring.list();
  if (all.length !== 1) return usage('--as', `name the signer (the keyring holds ${all.length})`);
  return { name: all[0]!.name, signer: await signerFor(session, all[0]!.name) };
}

async function jsonFile(field: string, file: string): Promise<unknown> {
  try {
    return await readJsonFile(file);
  } catch (cause) {
    return usage(field, `${file} is not a readable JSON file (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}

/** `--seed 7` is the training seed; `--seed attribution=3` names one. */
function seedsOf(values: readonly string[]): Record<string, number> {
  const seeds: Record<string, number> = {};
  for (const v of values) {
    const m = /^(?:([A-Za-z][A-Za-z0-9_.-]*)=)?(\d+)$/.exec(v);
    if (m === null || !Number.isSafeInteger(Number(m[2])))
      usage('--seed', `expected N or name=N (a non-negative integer), got ${JSON.stringify(v)}`);
    seeds[m![1] ?? 'training'] = Number(m![2]);
  }
  return seeds;
}

export interface RecordRunJson {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly modelHash: string;
  readonly receipt: ReceiptJson;
}

export interface RecordGradientsJson {
  readonly runId: string;
  readonly split: 'train' | 'query';
  readonly artifact: { readonly contentHash: string; readonly rows: number; readonly dims: number; readonly path: string };
  readonly kind: 'output-gradients' | 'loss-gradients' | null;
  readonly weights: { readonly contentHash: string; readonly rows: number; readonly path: string } | null;
  readonly receipt: ReceiptJson;
}

const KINDS = ['output-gradients', 'loss-gradients'] as const;

/** An artifact the file's bytes cannot be (a usage error), or a store or server that could not keep it. */
const exitCodeOfStore = (e: { readonly _tag: string }): ExitCode => (e._tag === 'UsageError' ? ExitCode.usage : ExitCode.unavailable);

export function registerRuns(program: Command): void {
  program
    .command('record-run')
    .description('record a training run (TrainingRunRecorded): the dataset version, code, seeds, hyperparameters and model it produced')
    .requiredOption('--dataset <ref>', 'the version trained on, NAME@VERSION')
    .requiredOption('--code <version>', 'the training code version (e.g. a git commit)')
    .requiredOption('--model-hash <sha256>', 'SHA-256 of the trained weights')
    .option('--seed <n|name=n>', 'a seed (repeat; a bare N is the "training" seed)', collect)
    .option(
      '--params <file>',
      'hyperparameters, a JSON object (attribution settings under "attribution"; the version the model is evaluated on, NAME@V or a version id, under "evalVersion": the passport checks it for contamination)',
    )
    .option('--env <key=value>', 'an environment fact, e.g. torch=2.3.0 (repeat)', collect)
    .option('--run-id <id>', 'the run id (default: derived from the other fields)')
    .option('--as <name>', 'the signer (default: the only one in the keyring)')
    .action(
      async (
        opts: {
          dataset: string;
          code: string;
          modelHash: string;
          seed?: string[];
          params?: string;
          env?: string[];
          runId?: string;
          as?: string;
        },
        command: Command,
      ) => {
        if (!isSha256Hex(opts.modelHash)) usage('--model-hash', 'expected 64 lowercase hex (SHA-256 of the weights)');
        const seeds = seedsOf(opts.seed ?? []);
        const hyperparameters = opts.params === undefined ? {} : await jsonFile('--params', opts.params);
        if (typeof hyperparameters !== 'object' || hyperparameters === null || Array.isArray(hyperparameters))
          usage('--params', 'expected a JSON object');
        const environment: Record<string, string> = {};
        for (const pair of opts.env ?? []) {
          const eq = pair.indexOf('=');
          if (eq <= 0 || eq === pair.length - 1) usage('--env', `expected key=value, got ${JSON.stringify(pair)}`);
          environment[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
        await withRunFacts(globalsOf(command), async (session) => {
          const v = orFail(await session.facts.resolveVersion(opts.dataset), messageOf);
          const { signer } = await signerOrOnly(session.writes, opts.as);
          const body = {
            dataset: { name: v.dataset, versionId: v.versionId },
            codeVersion: opts.code,
            seeds,
            hyperparameters,
            environment,
            modelHash: opts.modelHash,
          };
          const canonical = canonicalize(body);
          const runId =
            opts.runId ??
            `run-${createHash('sha256')
              .update(E.isRight(canonical) ? canonical.right : JSON.stringify(body))
              .digest('hex')
              .slice(0, 16)}`;
          const r = orFail(await session.writes.ledger.runs.record({ runId, ...body }, signer), messageOf);
          emit(
            { runId, dataset: v.dataset, versionId: v.versionId, modelHash: opts.modelHash, receipt: receiptJson(r) },
            { json: session.json },
            (x) =>
              `run ${x.runId} on ${x.dataset}@${v.ordinal} (${short(x.versionId)}) → model ${short(x.modelHash)}\n${receiptText(x.receipt)}`,
          );
        });
      },
    );

  program
    .command('record-gradients <run>')
    .description(
      "store a run's per-example gradients (.npy, float32, rows × dims) by content hash and record them with the row → CF map and their kind. " +
        "A query row is the gradient of the output being explained (e.g. the logit or margin of the query's class). " +
        'Train rows are output-gradients (the same output on each train example, with --weights for the Gauss-Newton form) or loss-gradients ' +
        "(each example's training-loss gradient). Scores then mean: positive = including the CF raises the query's output " +
        '(recipe for PyTorch: projections/attribution/README.md)',
    )
    .requiredOption('--split <split>', 'train | query')
    .requiredOption('--file <npy>', 'the gradients (or last-layer features), a 2-D little-endian float32 .npy')
    .option(
      '--kind <kind>',
      'what the rows are: output-gradients | loss-gradients (train: say it, or the sign of a score is not defined; query: output-gradients)',
    )
    .option(
      '--weights <npy>',
      "train, with --kind output-gradients: one float32 weight per row (TRAK's Q; shape (n,) or (n, 1)), e.g. (y - p)/sqrt(p(1 - p)) for a logistic output",
    )
    .option('--rows <file>', 'the row → CF map: a JSON array of CF ids, one per row')
    .option('--rows-from <ref>', "the row → CF map is NAME@VERSION's members in id order")
    .option('--as <name>', 'the signer (default: the only one in the keyring)')
    .action(
      async (
        runId: string,
        opts: { split: string; file: string; kind?: string; weights?: string; rows?: string; rowsFrom?: string; as?: string },
        command: Command,
      ) => {
        if (opts.split !== 'train' && opts.split !== 'query') usage('--split', 'expected train or query');
        const kind = opts.kind as (typeof KINDS)[number] | undefined;
        if (kind !== undefined && !KINDS.includes(kind))
          usage('--kind', `expected output-gradients or loss-gradients, got ${JSON.stringify(opts.kind)}`);
        if (opts.split === 'query' && kind === 'loss-gradients')
          usage('--kind', 'a query row is the gradient of the output being explained: use output-gradients (or leave --kind out)');
        if (opts.weights !== undefined && (opts.split !== 'train' || kind !== 'output-gradients'))
          usage('--weights', 'only with --split train --kind output-gradients');
        let weightBytes: Uint8Array | undefined;
        if (opts.weights !== undefined) {
          try {
            weightBytes = new Uint8Array(await readFile(opts.weights));
          } catch (cause) {
            return usage('--weights', `${opts.weights} cannot be read (${cause instanceof Error ? cause.message : String(cause)})`);
          }
        }
        if ((opts.rows === undefined) === (opts.rowsFrom === undefined)) usage('--rows / --rows-from', 'give exactly one');
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await readFile(opts.file));
        } catch (cause) {
          return usage('--file', `${opts.file} cannot be read (${cause instanceof Error ? cause.message : String(cause)})`);
        }
        const rowsJson = opts.rows === undefined ? undefined : await jsonFile('--rows', opts.rows);
        await withRunFacts(globalsOf(command), async (session) => {
          let rowMap: string[];
          if (rowsJson !== undefined) {
            const list = Array.isArray(rowsJson) ? rowsJson : (rowsJson as { rowMap?: unknown }).rowMap;
            if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
              usage('--rows', 'expected a JSON array of CF ids (or {"rowMap": [...]})');
            rowMap = list as string[];
          } else {
            rowMap = [...orFail(await session.facts.memberIds(opts.rowsFrom!), messageOf)];
          }
          const stored = await session.facts.storeArtifact('gradients', bytes);
          if (E.isLeft(stored))
            fail(
              exitCodeOfStore(stored.left),
              `--file ${opts.file}: ${stored.left.field === undefined ? stored.left.message : `${stored.left.field}: ${stored.left.reason}`}`,
            );
          const { contentHash, rows } = stored.right;
          const dims = stored.right.dims!;
          if (rows !== rowMap.length) usage('--rows', `the artifact has ${rows} rows but the row map names ${rowMap.length} CFs`);
          let weights: { contentHash: string; rows: number } | undefined;
          if (weightBytes !== undefined) {
            const w = await session.facts.storeArtifact('weights', weightBytes);
            if (E.isLeft(w))
              fail(
                exitCodeOfStore(w.left),
                `--weights ${opts.weights}: ${w.left.field === undefined ? w.left.message : `${w.left.field}: ${w.left.reason}`}`,
              );
            weights = { contentHash: w.right.contentHash, rows: w.right.rows };
            if (weights.rows !== rows) usage('--weights', `${weights.rows} weights for ${rows} rows: give one weight per row`);
          }
          const { signer } = await signerOrOnly(session.writes, opts.as);
          const payload = {
            runId,
            split: opts.split,
            artifact: { contentHash, format: 'npy', rows, dims, dtype: 'float32' },
            rowMap,
            ...(kind !== undefined ? { kind } : {}),
            ...(weights !== undefined
              ? { weights: { contentHash: weights.contentHash, format: 'npy', rows: weights.rows, dtype: 'float32' } }
              : {}),
          };
          const r = orFail(await session.writes.ledger.runs.recordGradients(payload, signer), messageOf);
          // Scoring happens in the attribution projection when both splits are in: run it now so errors show here.
          await session.catchUp();
          const out: RecordGradientsJson = {
            runId,
            split: opts.split as 'train' | 'query',
            artifact: { contentHash, rows, dims, path: `artifacts/${contentHash}.npy` },
            kind: kind ?? null,
            weights: weights === undefined ? null : { ...weights, path: `artifacts/${weights.contentHash}.npy` },
            receipt: receiptJson(r),
          };
          emit(out, { json: session.json }, (x) =>
            [
              `${x.split} gradients of run ${x.runId}: ${x.artifact.rows} rows × ${x.artifact.dims} dims, artifact ${short(x.artifact.contentHash)}, ` +
                `kind ${x.kind ?? 'not declared'}${x.weights === null ? '' : `, weights ${short(x.weights.contentHash)}`}`,
              ...(x.split === 'train' && x.kind === null
                ? ['  kind not declared: scores of this run have no defined sign (see --kind)']
                : []),
              receiptText(x.receipt),
            ].join('\n'),
          );
        });
      },
    );
}
