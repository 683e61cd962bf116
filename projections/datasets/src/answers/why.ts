// "Why is this CF in version V?" and "why is it not?": the stored decision of the build, with the
// rule, the numbers and the events (by id and position) behind them.
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb, positionToDb } from '@cairn/projector';
import type { DecisionEvidence } from '@cairn/assembly';
import type { RuleName } from '@cairn/assembly';
import { STORED_CF_COLUMNS, evidenceFromJson, storedCfOf } from '../evidence-json.js';
import type { CfId, VersionId } from '@cairn/schemas';
import { T, storedCfId, storedVersionId, type DatasetsDatabase } from '../tables.js';
import { cfNotFound, type AnswerError } from './errors.js';
import { erasuresOf, type Erasure } from './erasures.js';
import { latestBuildOf, versionOfRow, type DatasetVersion } from './versions.js';
import { versionNotFound } from './errors.js';

export interface WhyAnswer {
  readonly cfId: CfId;
  readonly version: DatasetVersion;
  readonly included: boolean;
  /** The first failing rule (null when included). */
  readonly rule: RuleName | null;
  readonly reason: string;
  readonly evidence: DecisionEvidence | null;
  /** The build whose decision this is. */
  readonly buildPosition: LogPosition;
  /**
   * The CF's erasure, if it has been erased (as of now): a version cut before it still lists the
   * CF as a member, whose bytes can no longer be read.
   */
  readonly erased: Erasure | null;
}

const erasureOf = async (db: Kysely<DatasetsDatabase>, cfId: string): Promise<Erasure | null> =>
  (await erasuresOf(db, [cfId])).get(cfId) ?? null;

/**
 * The version and the CF's member row in it (undefined: not a member), in one read: a why is
 * asked at a high rate, and every statement costs a round trip to the store.
 */
async function versionAndMember(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  versionId: string,
): Promise<
  E.Either<AnswerError, { readonly version: DatasetVersion; readonly member: { reason: string; evidence: DecisionEvidence } | undefined }>
> {
  const row = await db
    .selectFrom(`${T.versions} as v`)
    .leftJoin(`${T.members} as m`, (j) => j.onRef('m.version_id', '=', 'v.version_id').on('m.cf_id', '=', cfId))
    .leftJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
    .select(['v.version_id', 'v.dataset', 'v.manifest_id', 'v.merkle_root', 'v.member_count', 'v.position', 'm.reason', 'm.evidence'])
    .select(STORED_CF_COLUMNS)
    .where('v.version_id', '=', versionId)
    .executeTakeFirst();
  if (row === undefined) return E.left(versionNotFound(versionId));
  return E.right({
    version: versionOfRow(row),
    member:
      row.reason === null
        ? undefined
        : { reason: row.reason, evidence: evidenceFromJson(row.evidence, storedCfOf({ ...row, cf_id: cfId })) },
  });
}

export async function whyIncluded(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  versionId: string,
): Promise<E.Either<AnswerError, WhyAnswer>> {
  const found = await versionAndMember(db, cfId, versionId);
  if (E.isLeft(found)) return found;
  const { version, member } = found.right;
  if (member === undefined) {
    const why = await excludedDecision(db, cfId, version, { withErasure: false });
    const detail = E.isRight(why) ? `: ${why.right.rule}: ${why.right.reason}` : '';
    return E.left({ _tag: 'NotAMember', cfId, versionId, message: `CF ${cfId} is not a member of ${versionId}${detail}` });
  }
  return E.right(await includedAnswer(db, cfId, version, member));
}

/**
 * Why a CF is in a version or is not: whyIncluded's answer for a member, whyExcluded's for any
 * other CF. One read of the version and member row decides which; asking whyIncluded and then
 * whyExcluded read them, and the excluding decision, twice.
 */
export async function why(db: Kysely<DatasetsDatabase>, cfId: string, versionId: string): Promise<E.Either<AnswerError, WhyAnswer>> {
  const found = await versionAndMember(db, cfId, versionId);
  if (E.isLeft(found)) return found;
  const { version, member } = found.right;
  if (member === undefined) return excludedDecision(db, cfId, version, { withErasure: true });
  return E.right(await includedAnswer(db, cfId, version, member));
}

async function includedAnswer(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  version: DatasetVersion,
  member: { reason: string; evidence: DecisionEvidence },
): Promise<WhyAnswer> {
  return {
    cfId: storedCfId(cfId),
    version,
    included: true,
    rule: null,
    reason: member.reason,
    evidence: member.evidence,
    buildPosition: version.position,
    erased: await erasureOf(db, cfId),
  };
}

export async function whyExcluded(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  versionId: string,
): Promise<E.Either<AnswerError, WhyAnswer>> {
  const found = await versionAndMember(db, cfId, versionId);
  if (E.isLeft(found)) return found;
  if (found.right.member !== undefined) {
    return E.left({ _tag: 'IsAMember', cfId, versionId, message: `CF ${cfId} is a member of ${versionId}; ask whyIncluded` });
  }
  return excludedDecision(db, cfId, found.right.version, { withErasure: true });
}

/** The decision that turned a CF away from a version it is not a member of (withErasure: false leaves `erased` null, for a message). */
async function excludedDecision(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  v: DatasetVersion,
  options: { readonly withErasure: boolean },
): Promise<E.Either<AnswerError, WhyAnswer>> {
  const versionId = v.versionId;
  const build = await latestBuildOf(db, versionId);
  const at = build?.position ?? v.position;
  const row = await db
    .selectFrom(`${T.exclusions} as x`)
    .leftJoin(`${T.cfs} as c`, 'c.cf_id', 'x.cf_id')
    .select(['x.cf_id', 'x.rule', 'x.reason', 'x.evidence', 'x.build_position'])
    .select(STORED_CF_COLUMNS)
    .where('x.version_id', '=', versionId)
    .where('x.cf_id', '=', cfId)
    .where('x.build_position', '<=', positionToDb(at))
    .orderBy('x.build_position', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row !== undefined) {
    return E.right({
      cfId: storedCfId(row.cf_id),
      version: v,
      included: false,
      rule: row.rule as RuleName,
      reason: row.reason,
      evidence: evidenceFromJson(row.evidence, storedCfOf(row)),
      buildPosition: positionFromDb(row.build_position),
      erased: options.withErasure ? await erasureOf(db, cfId) : null,
    });
  }
  // not a stored decision: either a CF of a kind the manifest does not take, or not in the prefix
  const c = await db.selectFrom(T.cfs).select(['cf_id', 'kind', 'valid_from']).where('cf_id', '=', cfId).executeTakeFirst();
  if (c === undefined) return E.left(cfNotFound(cfId));
  if (positionFromDb(c.valid_from) > at) {
    return E.left({
      _tag: 'CfNotInVersionPrefix',
      cfId,
      versionId,
      message: `CF ${cfId} was appended at position ${c.valid_from}, after version ${versionId} was cut at ${at}`,
    });
  }
  const kinds = await db
    .selectFrom(T.manifests)
    .select(sql<string[] | null>`manifest->'candidates'->'kinds'`.as('kinds'))
    .where('manifest_id', '=', v.manifestId)
    .executeTakeFirst();
  return E.right({
    cfId: storedCfId(c.cf_id),
    version: v,
    included: false,
    rule: 'kind',
    reason: `kind ${c.kind} is not a candidate kind [${(kinds?.kinds ?? []).join(', ')}]`,
    evidence: null,
    buildPosition: at,
    erased: options.withErasure ? await erasureOf(db, cfId) : null,
  });
}

/** What became of a replacement in one dataset whose current version held the CF it replaces. */
export interface ReplacementOutcome {
  readonly dataset: string;
  readonly manifestId: string;
  /** The version cut because of the replacement (the log up to its position). */
  readonly versionId: VersionId;
  readonly position: LogPosition;
  readonly included: boolean;
  readonly rule: RuleName | null;
  readonly reason: string;
}

/**
 * For an amendment or supersession `cfId`: every dataset re-assembled because of it (those whose
 * current version held the CF it replaces, or a CF that CF labels or validates), with whether
 * `cfId` is in the version that re-assembly cut, and the decision's reason. Empty when no dataset
 * was hit, or before the datasets projection has reached the CF.
 */
export async function replacementOutcomes(db: Kysely<DatasetsDatabase>, cfId: string): Promise<ReplacementOutcome[]> {
  const rows = await db
    .selectFrom(`${T.builds} as b`)
    .leftJoin(`${T.members} as m`, (j) => j.onRef('m.version_id', '=', 'b.version_id').on('m.cf_id', '=', cfId))
    .leftJoin(`${T.exclusions} as x`, (j) =>
      j.onRef('x.version_id', '=', 'b.version_id').onRef('x.build_position', '=', 'b.position').on('x.cf_id', '=', cfId),
    )
    .select([
      'b.dataset',
      'b.manifest_id',
      'b.version_id',
      'b.position',
      'm.reason as member_reason',
      'x.rule',
      'x.reason as excluded_reason',
    ])
    .where('b.cause_event_id', '=', cfId)
    .where('b.cause', 'in', ['amended', 'superseded'])
    .orderBy('b.dataset')
    .orderBy('b.manifest_id')
    .execute();
  return rows.map((row) => ({
    dataset: row.dataset,
    manifestId: row.manifest_id,
    versionId: storedVersionId(row.version_id),
    position: positionFromDb(row.position),
    included: row.member_reason !== null,
    rule: row.member_reason !== null ? null : ((row.rule as RuleName | null) ?? 'kind'),
    reason: row.member_reason ?? row.excluded_reason ?? 'not a candidate kind of the manifest',
  }));
}
