// Event → fact rows. Only what assembly and the answers need is kept; the log stays the
// source of truth for everything else.
import { sql, type Transaction } from 'kysely';
import type { ProjectedEvent } from '@cairn/projector';
import { copyNullableField, copyRowsOrInsert, positionToDb, idBytes, idBytesArray, idBytesCopyField } from '@cairn/projector';
import type { CfFact } from '@cairn/assembly';
import { T, type DatasetsDatabase } from './tables.js';

export interface CfRowInput {
  readonly cfId: string;
  readonly kind: 'sample' | 'label' | 'validation';
  readonly author: string;
  readonly source: string | null;
  readonly license: string | null;
  readonly commitment: string | null;
  /** The sample declares personal data (false for labels and validations). */
  readonly personalData: boolean;
  readonly labelType: string | null;
  readonly targets: readonly string[];
  readonly amends: string | null;
  readonly supersedes: string | null;
  readonly verdict: number | null;
}

/** The CF row an event states, or null for events that are not CFs. */
export function cfRowOf(e: ProjectedEvent): CfRowInput | null {
  const ev = e.event;
  const base = {
    cfId: e.id,
    author: ev.signer,
    source: null,
    license: null,
    commitment: null,
    personalData: false,
    labelType: null,
    verdict: null,
  };
  switch (ev.type) {
    case 'SampleContributed':
      return {
        ...base,
        kind: 'sample',
        source: ev.payload.source,
        license: ev.payload.license,
        commitment: ev.payload.commitment.value,
        personalData: ev.payload.personalData === true,
        targets: [],
        amends: ev.payload.amends ?? null,
        supersedes: ev.payload.supersedes ?? null,
      };
    case 'LabelContributed':
      return {
        ...base,
        kind: 'label',
        labelType: ev.payload.labelType,
        targets: [...ev.payload.targets],
        amends: ev.payload.amends ?? null,
        supersedes: ev.payload.supersedes ?? null,
      };
    case 'ValidationContributed': {
      const p = ev.payload;
      const verdict = p.verdict === 'approve' ? 1 : p.verdict === 'reject' ? 0 : (p.score ?? 0);
      return { ...base, kind: 'validation', targets: [...p.targets], verdict, amends: p.amends ?? null, supersedes: p.supersedes ?? null };
    }
    default:
      return null;
  }
}

const CF_COLUMNS = [
  'cf_id',
  'kind',
  'author',
  'source',
  'license',
  'commitment',
  'personal_data',
  'label_type',
  'targets',
  'amends',
  'supersedes',
  'verdict',
  'valid_from',
  'recorded_at',
] as const satisfies readonly (keyof DatasetsDatabase[typeof T.cfs])[];

const field = copyNullableField;
/** A 64-hex id or digest (CF id, author, commitment, amends, supersedes) as COPY text of its bytes. */
const bytesField = idBytesCopyField;

/** The rows as COPY text, in CF_COLUMNS' order; the rows of one append share a time, made once. */
function cfCopyText(rows: readonly { row: CfRowInput; event: ProjectedEvent }[]): string {
  const lines = new Array<string>(rows.length);
  let lastMs = Number.NaN;
  let lastTime = '';
  for (let i = 0; i < rows.length; i++) {
    const { row: r, event } = rows[i]!;
    const ms = event.recordedAt.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastTime = event.recordedAt.toISOString();
    }
    lines[i] =
      `${bytesField(r.cfId)}\t${field(r.kind)}\t${bytesField(r.author)}\t${field(r.source)}\t${field(r.license)}\t${bytesField(r.commitment)}\t` +
      `${r.personalData ? 't' : 'f'}\t${field(r.labelType)}\t${field(JSON.stringify(r.targets))}\t${bytesField(r.amends)}\t` +
      `${bytesField(r.supersedes)}\t${r.verdict === null ? '\\N' : String(r.verdict)}\t${positionToDb(event.position)}\t${lastTime}\n`;
  }
  return lines.join('');
}

/**
 * A replayed CF is the same fact: the first statement wins, as in the log itself. The log holds
 * each id once, so the batch goes in as one COPY (a fraction of what the same rows cost as an
 * insert from unnest); should an id come again all the same (the COPY fails on the key), the
 * batch is written by the insert that leaves a stated CF as it is.
 */
export async function insertCfs(
  tx: Transaction<DatasetsDatabase>,
  rows: readonly { row: CfRowInput; event: ProjectedEvent }[],
): Promise<void> {
  if (rows.length === 0) return;
  await copyRowsOrInsert<DatasetsDatabase, typeof T.cfs>(tx, T.cfs, CF_COLUMNS, cfCopyText(rows), () => insertCfsByUnnest(tx, rows));
}

async function insertCfsByUnnest(
  tx: Transaction<DatasetsDatabase>,
  rows: readonly { row: CfRowInput; event: ProjectedEvent }[],
): Promise<void> {
  const col = <K extends keyof CfRowInput>(k: K) => rows.map((r) => r.row[k]);
  // one parameter per column (unnest of arrays), not one per value: a batch holds thousands of CFs
  await tx
    .insertInto(T.cfs)
    .columns(CF_COLUMNS)
    .expression(
      sql`select *
      from unnest(${idBytesArray(col('cfId'))}, ${col('kind')}::text[], ${idBytesArray(col('author'))},
      ${col('source')}::text[], ${col('license')}::text[], ${idBytesArray(col('commitment'))}, ${col('personalData')}::boolean[], ${col('labelType')}::text[],
      ${rows.map((r) => JSON.stringify(r.row.targets))}::jsonb[], ${idBytesArray(col('amends'))}, ${idBytesArray(col('supersedes'))},
      ${col('verdict')}::float8[], ${rows.map((r) => positionToDb(r.event.position))}::bigint[],
      ${rows.map((r) => r.event.recordedAt.toISOString())}::timestamptz[])
        as u(cf_id, kind, author, source, license, commitment, personal_data, label_type, targets, amends, supersedes, verdict, valid_from, recorded_at)`,
    )
    .onConflict((c) => c.column('cf_id').doNothing())
    .execute();
}

/** A CF stops being live (amended, superseded, deprecated) at `position`: the first such fact counts. */
export async function endValidity(tx: Transaction<DatasetsDatabase>, cfId: string, event: ProjectedEvent): Promise<void> {
  await tx
    .updateTable(T.cfs)
    .set({ valid_to: positionToDb(event.position) })
    .where('cf_id', '=', idBytes(cfId))
    .where('valid_to', 'is', null)
    .execute();
}

/** The assembly fact of a CF row, as loadFacts reads it back from the table. */
export function cfFactOf(row: CfRowInput, event: ProjectedEvent): CfFact {
  return {
    cfId: row.cfId,
    kind: row.kind,
    author: row.author,
    position: event.position,
    source: row.source,
    license: row.license,
    commitment: row.commitment,
    labelType: row.labelType,
    targets: row.targets,
    amends: row.amends,
    supersedes: row.supersedes,
    verdict: row.verdict,
  };
}
