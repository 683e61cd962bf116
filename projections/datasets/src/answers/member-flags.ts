// Counts and lists over one version's members that a passport and a run's reproduce check ask
// for: members of one CF kind, members declaring personal data, members no approving validation
// targets. Each is one query over the members and CFs tables; an unknown version has none.
import { sql, type Kysely } from 'kysely';
import type { CfId } from '@cairn/schemas';
import type { CfKind } from '@cairn/assembly';
import { idHex } from '@cairn/projector';
import { T, storedCfId, versionNoOf, type DatasetsDatabase } from '../tables.js';

/** The version's member CF ids of `kind` (e.g. `sample`), in id order. */
export async function memberIdsOfKind(db: Kysely<DatasetsDatabase>, versionId: string, kind: string): Promise<CfId[]> {
  const rows = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
    .select(idHex('m.cf_id').as('cf_id'))
    .where('m.version_no', '=', versionNoOf(versionId))
    .where('c.kind', '=', kind as CfKind)
    .orderBy('m.cf_id')
    .execute();
  return rows.map((x) => storedCfId(x.cf_id));
}

/** How many members declare personal data (the projection keeps each sample's signed flag). */
export async function personalDataMemberCount(db: Kysely<DatasetsDatabase>, versionId: string): Promise<number> {
  const row = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
    .select((q) => q.fn.countAll<string>().as('n'))
    .where('m.version_no', '=', versionNoOf(versionId))
    .where('c.personal_data', '=', true)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** How many members no live approving validation targets (approve is stored as verdict 1). */
export async function unvalidatedMemberCount(db: Kysely<DatasetsDatabase>, versionId: string): Promise<number> {
  const row = await db
    .selectFrom(`${T.members} as m`)
    .select((q) => q.fn.countAll<string>().as('n'))
    .where('m.version_no', '=', versionNoOf(versionId))
    .where((w) =>
      w.not(
        w.exists(
          w
            .selectFrom(`${T.cfs} as v`)
            .select(sql.lit(1).as('one'))
            .where('v.kind', '=', 'validation')
            .where('v.verdict', '=', 1)
            .where('v.valid_to', 'is', null)
            // jsonb ? text: does the validation's targets hold the member
            .where(sql<boolean>`v.targets ? ${idHex('m.cf_id')}`),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
