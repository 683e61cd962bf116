// The facts about one dataset version that licenses, card, export, attest and report share: its
// members with their origin (from the datasets tables), their sample metadata as signed in the log
// (media type, size), and the validations on them.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import { DATASETS_TABLE_NAMES as T, type AnyDB } from '@cairn/projections';
import type { EventLog } from '@cairn/eventlog';

export interface MemberFact {
  readonly cfId: string;
  readonly kind: string;
  readonly contributor: string;
  readonly source: string | null;
  readonly license: string | null;
  /** The sample's content commitment (SHA-256 or HMAC-SHA-256 of its bytes), null for labels. */
  readonly commitment: string | null;
  readonly commitmentScheme: string | null;
  readonly mediaType: string | null;
  readonly size: number | null;
  readonly personalData: boolean;
  readonly position: bigint;
}

const READ_CHUNK = 500;

/** Members in id order (the order of the version's Merkle leaves). */
export async function membersOf(db: Kysely<AnyDB>, log: EventLog, versionId: string): Promise<E.Either<{ readonly _tag: 'Unavailable'; readonly message: string }, MemberFact[]>> {
  const rows = await sql<{ cf_id: string; kind: string; author: string; source: string | null; license: string | null; commitment: string | null; valid_from: string }>`
    select m.cf_id, c.kind, c.author, c.source, c.license, c.commitment, c.valid_from
    from ${sql.table(T.members)} m join ${sql.table(T.cfs)} c using (cf_id)
    where m.version_id = ${versionId} order by m.cf_id`.execute(db);
  const payloads = new Map<string, Record<string, unknown>>();
  const ids = rows.rows.map((r) => r.cf_id);
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    const read = await log.readByIds(ids.slice(i, i + READ_CHUNK));
    if (E.isLeft(read)) return E.left({ _tag: 'Unavailable', message: `reading members from the log failed: ${JSON.stringify(read.left)}` });
    for (const e of read.right) payloads.set(e.id, ((e.data as { payload?: Record<string, unknown> }).payload ?? {}));
  }
  return E.right(
    rows.rows.map((r) => {
      const p = payloads.get(r.cf_id) ?? {};
      const commitment = p.commitment as { scheme?: string } | undefined;
      return {
        cfId: r.cf_id,
        kind: r.kind,
        contributor: r.author,
        source: r.source,
        license: r.license,
        commitment: r.commitment,
        commitmentScheme: commitment?.scheme ?? null,
        mediaType: typeof p.mediaType === 'string' ? p.mediaType : null,
        size: typeof p.size === 'number' ? p.size : null,
        personalData: p.personalData === true,
        position: BigInt(r.valid_from),
      };
    }),
  );
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
export async function validationStats(db: Kysely<AnyDB>, versionId: string, memberCount: number): Promise<ValidationStats> {
  const r = await sql<{ cf_id: string; author: string; verdict: number | null; target: string }>`
    select v.cf_id, v.author, v.verdict, t.target from ${sql.table(T.cfs)} v
    cross join lateral jsonb_array_elements_text(v.targets) as t(target)
    where v.kind = 'validation' and v.valid_to is null
      and t.target in (select cf_id from ${sql.table(T.members)} where version_id = ${versionId})`.execute(db);
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
