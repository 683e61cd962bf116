// Event → the fact rows attribution needs, written one multi-row insert per table per batch. The
// CFs themselves are not copied: scoring reads their facts from the log (cf-facts.ts).
// Every fact carries its log position, so scoring at position P reads only facts at or before P
// and the result does not depend on where batch boundaries fall.
import { sql, type Transaction } from 'kysely';
import { isLeft } from 'fp-ts/lib/Either.js';
import { canonicalize } from '@cairn/core';
import type { ProjectedEvent } from '@cairn/projector';
import { positionToDb } from '@cairn/projector';
import type { GradientKind } from './compute.js';
import { attributionParamsOf } from './params.js';
import { A, type AttributionDatabase } from './tables.js';

interface Rows {
  labels: [labelId: string, targetId: string, labelType: string, value: string, position: string][];
  withdrawals: [eventId: string, cfId: string, position: string][];
  assetMembers: [assetId: string, cfId: string, name: string, position: string][];
  runs: [
    runId: string,
    dataset: string,
    versionId: string,
    params: string | null,
    paramsError: string | null,
    eventId: string,
    position: string,
  ][];
  gradients: [
    eventId: string,
    runId: string,
    split: 'train' | 'query',
    hash: string,
    rows: number,
    dims: number,
    rowMap: string,
    position: string,
    kind: GradientKind | null,
    weightsHash: string | null,
  ][];
}

/** The events of a batch that make a run scoreable (its record or a gradients artifact), in log order. */
export interface ScoringTrigger {
  readonly runId: string;
  readonly event: ProjectedEvent;
}

function canonical(value: unknown, where: string): string {
  const text = canonicalize(value as never);
  // decoded payloads are JSON values, so this can only fail on a bug
  if (isLeft(text)) throw new Error(`${where}${text.left.path.slice(1)}: ${text.left.reason}`);
  return text.right;
}

function collect(e: ProjectedEvent, rows: Rows, triggers: ScoringTrigger[]): void {
  const ev = e.event;
  const at = positionToDb(e.position);
  switch (ev.type) {
    case 'LabelContributed': {
      const value = canonical(ev.payload.value, `LabelContributed ${e.id}: payload.value`);
      for (const target of ev.payload.targets) rows.labels.push([e.id, target, ev.payload.labelType, value, at]);
      return;
    }
    case 'ContributionDeprecated':
      rows.withdrawals.push([e.id, ev.payload.target, at]);
      return;
    case 'AssetAssembled':
      for (const member of new Set(ev.payload.members)) rows.assetMembers.push([e.id, member, ev.payload.name, at]);
      return;
    case 'TrainingRunRecorded': {
      const p = ev.payload;
      const params = attributionParamsOf(p.hyperparameters, p.seeds);
      rows.runs.push([
        p.runId,
        p.dataset.name,
        p.dataset.versionId,
        isLeft(params) ? null : JSON.stringify(params.right),
        isLeft(params) ? params.left : null,
        e.id,
        at,
      ]);
      triggers.push({ runId: p.runId, event: e });
      return;
    }
    case 'GradientsRecorded': {
      const p = ev.payload;
      rows.gradients.push([
        e.id,
        p.runId,
        p.split,
        p.artifact.contentHash,
        p.artifact.rows,
        p.artifact.dims,
        JSON.stringify(p.rowMap),
        at,
        p.kind ?? null,
        p.weights?.contentHash ?? null,
      ]);
      triggers.push({ runId: p.runId, event: e });
      return;
    }
    default:
      return;
  }
}

const column = <TRow extends readonly unknown[], I extends number>(rows: readonly TRow[], i: I): TRow[I][] => rows.map((r) => r[i]);

/** Writes the batch's facts and returns the scoring triggers in log order. */
export async function ingestAttributionFacts(
  tx: Transaction<AttributionDatabase>,
  events: readonly ProjectedEvent[],
): Promise<ScoringTrigger[]> {
  const rows: Rows = { labels: [], withdrawals: [], assetMembers: [], runs: [], gradients: [] };
  const triggers: ScoringTrigger[] = [];
  for (const e of events) collect(e, rows, triggers);
  const { labels, withdrawals, assetMembers, runs, gradients } = rows;
  // a replayed fact is the same fact: the first statement wins, as in the log itself
  // One array parameter per column (unnest), however many rows: a values list takes one per field.
  if (labels.length > 0) {
    await tx
      .insertInto(A.labels)
      .columns(['label_id', 'target_id', 'label_type', 'value', 'position'])
      .expression(
        sql`select * from unnest(${column(labels, 0)}::text[], ${column(labels, 1)}::text[], ${column(labels, 2)}::text[], ${column(labels, 3)}::text[],
          ${column(labels, 4)}::bigint[])`,
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  if (withdrawals.length > 0) {
    await tx
      .insertInto(A.withdrawals)
      .columns(['event_id', 'cf_id', 'position'])
      .expression(
        sql`select * from unnest(${column(withdrawals, 0)}::text[], ${column(withdrawals, 1)}::text[], ${column(withdrawals, 2)}::bigint[])`,
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  if (assetMembers.length > 0) {
    await tx
      .insertInto(A.assetMembers)
      .columns(['asset_id', 'cf_id', 'asset_name', 'position'])
      .expression(
        sql`select * from unnest(${column(assetMembers, 0)}::text[], ${column(assetMembers, 1)}::text[], ${column(assetMembers, 2)}::text[],
          ${column(assetMembers, 3)}::bigint[])`,
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  // a run id is recorded once (the SDK refuses a second record); on a damaged log the first wins
  for (const [runId, dataset, versionId, params, paramsError, eventId, position] of runs) {
    await tx
      .insertInto(A.runs)
      .values({
        run_id: runId,
        dataset,
        version_id: versionId,
        params: sql<string>`${params}::jsonb`,
        params_error: paramsError,
        event_id: eventId,
        position,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  for (const [eventId, runId, split, contentHash, rowCount, dims, rowMap, position, kind, weightsHash] of gradients) {
    await tx
      .insertInto(A.gradients)
      .values({
        event_id: eventId,
        run_id: runId,
        split,
        content_hash: contentHash,
        rows: rowCount,
        dims,
        row_map: sql<string>`${rowMap}::jsonb`,
        position,
        kind,
        weights_hash: weightsHash,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return triggers;
}
