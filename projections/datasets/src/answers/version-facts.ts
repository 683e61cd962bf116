// The facts about one dataset version that licenses, card, export, attest and report share: its
// members with their origin (from the datasets tables), their sample metadata as signed in the log
// (media type, size), the validations on them, its members by kind, its manifest and its runs.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, LogPosition } from '@cairn/eventlog';
import { positionFromDb, idHex, idHexOrNull } from '@cairn/projector';
import type { CfId } from '@cairn/schemas';
import { T, storedCfId, versionNoOf, type DatasetsDatabase } from '../tables.js';
import type { ExportMember } from '../exports/formats.js';

export interface MemberFact extends ExportMember {
  readonly cfId: CfId;
  readonly personalData: boolean;
  readonly position: LogPosition;
}

/** The log could not be read for the members' signed payloads. */
export interface LogUnavailable {
  readonly _tag: 'LogUnavailable';
  readonly message: string;
}

const READ_CHUNK = 500;

/** Members in id order (the order of the version's Merkle leaves); none for an unknown version. */
export async function memberFacts(
  db: Kysely<DatasetsDatabase>,
  log: EventLog,
  versionId: string,
): Promise<E.Either<LogUnavailable, MemberFact[]>> {
  const rows = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
    .select([
      idHex('m.cf_id').as('cf_id'),
      'c.kind',
      idHex('c.author').as('author'),
      'c.source',
      'c.license',
      idHexOrNull('c.commitment').as('commitment'),
      'c.valid_from',
    ])
    .where('m.version_no', '=', versionNoOf(versionId))
    .orderBy('m.cf_id')
    .execute();
  const payloads = new Map<string, Record<string, unknown>>();
  const ids = rows.map((r) => r.cf_id);
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    const read = await log.readByIds(ids.slice(i, i + READ_CHUNK));
    if (E.isLeft(read))
      return E.left({ _tag: 'LogUnavailable', message: `reading members from the log failed: ${JSON.stringify(read.left)}` });
    for (const e of read.right) payloads.set(e.id, (e.data as { payload?: Record<string, unknown> }).payload ?? {});
  }
  return E.right(
    rows.map((r) => {
      const p = payloads.get(r.cf_id) ?? {};
      const commitment = p.commitment as { scheme?: string } | undefined;
      return {
        cfId: storedCfId(r.cf_id),
        kind: r.kind,
        contributor: r.author,
        source: r.source,
        license: r.license,
        commitment: r.commitment,
        commitmentScheme: commitment?.scheme ?? null,
        mediaType: typeof p.mediaType === 'string' ? p.mediaType : null,
        size: typeof p.size === 'number' ? p.size : null,
        personalData: p.personalData === true,
        position: positionFromDb(r.valid_from),
      };
    }),
  );
}

/** The member CF ids of a version in id order (a gradient artifact's row map); none for an unknown version. */
export async function memberIds(db: Kysely<DatasetsDatabase>, versionId: string): Promise<CfId[]> {
  const rows = await db
    .selectFrom(`${T.members} as m`)
    .select(idHex('m.cf_id').as('cf_id'))
    .where('m.version_no', '=', versionNoOf(versionId))
    .orderBy('m.cf_id')
    .execute();
  return rows.map((m) => storedCfId(m.cf_id));
}

export interface KindCount {
  readonly kind: string;
  readonly members: number;
}

/** A version's members by CF kind, in kind order. */
export async function memberKinds(db: Kysely<DatasetsDatabase>, versionId: string): Promise<KindCount[]> {
  const rows = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
    .select((q) => ['c.kind', q.fn.countAll<string>().as('n')])
    .where('m.version_no', '=', versionNoOf(versionId))
    .groupBy('c.kind')
    .orderBy('c.kind')
    .execute();
  return rows.map((k) => ({ kind: k.kind, members: Number(k.n) }));
}

/** The manifest as signed (its JSON), or null when no ManifestDefined carried this id. */
export async function manifestById(db: Kysely<DatasetsDatabase>, manifestId: string): Promise<unknown> {
  const row = await db.selectFrom(T.manifests).select('manifest').where('manifest_id', '=', manifestId).executeTakeFirst();
  return row?.manifest ?? null;
}

export interface VersionRun {
  readonly runId: string;
  readonly modelHash: string;
  /** The TrainingRunRecorded event. */
  readonly eventId: string;
}

/** The training runs recorded on a version, in log order. */
export async function versionRuns(db: Kysely<DatasetsDatabase>, versionId: string): Promise<VersionRun[]> {
  const rows = await db
    .selectFrom(T.runs)
    .select(['run_id', 'model_hash', 'event_id'])
    .where('version_id', '=', versionId)
    .orderBy('position')
    .orderBy('run_id')
    .execute();
  return rows.map((x) => ({ runId: x.run_id, modelHash: x.model_hash, eventId: x.event_id }));
}

export interface ValidationStats {
  readonly validations: number;
  readonly approvals: number;
  readonly rejections: number;
  readonly scores: number;
  readonly meanScore: number | null;
  readonly validators: number;
  readonly membersValidated: number;
}

/** Validations (not superseded or deprecated as of now) that target members of the version. */
export async function validationStats(db: Kysely<DatasetsDatabase>, versionId: string, memberCount: number): Promise<ValidationStats> {
  // a lateral join over each validation's jsonb targets: more than the builder says plainly
  const r = await sql<{ cf_id: string; author: string; verdict: number | null; target: string }>`
    select ${idHex('v.cf_id')} as cf_id, ${idHex('v.author')} as author, v.verdict, t.target from ${sql.table(T.cfs)} v
    cross join lateral jsonb_array_elements_text(v.targets) as t(target)
    where v.kind = 'validation' and v.valid_to is null
      and t.target in (select ${idHex('m.cf_id')} from ${sql.table(T.members)} m where m.version_no = ${versionNoOf(versionId)})`.execute(
    db,
  );
  const byValidation = new Map<string, { author: string; verdict: number | null }>();
  const targets = new Set<string>();
  for (const row of r.rows) {
    byValidation.set(row.cf_id, { author: row.author, verdict: row.verdict === null ? null : Number(row.verdict) });
    targets.add(row.target);
  }
  const all = [...byValidation.values()];
  // The datasets projection stores approve as 1, reject as 0 and a score as itself (0..1).
  const approvals = all.filter((v) => v.verdict === 1).length;
  const rejections = all.filter((v) => v.verdict === 0).length;
  const scored = all.filter((v) => v.verdict !== null && v.verdict > 0 && v.verdict < 1);
  return {
    validations: all.length,
    approvals,
    rejections,
    scores: scored.length,
    meanScore: scored.length === 0 ? null : scored.reduce((s, v) => s + v.verdict!, 0) / scored.length,
    validators: new Set(all.map((v) => v.author)).size,
    membersValidated: Math.min(targets.size, memberCount),
  };
}
