// Training runs as things of their own: the list, one run in full, and two runs compared. The
// datasets projection keeps a run's index (id, version, model, event; read through trainingRuns); what the run declared
// (code, seeds, hyperparameters, environment) is read from its signed event in the log, so the
// answer is the fact as signed, not a copy a projection may have dropped fields from.
import type { Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalize } from '@cairn/core';
import type { EventLog, LogPosition, RecordedEvent } from '@cairn/eventlog';
import { decodeEventOf, formatDecodeFailure } from '@cairn/schemas';
import { positionFromDb, positionToDb } from '@cairn/projector';
import { A, type AttributionDatabase } from '../tables.js';
import { scoredRun } from '../scoring-reads.js';
import { datasetBuilds, readVersion, trainingRun, trainingRuns, type TrainingRunIndex, asDatasetsHandle } from '@cairn/datasets';
import { diff, type DiffOptions, type VersionDiff } from '@cairn/datasets';

export type RunsError =
  | { readonly _tag: 'RunNotFound'; readonly runId: string; readonly message: string }
  | { readonly _tag: 'RunEventUnreadable'; readonly runId: string; readonly eventId: string; readonly message: string }
  | { readonly _tag: 'VersionNotFound'; readonly versionId: string; readonly message: string };

export const runNotFound = (runId: string): RunsError => ({
  _tag: 'RunNotFound',
  runId,
  message: `no training run ${JSON.stringify(runId)} is recorded`,
});

export interface RunSummary {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: string;
  /** 1-based ordinal of the version among its dataset's versions (NAME@ORDINAL), null if not cut. */
  readonly ordinal: number | null;
  readonly modelHash: string;
  readonly codeVersion: string;
  readonly signer: string;
  readonly eventId: string;
  readonly position: LogPosition;
  readonly recordedAt: string;
}

export interface RunGradients {
  readonly split: 'train' | 'query';
  readonly contentHash: string;
  readonly rows: number;
  readonly dims: number;
  readonly eventId: string;
  readonly position: LogPosition;
  /** What the rows hold (`output-gradients`, `loss-gradients`), or null where the event declared no kind. */
  readonly kind: string | null;
  /** The per-row weights artifact (train output gradients only), by content hash. */
  readonly weightsHash: string | null;
}

export type RunAttribution =
  | {
      readonly scored: true;
      readonly scoredAt: LogPosition;
      readonly trainHash: string;
      readonly queryHash: string;
      readonly trainRows: number;
      readonly queryRows: number;
      readonly dims: number;
    }
  | { readonly scored: false; readonly reason: string };

export interface RunDetail extends RunSummary {
  readonly version: {
    readonly merkleRoot: string;
    readonly memberCount: number;
    readonly manifestId: string;
    readonly position: LogPosition;
  } | null;
  readonly seeds: Readonly<Record<string, number>>;
  readonly hyperparameters: { readonly [key: string]: unknown };
  readonly environment: Readonly<Record<string, string>>;
  readonly batchRoots: readonly string[] | null;
  readonly gradients: readonly RunGradients[];
  readonly attribution: RunAttribution;
}

/** The runs recorded (by `upTo`, when given: a run recorded later is not there yet). */
async function runRows(db: Kysely<AttributionDatabase>, runId?: string, upTo?: LogPosition): Promise<TrainingRunIndex[]> {
  const recorded = (r: TrainingRunIndex) => upTo === undefined || r.position <= upTo;
  if (runId === undefined) return (await trainingRuns(asDatasetsHandle(db))).filter(recorded);
  const run = await trainingRun(asDatasetsHandle(db), runId);
  return run === null || !recorded(run) ? [] : [run];
}

interface Declared {
  readonly signer: string;
  readonly recordedAt: string;
  readonly codeVersion: string;
  readonly seeds: Readonly<Record<string, number>>;
  readonly hyperparameters: { readonly [key: string]: unknown };
  readonly environment: Readonly<Record<string, string>>;
  readonly batchRoots: readonly string[] | null;
}

/** The runs' signed events, decoded (they were decoded and checked at append; this only reads them back). */
async function declared(log: EventLog, rows: readonly TrainingRunIndex[]): Promise<E.Either<RunsError, Map<string, Declared>>> {
  const out = new Map<string, Declared>();
  if (rows.length === 0) return E.right(out);
  const read = await log.readByIds(rows.map((r) => r.eventId));
  const unreadable = (r: TrainingRunIndex, why: string): E.Either<RunsError, never> =>
    E.left({
      _tag: 'RunEventUnreadable',
      runId: r.runId,
      eventId: r.eventId,
      message: `run ${r.runId}: its TrainingRunRecorded event ${r.eventId} ${why}`,
    });
  if (E.isLeft(read)) return unreadable(rows[0]!, `cannot be read from the log (${read.left._tag})`);
  const byId = new Map<string, RecordedEvent>(read.right.map((e) => [e.id, e]));
  for (const r of rows) {
    const e = byId.get(r.eventId);
    if (e === undefined) return unreadable(r, 'is not in the log');
    const decoded = decodeEventOf('TrainingRunRecorded', e.data);
    if (E.isLeft(decoded)) return unreadable(r, `does not decode: ${formatDecodeFailure(decoded.left)}`);
    const p = decoded.right.payload;
    out.set(r.eventId, {
      signer: decoded.right.signer,
      recordedAt: e.recordedAt.toISOString(),
      codeVersion: p.codeVersion,
      seeds: p.seeds,
      hyperparameters: p.hyperparameters as { readonly [key: string]: unknown },
      environment: p.environment,
      batchRoots: p.batchRoots ?? null,
    });
  }
  return E.right(out);
}

async function ordinals(db: Kysely<AttributionDatabase>, datasets: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const name of new Set(datasets)) {
    const seen = new Set<string>();
    for (const b of await datasetBuilds(asDatasetsHandle(db), name)) {
      if (seen.has(b.versionId)) continue;
      seen.add(b.versionId);
      out.set(`${name}\u0000${b.versionId}`, seen.size);
    }
  }
  return out;
}

function summaryOf(r: TrainingRunIndex, d: Declared, ordinal: number | undefined): RunSummary {
  return {
    runId: r.runId,
    dataset: r.dataset,
    versionId: r.versionId,
    ordinal: ordinal ?? null,
    modelHash: r.modelHash,
    codeVersion: d.codeVersion,
    signer: d.signer,
    eventId: r.eventId,
    position: r.position,
    recordedAt: d.recordedAt,
  };
}

/** Every TrainingRunRecorded, in log order. */
/** The runs recorded, in the index's order; as of `upTo` when given. */
export async function listRuns(
  db: Kysely<AttributionDatabase>,
  log: EventLog,
  upTo?: LogPosition,
): Promise<E.Either<RunsError, readonly RunSummary[]>> {
  const rows = await runRows(db, undefined, upTo);
  const d = await declared(log, rows);
  if (E.isLeft(d)) return d;
  const ord = await ordinals(
    db,
    rows.map((r) => r.dataset),
  );
  return E.right(rows.map((r) => summaryOf(r, d.right.get(r.eventId)!, ord.get(`${r.dataset}\u0000${r.versionId}`))));
}

/** In log order: by the table's position column (a bare `position` would be the text output column). */
export async function runGradients(db: Kysely<AttributionDatabase>, runId: string, upTo?: LogPosition): Promise<readonly RunGradients[]> {
  const g = await db
    .selectFrom(`${A.gradients} as g`)
    .select((eb) => [
      'split',
      'content_hash',
      'rows',
      'dims',
      'event_id',
      eb.cast<string>('g.position', 'text').as('position'),
      'kind',
      'weights_hash',
    ])
    .where('run_id', '=', runId)
    .$if(upTo !== undefined, (q) => q.where('g.position', '<=', positionToDb(upTo!)))
    .orderBy('g.position')
    .orderBy('g.event_id')
    .execute();
  return g.map((x) => ({
    split: x.split,
    contentHash: x.content_hash,
    rows: Number(x.rows),
    dims: Number(x.dims),
    eventId: x.event_id,
    position: positionFromDb(x.position),
    kind: x.kind,
    weightsHash: x.weights_hash,
  }));
}

/** One run: what it declared, the version it trained on, its gradients and whether attribution scored it. */
/** One run in full; as of `upTo` when given (its gradients and scoring by then; not found if recorded later). */
export async function showRun(
  db: Kysely<AttributionDatabase>,
  log: EventLog,
  runId: string,
  upTo?: LogPosition,
): Promise<E.Either<RunsError, RunDetail>> {
  const rows = await runRows(db, runId, upTo);
  const row = rows[0];
  if (row === undefined) return E.left(runNotFound(runId));
  const d = await declared(log, rows);
  if (E.isLeft(d)) return d;
  const dec = d.right.get(row.eventId)!;
  const ord = await ordinals(db, [row.dataset]);
  const v = await readVersion(asDatasetsHandle(db), row.versionId);
  const scoring = await scoredRun(db, runId, upTo);
  const attribution: RunAttribution = E.isRight(scoring)
    ? {
        scored: true,
        scoredAt: scoring.right.scoredAt,
        trainHash: scoring.right.trainHash,
        queryHash: scoring.right.queryHash,
        trainRows: scoring.right.trainRows,
        queryRows: scoring.right.queryRows,
        dims: scoring.right.dims,
      }
    : { scored: false, reason: scoring.left._tag === 'RunNotScored' ? scoring.left.reason : scoring.left.message };
  return E.right({
    ...summaryOf(row, dec, ord.get(`${row.dataset}\u0000${row.versionId}`)),
    version: E.isRight(v)
      ? { merkleRoot: v.right.merkleRoot, memberCount: v.right.memberCount, manifestId: v.right.manifestId, position: v.right.position }
      : null,
    seeds: dec.seeds,
    hyperparameters: dec.hyperparameters,
    environment: dec.environment,
    batchRoots: dec.batchRoots,
    gradients: await runGradients(db, runId, upTo),
    attribution,
  });
}

/** One key whose value differs between two runs; null = absent on that side. Values as canonical JSON text. */
export interface FieldChange {
  readonly key: string;
  readonly from: string | null;
  readonly to: string | null;
}

export interface RunsDiff {
  readonly from: RunDetail;
  readonly to: RunDetail;
  readonly sameVersion: boolean;
  /** The dataset diff of the two versions (null when a version was never cut in this store). */
  readonly dataset: VersionDiff | null;
  readonly code: FieldChange | null;
  readonly model: FieldChange | null;
  readonly seeds: readonly FieldChange[];
  readonly hyperparameters: readonly FieldChange[];
  readonly environment: readonly FieldChange[];
}

const text = (value: unknown): string => {
  const c = canonicalize(value);
  return E.isRight(c) ? c.right : JSON.stringify(value);
};

/** Objects flatten to dotted keys (lr, attribution.topK); arrays and scalars compare whole. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix !== '') out.set(prefix, '{}');
    for (const [k, v] of entries) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else out.set(prefix, text(value));
  return out;
}

/** The keys whose values differ, sorted by key (code-unit order). */
export function fieldChanges(a: unknown, b: unknown): FieldChange[] {
  const fa = flatten(a, '', new Map());
  const fb = flatten(b, '', new Map());
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return keys.filter((k) => fa.get(k) !== fb.get(k)).map((k) => ({ key: k, from: fa.get(k) ?? null, to: fb.get(k) ?? null }));
}

const change = (key: string, a: string, b: string): FieldChange | null => (a === b ? null : { key, from: a, to: b });

export async function diffRuns(
  db: Kysely<AttributionDatabase>,
  log: EventLog,
  runA: string,
  runB: string,
  options: DiffOptions = {},
): Promise<E.Either<RunsError, RunsDiff>> {
  const a = await showRun(db, log, runA);
  if (E.isLeft(a)) return a;
  const b = await showRun(db, log, runB);
  if (E.isLeft(b)) return b;
  const from = a.right;
  const to = b.right;
  let dataset: VersionDiff | null = null;
  if (from.version !== null && to.version !== null) {
    const d = await diff(asDatasetsHandle(db), from.versionId, to.versionId, options);
    if (E.isLeft(d)) return E.left({ _tag: 'VersionNotFound', versionId: from.versionId, message: d.left.message });
    dataset = d.right;
  }
  return E.right({
    from,
    to,
    sameVersion: from.versionId === to.versionId,
    dataset,
    code: change('codeVersion', from.codeVersion, to.codeVersion),
    model: change('modelHash', from.modelHash, to.modelHash),
    seeds: fieldChanges(from.seeds, to.seeds),
    hyperparameters: fieldChanges(from.hyperparameters, to.hyperparameters),
    environment: fieldChanges(from.environment, to.environment),
  });
}
