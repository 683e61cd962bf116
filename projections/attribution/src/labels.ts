// Where KNN-Shapley's class labels come from (documented in the README of this folder): the run
// names a labelType (hyperparameters.attribution.labelType); a row's label is the value of the
// most recent LabelContributed of that type targeting the row's CF, at or before the scoring
// position, ignoring labels deprecated by then. Values are compared as RFC 8785 canonical JSON, and
// classes are numbered in code-unit order of that text, so the numbering depends only on the log.
// Rows whose CF has no such label are left out of the valuation (counted and named in the scoring)
// rather than voiding it: a few unlabelled rows should not cost every other row its value.
import { sql, type Selectable, type Transaction } from 'kysely';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { LabelExclusions } from './kinds.js';
import { A, type AttributionDatabase } from './tables.js';

export type { LabelExclusions } from './kinds.js';

export interface ClassLabels {
  /** Classes of the labelled train rows, in the order of trainRows. */
  readonly train: Int32Array;
  readonly query: Int32Array;
  /** Indices of the train / query rows that have a label (ascending). */
  readonly trainRows: readonly number[];
  readonly queryRows: readonly number[];
  readonly excluded: LabelExclusions | null;
  /** classes[i] is the canonical JSON value of class i. */
  readonly classes: readonly string[];
}

export async function classLabelsAt(
  tx: Transaction<AttributionDatabase>,
  labelType: string | null,
  trainCfs: readonly string[],
  queryCfs: readonly string[],
  at: string,
): Promise<Either<string, ClassLabels>> {
  if (labelType === null) return left('the run names no label type (hyperparameters.attribution.labelType), so rows have no classes');
  const wanted = [...new Set([...trainCfs, ...queryCfs])];
  // distinct on with a correlated not-exists: clearer as the SQL it is than as a builder chain.
  const found = await sql<Pick<Selectable<AttributionDatabase['attribution_labels']>, 'target_id' | 'value'>>`
    select distinct on (l.target_id) l.target_id, l.value from ${sql.table(A.labels)} l
    where l.target_id = any(${wanted}::text[]) and l.label_type = ${labelType} and l.position <= ${at}::bigint
      and not exists (select 1 from ${sql.table(A.withdrawals)} w where w.cf_id = l.label_id and w.position <= ${at}::bigint)
    order by l.target_id, l.position desc, l.label_id`.execute(tx);
  const valueOf = new Map(found.rows.map((r) => [r.target_id, r.value]));
  const labelled = (cfs: readonly string[]) => cfs.flatMap((cf, row) => (valueOf.has(cf) ? [row] : []));
  const trainRows = labelled(trainCfs);
  const queryRows = labelled(queryCfs);
  for (const [split, cfs, rows] of [
    ['train', trainCfs, trainRows],
    ['query', queryCfs, queryRows],
  ] as const) {
    if (rows.length === 0) return left(`none of the ${cfs.length} ${split} rows has a ${JSON.stringify(labelType)} label`);
  }
  const classes = [...new Set(valueOf.values())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(classes.map((c, i) => [c, i]));
  const numbered = (cfs: readonly string[], rows: readonly number[]) => Int32Array.from(rows, (row) => index.get(valueOf.get(cfs[row]!)!)!);
  const missing = (cfs: readonly string[]) => [...new Set(cfs.filter((cf) => !valueOf.has(cf)))];
  const trainMissing = missing(trainCfs);
  const queryMissing = missing(queryCfs);
  const excluded: LabelExclusions | null =
    trainRows.length === trainCfs.length && queryRows.length === queryCfs.length
      ? null
      : {
          labelType,
          trainRows: trainCfs.length - trainRows.length,
          queryRows: queryCfs.length - queryRows.length,
          trainCfs: trainMissing.slice(0, NAMED_EXCLUSIONS),
          queryCfs: queryMissing.slice(0, NAMED_EXCLUSIONS),
        };
  return right({ train: numbered(trainCfs, trainRows), query: numbered(queryCfs, queryRows), trainRows, queryRows, excluded, classes });
}

/** How many CFs of each split an answer names when rows are left out (the counts are always whole). */
export const NAMED_EXCLUSIONS = 20;
