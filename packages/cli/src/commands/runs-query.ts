// cairn runs list|show|diff, cairn reproduce-check RUN, cairn unlearning RUN: training runs read
// back from the ledger. The answers are the projections' (answers/runs*.ts); this file parses,
// calls and prints.
import type { Command } from 'commander';
import { diffToText, type FieldChange, type RunDetail, type RunsDiff } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail, usage } from '../fail.js';
import { table } from '../output.js';
import { withReads } from '../read-session.js';
import { globalsOf, named, short, show } from './common.js';

const UNLEARNING_HELP = `
What the shares are measured over:
  share of |influence|, share of credit  over ALL training CFs of the scoring: each CF's
        influence is its TRAK scores summed over every query row, kept per CF by the attribution
        projection.
  per-query share  over the query's STORED top-k only (the run's params.attribution.topK, default 10): the
        projection keeps each query's k highest scores, not its full row over the training set,
        so an erased CF outside a query's top-k adds nothing to that query's share, and the share
        is of the top-k's |score|, not of the query's total. An exact per-query share needs the
        run re-scored from its gradient artifacts (reproduce-check says whether they are there).`;

const ref = (r: { dataset: string; ordinal: number | null; versionId: string }) =>
  r.ordinal === null ? `${r.dataset}@${short(r.versionId)}` : `${r.dataset}@${r.ordinal}`;

function showText(r: RunDetail, labels: ReadonlyMap<string, string>): string {
  const kv = (o: Readonly<Record<string, unknown>>) =>
    Object.keys(o).length === 0
      ? '(none)'
      : Object.entries(o)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(', ');
  const lines = [
    `run ${r.runId}`,
    `  dataset      ${ref(r)}  version ${r.versionId}`,
    r.version === null
      ? '  merkle root  (the version was never cut in this ledger)'
      : `  merkle root  ${r.version.merkleRoot}  (${r.version.memberCount} members, manifest ${short(r.version.manifestId)})`,
    `  code         ${r.codeVersion}`,
    `  model        ${r.modelHash}`,
    `  seeds        ${kv(r.seeds)}`,
    `  params       ${Object.keys(r.hyperparameters).length === 0 ? '(none)' : JSON.stringify(r.hyperparameters)}`,
    `  environment  ${kv(r.environment)}`,
    `  recorded     @${r.position} by ${named(labels, r.signer)}, event ${short(r.eventId)}`,
    `  gradients    ${r.gradients.length === 0 ? '(none recorded)' : r.gradients.map((g) => `${g.split} ${g.rows}×${g.dims} ${g.kind ?? 'kind not declared'}${g.weightsHash === null ? '' : ` weights ${short(g.weightsHash)}`} ${short(g.contentHash)} @${g.position}`).join('; ')}`,
    `  attribution  ${r.attribution.scored ? `scored at @${r.attribution.scoredAt} (${r.attribution.trainRows} train rows, ${r.attribution.queryRows} query rows)` : `not scored: ${r.attribution.reason}`}`,
  ];
  return lines.join('\n');
}

function changesText(title: string, changes: readonly FieldChange[]): string[] {
  if (changes.length === 0) return [`  ${title}: same`];
  return [`  ${title}:`, ...changes.map((c) => `    ${c.key}: ${c.from ?? '(absent)'} → ${c.to ?? '(absent)'}`)];
}

function diffText(d: RunsDiff): string {
  const lines = [`${d.from.runId} → ${d.to.runId}`];
  if (d.sameVersion) lines.push(`  dataset: same version ${ref(d.from)}`);
  else if (d.dataset === null) lines.push(`  dataset: ${ref(d.from)} → ${ref(d.to)} (a version was never cut here: no member diff)`);
  else {
    const c = d.dataset.counts;
    lines.push(
      `  dataset: ${ref(d.from)} → ${ref(d.to)}: +${c.added} added, -${c.removed} removed, ~${c.changed} changed, ${c.unchanged} unchanged`,
    );
    lines.push(
      ...diffToText(d.dataset)
        .split('\n')
        .map((l) => `    ${l}`),
    );
  }
  lines.push(d.code === null ? '  code: same' : `  code: ${d.code.from} → ${d.code.to}`);
  lines.push(d.model === null ? '  model: same' : `  model: ${short(d.model.from ?? '')} → ${short(d.model.to ?? '')}`);
  lines.push(
    ...changesText('seeds', d.seeds),
    ...changesText('parameters', d.hyperparameters),
    ...changesText('environment', d.environment),
  );
  return lines.join('\n');
}

/** The SDK's sample read, as the reproduce-check needs it: readable, erased, or why not. */
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function registerRunsQueries(program: Command): void {
  const runs = program.command('runs').description('training runs recorded in the ledger: list, show, diff');
  runs
    .command('list')
    .description('every TrainingRunRecorded in log order: run id, dataset version, model hash, code, position, signer')
    .action(async (_opts: unknown, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const all = orFail(await session.cairn.runs(), messageOf);
        const labels = await session.cairn.labels(all.map((r) => r.signer));
        await show(session.json, { runs: all }, (x) =>
          x.runs.length === 0
            ? 'no training runs recorded'
            : table(
                ['run', 'dataset', 'model', 'code', 'position', 'signer'],
                x.runs.map((r) => [r.runId, ref(r), short(r.modelHash), r.codeVersion, String(r.position), named(labels, r.signer)]),
              ),
        );
      });
    });
  runs
    .command('show <run>')
    .description(
      'one run in full: dataset version and Merkle root, code, seeds, parameters, environment, gradients recorded, whether attribution scored it',
    )
    .action(async (runId: string, _opts: unknown, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const r = orFail(await session.cairn.run(runId), messageOf);
        const labels = await session.cairn.labels([r.signer]);
        await show(session.json, r, (x) => showText(x, labels));
      });
    });
  runs
    .command('diff <a> <b>')
    .description('what differs between two runs: the dataset diff of their versions, code, model, seeds, parameters, environment')
    .action(async (a: string, b: string, _opts: unknown, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const d = orFail(await session.cairn.diffRuns(a, b), messageOf);
        await show(session.json, d, diffText);
      });
    });

  program
    .command('reproduce-check <run>')
    .description(
      'can this run be reproduced from the ledger today? its version re-assembles to the same id and root, member bytes are readable or their erasure named, gradient artifacts present with the right hash (exit 1 if not)',
    )
    .action(async (runId: string, _opts: unknown, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const r = orFail(await session.cairn.reproduceCheck(runId), messageOf);
        await show(session.json, r, (x) =>
          [
            `run ${x.runId} on ${x.dataset} (${short(x.versionId)})`,
            ...x.checks.flatMap((c) => [`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`, ...c.failures.map((f) => `       ${f}`)]),
            ...x.samples.erased.map(
              (e) => `       erased ${short(e.cfId)} by SampleErased ${short(e.eventId)} @${e.position}: ${e.reason}`,
            ),
            x.reproducible ? 'reproducible' : 'NOT reproducible',
          ].join('\n'),
        );
        const failed = r.checks.filter((c) => !c.ok);
        if (failed.length > 0)
          fail(
            ExitCode.checkFailed,
            `run ${runId} cannot be reproduced from the ledger: ${failed.map((c) => `${c.name} (${c.failures.join('; ')})`).join(', ')}`,
            { failed },
          );
      });
    });

  program
    .command('unlearning <run>')
    .description(
      "erased CFs among a run's dataset version members and, where the run was scored, their share of its influence and the queries they affected most",
    )
    .option('--top <n>', 'how many affected queries to list', '10')
    .addHelpText('after', UNLEARNING_HELP)
    .action(async (runId: string, opts: { top: string }, command: Command) => {
      if (!/^\d+$/.test(opts.top) || Number(opts.top) < 1 || Number(opts.top) > 10_000)
        usage('--top', `expected an integer from 1 to 10000, got ${JSON.stringify(opts.top)}`);
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const u = orFail(await session.cairn.unlearning(runId, Number(opts.top)), messageOf);
        await show(session.json, u, (x) => {
          const lines = [`run ${x.runId} on ${x.dataset} (${short(x.versionId)}, ${x.memberCount} members) → model ${short(x.modelHash)}`];
          lines.push(
            `  ${x.erased.length} erased members${x.erased.map((e) => `\n    ${short(e.cfId)} erased @${e.position} (event ${short(e.eventId)})${e.influence === null ? '' : `  influence ${e.influence.toPrecision(6)}`}`).join('')}`,
          );
          const a = x.attribution;
          if (!a.scored) lines.push(`  attribution: not scored (${a.reason})`);
          else {
            lines.push(`  attribution scored at @${a.scoredAt}: ${a.erasedTrainCfs} of ${a.trainCfs} train CFs erased`);
            lines.push(`    share of |influence|  ${pct(a.influenceShare)}`);
            lines.push(`    share of credit       ${pct(a.creditShare)}`);
            lines.push(`    queries affected      ${a.queriesAffected} of ${a.queriesScored} (an erased CF in their top-k)`);
            for (const q of a.topQueries)
              lines.push(
                `      query row ${q.queryRow} (${short(q.queryCf)}): ${pct(q.share)} of its top-k |score| from ${q.erased.map((e) => `${short(e.cfId)} #${e.rank}`).join(', ')}`,
              );
          }
          return lines.join('\n');
        });
      });
    });
}
