// Two questions about a recorded run, answered from the ledger as it stands:
// - reproduce-check: could the run be set up again today? Its version re-assembles from the facts
//   of the log prefix it was cut at, with its manifest, to the same id and Merkle root (and, given
//   the runner, a replay of the log alone up to there cuts the same root); each member
//   sample's bytes are readable or its erasure is a named SampleErased; the gradient artifacts it
//   recorded are in the artifact store with the hash the log names.
// - unlearning: which of the run's members have been erased since, and, where the run was scored,
//   how much of its influence they carried and which queries they weighed on most: the data for
//   choosing between retraining and a targeted update.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import { contentIdOf } from '@cairn/core';
import type { LogPosition } from '@cairn/eventlog';
import type { CfId, Manifest } from '@cairn/schemas';
import { loadFacts, asDatasetsHandle } from '@cairn/datasets';
import { indexFacts } from '@cairn/assembly';
import { assembleVersion } from '@cairn/assembly';
import { rulesFromManifest } from '@cairn/assembly';
import { A, type AttributionDatabase } from '../tables.js';
import { scoredRun } from '../scoring-reads.js';
import type { ArtifactStore } from '../artifact-store.js';
import type { ProjectionRunner } from '@cairn/projector';
import { cfIdFromDb, quoteSchema } from '@cairn/projector';
import { DATASETS_PROJECTION } from '@cairn/datasets';
import { readVersion, trainingRun, memberIdsOfKind, manifestById, versionInSchema } from '@cairn/datasets';
import { runGradients, runNotFound, type RunsError } from './runs.js';
import { erasedMembersOf, type Erasure } from '@cairn/datasets';

/** Whether a sample's bytes can be read (the SDK's samples.read, adapted by the caller). */
export type SampleRead = { readonly readable: true } | { readonly readable: false; readonly erased: boolean; readonly reason: string };

export interface ReproduceCheck {
  readonly name: 'version-rebuilds' | 'member-bytes' | 'gradient-artifacts';
  readonly ok: boolean;
  /** One line: what was compared, or each reason it failed. */
  readonly detail: string;
  readonly failures: readonly string[];
}

export interface ReproduceReport {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly reproducible: boolean;
  readonly checks: readonly ReproduceCheck[];
  readonly rebuilt: { readonly versionId: string; readonly merkleRoot: string; readonly position: LogPosition } | null;
  readonly samples: {
    readonly total: number;
    readonly readable: number;
    readonly erased: readonly Erasure[];
    readonly unreadable: readonly { readonly cfId: CfId; readonly reason: string }[];
  };
  readonly gradients: readonly {
    readonly split: string;
    readonly contentHash: string;
    readonly eventId: string;
    readonly ok: boolean;
    readonly reason: string | null;
  }[];
}

/** The erasures among the version's members (the datasets projection's record of SampleErased), by CF id. */
async function erasures(db: Kysely<AttributionDatabase>, versionId: string): Promise<Map<string, Erasure>> {
  return new Map((await erasedMembersOf(asDatasetsHandle(db), versionId)).map((e) => [e.cfId, e]));
}

/**
 * The datasets projection replayed from the log alone, up to `position`, into a scratch schema
 * (as `verify` and `replay --to` do): the version it cuts there, or why not. Independent of the
 * live tables, so a version whose facts were changed behind the runner does not vouch for itself.
 */
async function replayedVersion(
  db: Kysely<AttributionDatabase>,
  runner: ProjectionRunner,
  versionId: string,
  position: LogPosition,
): Promise<E.Either<string, { merkleRoot: string; memberCount: number }>> {
  const scratch = `cairn_repro_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  try {
    const rebuilt = await runner.rebuild(DATASETS_PROJECTION, { schema: scratch, to: position });
    if (E.isLeft(rebuilt)) return E.left(`replaying the log up to position ${position} failed: ${rebuilt.left.message}`);
    const replayed = await versionInSchema(asDatasetsHandle(db), scratch, versionId);
    if (replayed === null) return E.left(`replaying the log up to position ${position} does not cut version ${versionId}`);
    return E.right(replayed);
  } finally {
    await sql`drop schema if exists ${sql.raw(quoteSchema(scratch))} cascade`.execute(db).catch(() => undefined);
  }
}

async function rebuildCheck(
  db: Kysely<AttributionDatabase>,
  versionId: string,
  runner?: ProjectionRunner,
): Promise<{ check: ReproduceCheck; rebuilt: ReproduceReport['rebuilt'] }> {
  const fail = (failures: string[]) => ({
    check: { name: 'version-rebuilds' as const, ok: false, detail: failures.join('; '), failures },
    rebuilt: null,
  });
  const v = await readVersion(asDatasetsHandle(db), versionId);
  if (E.isLeft(v)) return fail([`version ${versionId} was never cut in this ledger: there is nothing to rebuild it from`]);
  // stored as the signed, decoded ManifestDefined payload; its hash is checked just below
  const manifest = (await manifestById(asDatasetsHandle(db), v.right.manifestId)) as Manifest | null;
  if (manifest === null) return fail([`manifest ${v.right.manifestId} is not defined in the log`]);
  const failures: string[] = [];
  const manifestId = contentIdOf('manifest', manifest);
  if (E.isLeft(manifestId) || manifestId.right !== v.right.manifestId)
    failures.push(`the stored manifest no longer hashes to ${v.right.manifestId}`);
  // The facts of the log prefix up to the version's first cut: the same input the cut had.
  const rebuilt = assembleVersion(
    indexFacts(await loadFacts(asDatasetsHandle(db), v.right.position)),
    rulesFromManifest(manifest),
    v.right.manifestId,
  );
  if (rebuilt.merkleRoot !== v.right.merkleRoot)
    failures.push(`re-assembled at position ${v.right.position}, the Merkle root is ${rebuilt.merkleRoot}, not ${v.right.merkleRoot}`);
  if (rebuilt.versionId !== versionId)
    failures.push(`re-assembled at position ${v.right.position}, the version id is ${rebuilt.versionId}, not ${versionId}`);
  if (runner !== undefined) {
    const replayed = await replayedVersion(db, runner, versionId, v.right.position);
    if (E.isLeft(replayed)) failures.push(replayed.left);
    else if (replayed.right.merkleRoot !== v.right.merkleRoot)
      failures.push(
        `replayed from the log up to position ${v.right.position}, the version's Merkle root is ${replayed.right.merkleRoot}, not ${v.right.merkleRoot}`,
      );
  }
  const result = { versionId: rebuilt.versionId, merkleRoot: rebuilt.merkleRoot, position: v.right.position };
  return {
    check: {
      name: 'version-rebuilds',
      ok: failures.length === 0,
      detail:
        failures.length === 0
          ? `re-assembled with its manifest from the facts up to position ${v.right.position}${runner === undefined ? '' : ' (and replayed from the log alone)'}: ${rebuilt.members.length} members, same id and Merkle root`
          : failures.join('; '),
      failures,
    },
    rebuilt: result,
  };
}

export interface ReproduceCheckOptions {
  readonly readSample: (cfId: string) => Promise<SampleRead>;
  readonly artifacts: ArtifactStore;
  /** When given, the version is also cut again by replaying the datasets projection from the log into a scratch schema. */
  readonly replay?: ProjectionRunner;
}

export async function reproduceCheck(
  db: Kysely<AttributionDatabase>,
  runId: string,
  options: ReproduceCheckOptions,
): Promise<E.Either<RunsError, ReproduceReport>> {
  const run = await trainingRun(asDatasetsHandle(db), runId);
  if (run === null) return E.left(runNotFound(runId));
  const { check: rebuild, rebuilt } = await rebuildCheck(db, run.versionId, options.replay);

  const erased = await erasures(db, run.versionId);
  const samples = await memberIdsOfKind(asDatasetsHandle(db), run.versionId, 'sample');
  const named: Erasure[] = [];
  const unreadable: { cfId: CfId; reason: string }[] = [];
  for (const cfId of samples) {
    const read = await options.readSample(cfId);
    if (read.readable) continue;
    const erasure = erased.get(cfId);
    if (read.erased && erasure !== undefined) named.push(erasure);
    else
      unreadable.push({
        cfId: cfIdFromDb(cfId),
        reason: read.erased ? 'its key is shredded but the log holds no SampleErased for it' : read.reason,
      });
  }
  const bytes: ReproduceCheck = {
    name: 'member-bytes',
    ok: unreadable.length === 0,
    detail:
      `${samples.length - named.length - unreadable.length} of ${samples.length} member samples readable` +
      (named.length > 0 ? `, ${named.length} erased (each by a SampleErased event)` : '') +
      (unreadable.length > 0 ? `, ${unreadable.length} unreadable` : ''),
    failures: unreadable.map((u) => `sample ${u.cfId}: ${u.reason}`),
  };

  const gradients: ReproduceReport['gradients'][number][] = [];
  for (const g of await runGradients(db, runId)) {
    // A train artifact scored with per-row weights cannot be scored again without them.
    const artifacts = [
      { split: g.split, contentHash: g.contentHash },
      ...(g.weightsHash === null ? [] : [{ split: `${g.split} weights`, contentHash: g.weightsHash }]),
    ];
    for (const a of artifacts) {
      const got = await options.artifacts.get(a.contentHash);
      gradients.push({
        split: a.split,
        contentHash: a.contentHash,
        eventId: g.eventId,
        ok: E.isRight(got),
        reason: E.isLeft(got) ? got.left.message : null,
      });
    }
  }
  const badGradients = gradients.filter((g) => !g.ok);
  const artifacts: ReproduceCheck = {
    name: 'gradient-artifacts',
    ok: badGradients.length === 0,
    detail:
      gradients.length === 0
        ? 'no gradients recorded'
        : `${gradients.length - badGradients.length} of ${gradients.length} recorded gradient artifacts present with the hash the log names`,
    failures: badGradients.map((g) => `${g.split} gradients (event ${g.eventId}): ${g.reason ?? ''}`),
  };
  const checks = [rebuild, bytes, artifacts];
  return E.right({
    runId,
    dataset: run.dataset,
    versionId: run.versionId,
    reproducible: checks.every((c) => c.ok),
    checks,
    rebuilt,
    samples: { total: samples.length, readable: samples.length - named.length - unreadable.length, erased: named, unreadable },
    gradients,
  });
}

export interface ErasedInfluence extends Erasure {
  /** Σ over query rows of its TRAK scores (null: not a train row of the scoring). */
  readonly influence: number | null;
}

export interface AffectedQuery {
  readonly queryRow: number;
  readonly queryCf: string;
  /** Σ |score| of the erased CFs among the query's stored top-k. */
  readonly erasedInfluence: number;
  /** That over Σ |score| of the query's whole stored top-k. */
  readonly share: number;
  readonly erased: readonly { readonly cfId: CfId; readonly rank: number; readonly score: number }[];
}

export type UnlearningAttribution =
  | { readonly scored: false; readonly reason: string }
  | {
      readonly scored: true;
      readonly scoredAt: LogPosition;
      readonly trainCfs: number;
      readonly erasedTrainCfs: number;
      /** Σ |influence| over erased CFs / Σ |influence| over all train CFs (0 when the total is 0). */
      readonly influenceShare: number;
      /** The credit view: the positive part of influence, as credit shares count it. */
      readonly creditShare: number;
      readonly totals: {
        readonly absInfluence: number;
        readonly erasedAbsInfluence: number;
        readonly credit: number;
        readonly erasedCredit: number;
      };
      /** Queries with an erased CF in their stored top-k, most affected first. */
      readonly topQueries: readonly AffectedQuery[];
      readonly queriesAffected: number;
      readonly queriesScored: number;
    };

export interface UnlearningReport {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly modelHash: string;
  readonly memberCount: number;
  readonly erased: readonly ErasedInfluence[];
  readonly attribution: UnlearningAttribution;
}

export async function unlearning(
  db: Kysely<AttributionDatabase>,
  runId: string,
  options: { readonly topQueries?: number } = {},
): Promise<E.Either<RunsError, UnlearningReport>> {
  const limit = options.topQueries ?? 10;
  const run = await trainingRun(asDatasetsHandle(db), runId);
  if (run === null) return E.left(runNotFound(runId));
  const v = await readVersion(asDatasetsHandle(db), run.versionId);
  const erased = [...(await erasures(db, run.versionId)).values()];
  const base = {
    runId,
    dataset: run.dataset,
    versionId: run.versionId,
    modelHash: run.modelHash,
    memberCount: E.isRight(v) ? v.right.memberCount : 0,
  };
  const scoring = await scoredRun(db, runId);
  if (E.isLeft(scoring)) {
    return E.right({
      ...base,
      erased: erased.map((e) => ({ ...e, influence: null })),
      attribution: { scored: false, reason: scoring.left._tag === 'RunNotScored' ? scoring.left.reason : scoring.left.message },
    });
  }
  const at = scoring.right.scoredAt.toString();
  const values = await db
    .selectFrom(A.cfValues)
    .select(['cf_id', 'influence'])
    .where('run_id', '=', runId)
    .where('scored_at', '=', at)
    .orderBy('cf_id')
    .execute();
  const erasedIds = new Set<string>(erased.map((e) => e.cfId));
  const influence = new Map(values.map((x) => [x.cf_id, Number(x.influence)]));
  let absInfluence = 0;
  let erasedAbsInfluence = 0;
  let credit = 0;
  let erasedCredit = 0;
  let erasedTrainCfs = 0;
  for (const [cf, x] of influence) {
    absInfluence += Math.abs(x);
    credit += Math.max(x, 0);
    if (!erasedIds.has(cf)) continue;
    erasedTrainCfs++;
    erasedAbsInfluence += Math.abs(x);
    erasedCredit += Math.max(x, 0);
  }
  const top = await db
    .selectFrom(A.topK)
    .select(['query_row', 'query_cf', 'rank', 'cf_id', 'score'])
    .where('run_id', '=', runId)
    .where('scored_at', '=', at)
    .orderBy('query_row')
    .orderBy('rank')
    .execute();
  const byQuery = new Map<
    number,
    { queryCf: string; total: number; erasedInfluence: number; erased: { cfId: CfId; rank: number; score: number }[] }
  >();
  for (const t of top) {
    const q = byQuery.get(Number(t.query_row)) ?? { queryCf: t.query_cf, total: 0, erasedInfluence: 0, erased: [] };
    const score = Number(t.score);
    q.total += Math.abs(score);
    if (erasedIds.has(t.cf_id)) {
      q.erasedInfluence += Math.abs(score);
      q.erased.push({ cfId: cfIdFromDb(t.cf_id), rank: Number(t.rank), score });
    }
    byQuery.set(Number(t.query_row), q);
  }
  const affected: AffectedQuery[] = [...byQuery.entries()]
    .filter(([, q]) => q.erased.length > 0)
    .map(([queryRow, q]) => ({
      queryRow,
      queryCf: q.queryCf,
      erasedInfluence: q.erasedInfluence,
      share: q.total === 0 ? 0 : q.erasedInfluence / q.total,
      erased: q.erased,
    }))
    .sort((a, b) => b.erasedInfluence - a.erasedInfluence || a.queryRow - b.queryRow);
  return E.right({
    ...base,
    erased: erased.map((e) => ({ ...e, influence: influence.get(e.cfId) ?? null })),
    attribution: {
      scored: true,
      scoredAt: scoring.right.scoredAt,
      trainCfs: influence.size,
      erasedTrainCfs,
      influenceShare: absInfluence === 0 ? 0 : erasedAbsInfluence / absInfluence,
      creditShare: credit === 0 ? 0 : erasedCredit / credit,
      totals: { absInfluence, erasedAbsInfluence, credit, erasedCredit },
      topQueries: affected.slice(0, limit),
      queriesAffected: affected.length,
      queriesScored: byQuery.size,
    },
  });
}
