// cairn attribute / cairn credit: which CFs a model's outputs lean on (TRAK scores against the
// run's train gradients) and who earned the run's credit (contributor, source, asset shares),
// from the attribution projection (projections/attribution/README.md). A score's meaning is
// fixed there and said in the help: positive = including the CF raises the query's output.
import { open, readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { npyHeader, queryRowsOf, type CreditShare, type CreditShares, type GradientKind, type QueryAttribution } from '@cairn/client';
import { messageOf, orFail, usage } from '../fail.js';
import { orFailRead } from '../session.js';
import { withReads } from '../read-session.js';
import { withRunFacts } from '../attest/facts-session.js';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf, named, show, short } from './common.js';

export interface AttributeJson {
  readonly runId: string;
  readonly topK: number;
  /** What the run's train rows are (null: not declared, the sign of a score is then not defined) and how to read a score. */
  readonly trainKind: GradientKind | null;
  readonly estimator: string;
  readonly queries: readonly QueryAttribution[];
}

/** `--top all --out FILE.npy`: the whole score matrix went to the file; columns[i] is the CF of column i. */
export interface AttributeMatrixJson {
  readonly runId: string;
  readonly topK: 'all';
  readonly trainKind: GradientKind | null;
  readonly estimator: string;
  readonly out: string;
  readonly rows: number;
  readonly cols: number;
  readonly columns: readonly string[];
}

const SCORE_MEANING =
  "A score is the estimated change in the query's output (the output whose gradient the query rows hold) from including the train CF: positive = it raises that output. " +
  'This holds when the run recorded its train rows with --kind (output-gradients with --weights, or loss-gradients); see projections/attribution/README.md for the PyTorch recipe.';

/** Writes the blocks after an .npy header, little endian whatever the platform. */
async function writeMatrixNpy(
  path: string,
  rows: number,
  cols: number,
  blocks: AsyncIterable<{ readonly data: Float32Array }>,
): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write(npyHeader(rows, cols));
    for await (const block of blocks) {
      const bytes = new Uint8Array(block.data.length * 4);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < block.data.length; i++) view.setFloat32(i * 4, block.data[i]!, true);
      await file.write(bytes);
    }
  } finally {
    await file.close();
  }
}

export type CreditJson = CreditShares & {
  readonly ref: { readonly dataset: string; readonly ordinal: number; readonly versionId: string };
};

const pct = (share: number | null): string => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);

export function registerAttribution(program: Command): void {
  program
    .command('attribute <run>')
    .description(
      `score query examples (gradients, .npy) against a run's train CFs: the top-k CFs each leans on, with contributor, source and license. ${SCORE_MEANING}`,
    )
    .requiredOption(
      '--queries <npy>',
      "query rows, a 2-D float32 .npy with the run's dims: the gradient of the output to explain (e.g. the query class's logit or margin)",
    )
    .option('--top <k>', 'CFs per query row (1 to 1000), or all: every train row, written with --out', '10')
    .option(
      '--out <npy>',
      'with --top all: write the query × train score matrix here (float32 .npy, column i = train row i), streamed in blocks',
    )
    .action(async (runId: string, opts: { queries: string; top: string; out?: string }, command: Command) => {
      const all = opts.top === 'all';
      const topK = all ? 0 : Number(opts.top);
      if (!all && (!Number.isInteger(topK) || topK < 1)) usage('--top', 'expected a positive integer or all');
      if (all && opts.out === undefined) usage('--out', 'required with --top all: the full score matrix is written to a .npy file');
      if (!all && opts.out !== undefined) usage('--out', 'only with --top all');
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(opts.queries));
      } catch (cause) {
        return usage('--queries', `${opts.queries} cannot be read (${cause instanceof Error ? cause.message : String(cause)})`);
      }
      const checked = queryRowsOf(bytes, '--queries');
      if (E.isLeft(checked)) return usage('--queries', checked.left.reason!);
      const globals = globalsOf(command);
      if (all)
        // Over HTTP the server streams the matrix (POST /v1/runs/{run}/scores.npy) and it is written as it comes.
        return withRunFacts(globals, async (session) => {
          const { trainKind, estimator } = orFail(await session.facts.attributionEstimator(runId), messageOf);
          const matrix = orFail(await session.facts.attributionScores(runId, bytes), messageOf);
          try {
            await writeMatrixNpy(opts.out!, matrix.rows, matrix.cols, matrix.blocks);
          } catch (cause) {
            return usage('--out', `${opts.out} cannot be written (${cause instanceof Error ? cause.message : String(cause)})`);
          }
          const out: AttributeMatrixJson = {
            runId,
            topK: 'all',
            trainKind,
            estimator,
            out: opts.out!,
            rows: matrix.rows,
            cols: matrix.cols,
            columns: matrix.columns,
          };
          await show(session.json, out, (x) =>
            [
              `run ${x.runId}: scores of ${x.rows} query rows × ${x.cols} train rows written to ${x.out} (float32 .npy; row q = query row q, column i = train row i; --json lists each column's CF)`,
              `  ${x.estimator}`,
            ].join('\n'),
          );
        });
      await withRunFacts(globals, async (session) => {
        const { trainKind, estimator, queries } = orFail(await session.facts.attribute(runId, bytes, topK), messageOf);
        const out: AttributeJson = { runId, topK, trainKind, estimator, queries };
        await show(session.json, out, async (x) => {
          const labels = await session.writes.labels(x.queries.flatMap((q) => q.top.flatMap((t) => [t.cfId, t.contributor])));
          const lines = [
            `run ${x.runId}: top ${x.topK} train CFs per query row (TRAK score; positive = including the CF raises the query output)`,
            `  ${x.estimator}`,
          ];
          for (const q of x.queries) {
            lines.push(`query row ${q.queryRow}`);
            for (const t of q.top)
              lines.push(
                `  ${String(t.rank).padStart(3)}. ${t.score.toPrecision(6).padStart(12)}  ${t.kind} ${named(labels, t.cfId)}  by ${named(labels, t.contributor)}, source ${t.source ?? '-'}, license ${t.license ?? '-'}`,
              );
          }
          return lines.join('\n');
        });
      });
    });

  program
    .command('credit <ref>')
    .description("who earned a run's attribution credit on NAME@VERSION: shares by contributor, source and asset, with evidence")
    .requiredOption('--run <run>', 'the training run')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (ref: string, opts: { run: string; asOf?: string }, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const { ref: v, shares } = orFailRead(await session.cairn.credit(opts.run, ref, asOfOf(opts.asOf)));
        const out: CreditJson = { ...shares, ref: { dataset: v.dataset, ordinal: v.ordinal, versionId: v.versionId } };
        await show(session.json, out, async (x) => {
          const labels = await session.cairn.labels(x.contributors.flatMap((c) => (c.key === null ? [] : [c.key])));
          const rows = (title: string, list: readonly CreditShare[], name: (s: CreditShare) => string) => [
            title,
            ...list.map(
              (s) =>
                `  ${String(s.rank).padStart(3)}. ${pct(s.share).padStart(6)}  knn-shapley ${pct(s.shapleyShare).padStart(6)}  ${name(s)} (${s.cfCount} CFs)`,
            ),
          ];
          return [
            `credit for run ${x.runId} on ${x.ref.dataset}@${x.ref.ordinal} (${short(x.versionId)}), scored at position ${x.scoredAt}`,
            `  ${x.estimator}`,
            ...(x.shapleyReason ? [`  KNN-Shapley not computed: ${x.shapleyReason}`] : []),
            ...(x.shapleyExcluded
              ? [
                  `  KNN-Shapley left out ${x.shapleyExcluded.trainRows} train and ${x.shapleyExcluded.queryRows} query rows without a ${JSON.stringify(x.shapleyExcluded.labelType)} label` +
                    ` (first: ${[...x.shapleyExcluded.trainCfs, ...x.shapleyExcluded.queryCfs]
                      .slice(0, 3)
                      .map((cf) => short(cf))
                      .join(', ')}; --json names up to 20 per split)`,
                ]
              : []),
            ...rows('contributors', x.contributors, (s) => (s.key === null ? '(none)' : named(labels, s.key))),
            ...rows('sources', x.sources, (s) => s.key ?? '(none)'),
            ...rows('assets', x.assets, (s) => (s.key === null ? '(no asset)' : `${s.name ?? ''} (${short(s.key, 8)})`)),
          ].join('\n');
        });
      });
    });
}
