// Where KNN-Shapley's class labels come from (documented in the README of this folder): the run
// names a labelType (hyperparameters.attribution.labelType); a row's label is the value of the
// most recent LabelContributed of that type targeting the row's CF, at or before the scoring
// position, ignoring labels deprecated by then. Values are compared as RFC 8785 canonical JSON, and
// classes are numbered in code-unit order of that text, so the numbering depends only on the log.
import { sql, type Transaction } from 'kysely';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { AnyDB } from '../runner/projection.js';
import { A } from './tables.js';

export interface ClassLabels {
  readonly train: Int32Array;
  readonly query: Int32Array;
  /** classes[i] is the canonical JSON value of class i. */
  readonly classes: readonly string[];
}

export async function classLabelsAt(
  tx: Transaction<AnyDB>, labelType: string | null, trainCfs: readonly string[], queryCfs: readonly string[], at: string,
): Promise<Either<string, ClassLabels>> {
  if (labelType === null) return left('the run names no label type (hyperparameters.attribution.labelType), so rows have no classes');
  const wanted = [...new Set([...trainCfs, ...queryCfs])];
  const found = await sql<{ target_id: string; value: string }>`
    select distinct on (l.target_id) l.target_id, l.value from ${sql.table(A.labels)} l
    where l.target_id = any(${wanted}::text[]) and l.label_type = ${labelType} and l.position <= ${at}::bigint
      and not exists (select 1 from ${sql.table(A.withdrawals)} w where w.cf_id = l.label_id and w.position <= ${at}::bigint)
    order by l.target_id, l.position desc, l.label_id`.execute(tx);
  const valueOf = new Map(found.rows.map((r) => [r.target_id, r.value]));
  for (const [split, cfs] of [['train', trainCfs], ['query', queryCfs]] as const) {
    const unlabelled = cfs.filter((cf) => !valueOf.has(cf));
    if (unlabelled.length > 0) {
      return left(`${unlabelled.length} of ${cfs.length} ${split} rows have no ${JSON.stringify(labelType)} label (first: CF ${unlabelled[0]})`);
    }
  }
  const classes = [...new Set(valueOf.values())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(classes.map((c, i) => [c, i]));
  const numbered = (cfs: readonly string[]) => Int32Array.from(cfs, (cf) => index.get(valueOf.get(cf)!)!);
  return right({ train: numbered(trainCfs), query: numbered(queryCfs), classes });
}
