// The datasets defined, each with how many versions its builds cut and its latest: all of them,
// or those a search names (name prefix; holding a member with a CF id prefix, by a contributor,
// or from a source). Answers the latest state of the tables, or the state as of a moment.
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder } from 'kysely';
import type { VersionId } from '@cairn/schemas';
import { positionToDb, resolveAsOf, type AsOf, idHex, idBytes } from '@cairn/projector';
import { T, storedVersionIdOrNull, type DatasetsDatabase } from '../tables.js';

export interface DatasetSearch {
  /** The dataset's name starts with this. */
  readonly name?: string;
  /** A version of the dataset holds a member whose CF id starts with this (lowercase hex). */
  readonly cf?: string;
  /** A version of the dataset holds a member this contributor (public key) wrote. */
  readonly contributor?: string;
  /** A version of the dataset holds a member from this source. */
  readonly source?: string;
}

export interface DatasetListEntry {
  readonly name: string;
  /** Where DatasetDefined sits in the log. */
  readonly position: bigint;
  readonly versions: number;
  /** The version cut last (null: never built). */
  readonly latestVersionId: VersionId | null;
}

/** At most this many datasets an answer (ordered by name). */
export const DATASET_LIST_LIMIT = 1000;

/** `asOf`: the datasets defined by then, counting only the versions cut by then. */
export async function datasetList(
  db: Kysely<DatasetsDatabase>,
  search: DatasetSearch = {},
  options: { readonly asOf?: AsOf } = {},
): Promise<readonly DatasetListEntry[]> {
  const at = await resolveAsOf(db, options.asOf);
  const bound = at === undefined ? null : (at ?? -1n);
  const upTo = (column: string) => sql<boolean>`${sql.ref(column)} <= ${positionToDb(bound ?? -1n)}::bigint`;
  // exists (a version of d holding a member that meets the condition)
  const holds = (
    w: ExpressionBuilder<DatasetsDatabase & { d: DatasetsDatabase['datasets_datasets'] }, 'd'>,
    condition: RawBuilder<boolean>,
  ) =>
    w.exists(
      w
        .selectFrom(`${T.versions} as v`)
        .innerJoin(`${T.members} as m`, 'm.version_no', 'v.version_no')
        .innerJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
        .select(sql.lit(1).as('one'))
        .whereRef('v.dataset', '=', 'd.name')
        .$if(bound !== null, (q) => q.where(upTo('v.position')))
        .where(condition),
    );
  const rows = await db
    .selectFrom(`${T.datasets} as d`)
    .select((q) => [
      'd.name',
      'd.position',
      q
        .selectFrom(`${T.versions} as v`)
        .select((c) => c.fn.countAll<string>().as('n'))
        .whereRef('v.dataset', '=', 'd.name')
        .$if(bound !== null, (q) => q.where(upTo('v.position')))
        .as('versions'),
      q
        .selectFrom(`${T.builds} as b`)
        .select('b.version_id')
        .whereRef('b.dataset', '=', 'd.name')
        .$if(bound !== null, (q) => q.where(upTo('b.position')))
        .orderBy('b.position', 'desc')
        .limit(1)
        .as('latest'),
    ])
    .where((w) =>
      w.and([
        ...(bound === null ? [] : [upTo('d.position')]),
        ...(search.name === undefined ? [] : [sql<boolean>`starts_with(d.name, ${search.name})`]),
        // a CF id is 64 lowercase hex: other text starts none (and a NUL in it would fail the
        // statement). The length first: a regex over megabytes of hex can run out of stack.
        ...(search.cf === undefined
          ? []
          : [
              search.cf.length <= 64 && /^[0-9a-f]*$/.test(search.cf)
                ? holds(w, sql<boolean>`starts_with(${idHex('c.cf_id')}, ${search.cf})`)
                : sql<boolean>`false`,
            ]),
        ...(search.contributor === undefined ? [] : [holds(w, sql<boolean>`c.author = ${idBytes(search.contributor)}`)]),
        ...(search.source === undefined ? [] : [holds(w, sql<boolean>`c.source = ${search.source}`)]),
      ]),
    )
    .orderBy('d.name')
    .limit(DATASET_LIST_LIMIT)
    .execute();
  return rows.map((row) => ({
    name: row.name,
    position: BigInt(row.position),
    versions: Number(row.versions),
    latestVersionId: storedVersionIdOrNull(row.latest),
  }));
}
