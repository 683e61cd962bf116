// cairn attribute / cairn credit: which CFs a model's outputs lean on (TRAK scores against the
// run's train gradients) and who earned the run's credit (contributor, source, asset shares),
// from the attribution projection (projections/src/attribution/README.md).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { readNpy } from '@cairn/kernel';
import { attributeQueries, creditShares, type CreditShare, type CreditShares, type QueryAttribution } from '@cairn/projections';
import { messageOf, orFail, usage } from '../fail.js';
import { withSession } from '../session.js';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf, labelsOf, named, positionOf, show, short } from './common.js';
import { resolveVersionArg } from './datasets.js';

export interface AttributeJson {
  readonly runId: string;
  readonly topK: number;
  readonly queries: readonly QueryAttribution[];
}

export type CreditJson = CreditShares & { readonly ref: { readonly dataset: string; readonly ordinal: number; readonly versionId: string } };

const pct = (share: number | null): string => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);

export function registerAttribution(program: Command): void {
  program
    .command('attribute <run>')
    .description("score query examples (gradients, .npy) against a run's train CFs: the top-k CFs each leans on, with contributor, source and license")
    .requiredOption('--queries <npy>', 'query gradients or features, a 2-D float32 .npy with the run\'s dims')
    .option('--top <k>', 'CFs per query row', '10')
    .action(async (runId: string, opts: { queries: string; top: string }, command: Command) => {
      const topK = Number(opts.top);
      if (!Number.isInteger(topK) || topK < 1) usage('--top', 'expected a positive integer');
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(opts.queries));
      } catch (cause) {
        return usage('--queries', `${opts.queries} cannot be read (${cause instanceof Error ? cause.message : String(cause)})`);
      }
      const matrix = readNpy(bytes);
      if (E.isLeft(matrix)) return usage('--queries', `${matrix.left.field}: ${matrix.left.reason}`);
      const queryRows = matrix.right;
      await withSession(globalsOf(command), async (session) => {
        await session.catchUp();
        const queries = orFail(await attributeQueries({ db: session.db, artifacts: session.artifacts, runId, queries: queryRows, topK }), messageOf);
        const out: AttributeJson = { runId, topK, queries };
        await show(session.json, out, async (x) => {
          const labels = await labelsOf(session.db, x.queries.flatMap((q) => q.top.flatMap((t) => [t.cfId, t.contributor])));
          const lines = [`run ${x.runId}: top ${x.topK} train CFs per query row (TRAK score)`];
          for (const q of x.queries) {
            lines.push(`query row ${q.queryRow}`);
            for (const t of q.top)
              lines.push(`  ${String(t.rank).padStart(3)}. ${t.score.toPrecision(6).padStart(12)}  ${t.kind} ${named(labels, t.cfId)}  by ${named(labels, t.contributor)}, source ${t.source ?? '-'}, license ${t.license ?? '-'}`);
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
      await withSession(globalsOf(command), async (session) => {
        await session.catchUp();
        const v = await resolveVersionArg(session, ref, opts.asOf);
        const at = await positionOf(session.db, asOfOf(opts.asOf));
        const shares = orFail(
          await creditShares({ db: session.db, runId: opts.run, version: v.versionId, ...(at !== undefined && at !== null ? { asOf: at } : {}) }),
          messageOf,
        );
        const out: CreditJson = { ...shares, ref: { dataset: v.dataset, ordinal: v.ordinal, versionId: v.versionId } };
        await show(session.json, out, async (x) => {
          const labels = await labelsOf(session.db, x.contributors.flatMap((c) => (c.key === null ? [] : [c.key])));
          const rows = (title: string, list: readonly CreditShare[], name: (s: CreditShare) => string) => [
            title,
            ...list.map((s) => `  ${String(s.rank).padStart(3)}. ${pct(s.share).padStart(6)}  knn-shapley ${pct(s.shapleyShare).padStart(6)}  ${name(s)} (${s.cfCount} CFs)`),
          ];
          return [
            `credit for run ${x.runId} on ${x.ref.dataset}@${x.ref.ordinal} (${short(x.versionId)}), scored at position ${x.scoredAt}`,
            ...(x.shapleyReason ? [`  KNN-Shapley not computed: ${x.shapleyReason}`] : []),
            ...rows('contributors', x.contributors, (s) => (s.key === null ? '(none)' : named(labels, s.key))),
            ...rows('sources', x.sources, (s) => s.key ?? '(none)'),
            ...rows('assets', x.assets, (s) => (s.key === null ? '(no asset)' : `${s.name ?? ''} (${short(s.key, 8)})`)),
          ].join('\n');
        });
      });
    });
}
