// "Why is this CF in version V?" and "why is it not?": the stored decision of the build, with the
// rule, the numbers and the events (by id and position) behind them.
import { NOOP_QUERY_EXECUTOR, QueryCreator, sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import { positionFromDb, idBytes, idBytesOf, isIdHex } from '@cairn/projector';
import type { DecisionEvidence } from '@cairn/assembly';
import type { RuleName } from '@cairn/assembly';
import { STORED_CF_COLUMNS, evidenceFromJson, storedCfOf } from '../evidence-json.js';
import type { CfId, VersionId } from '@cairn/schemas';
import { T, storedCfId, storedVersionId, type DatasetsDatabase } from '../tables.js';
import { cfNotFound, type AnswerError } from './errors.js';
import { erasureOfRow, firstErasures, type Erasure } from './erasures.js';
import { coalescing } from './coalesce.js';
import { versionOfRow, type DatasetVersion } from './versions.js';
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

/** A stored exclusion: the rule, reason and evidence of the build that turned the CF away. */
interface StoredExclusion {
  readonly rule: string;
  readonly reason: string;
  readonly evidence: DecisionEvidence;
  readonly buildPosition: LogPosition;
}

/** Everything a why answers from, read at once (versionAndDecision). */
interface WhyFacts {
  readonly version: DatasetVersion;
  /** The CF's member row in the version (undefined: not a member). */
  readonly member: { readonly reason: string; readonly evidence: DecisionEvidence } | undefined;
  /** For a CF that is not a member: the decision of the latest build of the version that excluded it, if stored. */
  readonly exclusion: StoredExclusion | undefined;
  /** The position of the latest build of the version (the version's own when none is stored). */
  readonly latestBuild: LogPosition;
  /** The CF's kind and first position, when the projection holds it. */
  readonly cf: { readonly kind: string; readonly validFrom: LogPosition } | undefined;
  readonly erased: Erasure | null;
}

/** One why to read: a CF id and a full version id. */
export interface WhyQuestion {
  readonly cfId: string;
  readonly versionId: string;
}

const questionKey = (q: WhyQuestion) => `${q.cfId}\n${q.versionId}`;

/**
 * For each of `questions`, the version, the CF's member row in it, the excluding decision of its
 * latest build and the CF's erasure, in one statement however many questions: a why is asked at a
 * high rate, every statement is a round trip to the store, and planning this one costs more than
 * reading it. The decision and erasure are small index look-ups, read whether or not the answer
 * needs them, which costs less than a second statement. Keyed by questionKey; a question whose
 * version is not known has no row.
 */
async function factRows(db: Kysely<DatasetsDatabase>, questions: readonly WhyQuestion[]) {
  const distinct = [...new Map(questions.map((q) => [questionKey(q), q])).values()];
  // cf_key: the CF id as the members and exclusions store it (null for text that is no id). Text
  // that is no id names no CF and no version, so it is sent as '' (a NUL would fail the
  // statement), and n says which question a row answers.
  const asText = (id: string) => (isIdHex(id) ? id : '');
  const asked = sql<{
    cf_id: string;
    version_id: string;
    cf_key: Uint8Array | null;
    n: string;
  }>`(select u.cf_id, u.version_id, ${idBytesOf(
    sql<string>`u.cf_id`,
  )} as cf_key, u.n from unnest(${distinct.map((q) => asText(q.cfId))}::text[], ${distinct.map((q) => asText(q.versionId))}::text[])
    with ordinality as u(cf_id, version_id, n))`.as('q');
  const rows = await db
    .selectFrom(asked)
    .innerJoin(`${T.versions} as v`, 'v.version_id', 'q.version_id')
    .leftJoin(`${T.members} as m`, (j) => j.onRef('m.version_no', '=', 'v.version_no').onRef('m.cf_id', '=', 'q.cf_key'))
    .leftJoin(`${T.decisions} as md`, 'md.decision_id', 'm.decision_id')
    .leftJoin(`${T.cfs} as c`, 'c.cf_id', 'q.cf_key')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom(`${T.builds} as lb`)
          .select('lb.position as latest_build')
          .whereRef('lb.version_id', '=', 'v.version_id')
          .orderBy('lb.position', 'desc')
          .limit(1)
          .as('b'),
      (j) => j.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom(`${T.exclusions} as xx`)
          .select(['xx.decision_id as x_decision_id', 'xx.build_position as x_build_position'])
          .whereRef('xx.version_no', '=', 'v.version_no')
          .whereRef('xx.cf_id', '=', 'q.cf_key')
          .where('xx.build_position', '<=', sql<string>`coalesce(b.latest_build, v.position)`)
          .orderBy('xx.build_position', 'desc')
          .limit(1)
          .as('x'),
      (j) => j.onTrue(),
    )
    .leftJoin(`${T.decisions} as xd`, 'xd.decision_id', 'x.x_decision_id')
    .leftJoinLateral(
      firstErasures(new QueryCreator<DatasetsDatabase>({ executor: NOOP_QUERY_EXECUTOR }), sql.ref<string>('q.cf_id')).as('e'),
      (j) => j.onTrue(),
    )
    .select('q.n as q_n')
    .select(['v.version_id', 'v.dataset', 'v.manifest_id', 'v.merkle_root', 'v.member_count', 'v.position', 'md.reason', 'md.evidence'])
    .select(STORED_CF_COLUMNS)
    .select([
      'c.cf_id as c_cf_id',
      'b.latest_build',
      'xd.rule as x_rule',
      'xd.reason as x_reason',
      'xd.evidence as x_evidence',
      'x.x_build_position',
    ])
    .select(['e.event_id as e_event_id', 'e.position as e_position', 'e.reason as e_reason', 'e.author as e_author'])
    .execute();
  return new Map(rows.map((row) => [questionKey(distinct[Number(row.q_n) - 1]!), row]));
}

type FactRow = NonNullable<ReturnType<Awaited<ReturnType<typeof factRows>>['get']>>;

/** The facts of one question from its row (undefined: the version is not known). */
function factsOfRow(q: WhyQuestion, row: FactRow | undefined): E.Either<AnswerError, WhyFacts> {
  if (row === undefined) return E.left(versionNotFound(q.versionId));
  const cfId = q.cfId;
  const version = versionOfRow(row);
  const cf = row.c_cf_id === null ? undefined : storedCfOf({ ...row, cf_id: cfId });
  // A decision names a CF the projection holds; storedCfOf says so when the store is broken.
  const decided = () => cf ?? storedCfOf({ ...row, cf_id: cfId });
  return E.right({
    version,
    member: row.reason === null ? undefined : { reason: row.reason, evidence: evidenceFromJson(row.evidence, decided()) },
    exclusion:
      row.x_rule === null || row.x_reason === null || row.x_build_position === null
        ? undefined
        : {
            rule: row.x_rule,
            reason: row.x_reason,
            evidence: evidenceFromJson(row.x_evidence, decided()),
            buildPosition: positionFromDb(row.x_build_position),
          },
    latestBuild: row.latest_build === null ? version.position : positionFromDb(row.latest_build),
    cf: cf === undefined || row.valid_from === null ? undefined : { kind: cf.kind, validFrom: positionFromDb(row.valid_from) },
    erased:
      row.e_event_id === null || row.e_position === null || row.e_reason === null || row.e_author === null
        ? null
        : erasureOfRow({ cf_id: cfId, event_id: row.e_event_id, position: row.e_position, reason: row.e_reason, author: row.e_author }),
  });
}

async function versionAndDecision(db: Kysely<DatasetsDatabase>, cfId: string, versionId: string): Promise<E.Either<AnswerError, WhyFacts>> {
  const q = { cfId, versionId };
  return factsOfRow(q, (await factRows(db, [q])).get(questionKey(q)));
}

export async function whyIncluded(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  versionId: string,
): Promise<E.Either<AnswerError, WhyAnswer>> {
  const found = await versionAndDecision(db, cfId, versionId);
  if (E.isLeft(found)) return found;
  const facts = found.right;
  if (facts.member === undefined) {
    const why = await excludedDecision(db, cfId, facts, { withErasure: false });
    const detail = E.isRight(why) ? `: ${why.right.rule}: ${why.right.reason}` : '';
    return E.left({ _tag: 'NotAMember', cfId, versionId, message: `CF ${cfId} is not a member of ${versionId}${detail}` });
  }
  return E.right(includedAnswer(cfId, facts, facts.member));
}

/**
 * Why a CF is in a version or is not: whyIncluded's answer for a member, whyExcluded's for any
 * other CF. One read of the version and member row decides which; asking whyIncluded and then
 * whyExcluded read them, and the excluding decision, twice.
 */
export async function why(db: Kysely<DatasetsDatabase>, cfId: string, versionId: string): Promise<E.Either<AnswerError, WhyAnswer>> {
  const found = await versionAndDecision(db, cfId, versionId);
  return E.isLeft(found) ? found : answerOf(db, cfId, found.right);
}

const answerOf = (
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  facts: WhyFacts,
): Promise<E.Either<AnswerError, WhyAnswer>> | E.Either<AnswerError, WhyAnswer> =>
  facts.member === undefined
    ? excludedDecision(db, cfId, facts, { withErasure: true })
    : E.right(includedAnswer(cfId, facts, facts.member));

/** The most questions one statement of a WhyReader answers. */
export const WHY_BATCH = 64;

/** `why`, for callers asking many at once (WhyReader). */
export type WhyReader = (cfId: string, versionId: string) => Promise<E.Either<AnswerError, WhyAnswer>>;

/**
 * `why` with concurrent questions coalesced: those asked while a statement is in flight are read
 * together, up to `maxBatch` to a statement, once it is done (coalesce.ts). Each answer is `why`'s
 * for its question, read from the store as it stands when its statement runs, which is after the
 * question was asked; nothing is remembered between statements.
 */
export function whyReader(db: Kysely<DatasetsDatabase>, options: { readonly maxBatch?: number } = {}): WhyReader {
  const rowsOf = coalescing(
    async (questions: readonly WhyQuestion[]) => {
      const rows = await factRows(db, questions);
      return questions.map((q) => rows.get(questionKey(q)));
    },
    { maxBatch: options.maxBatch ?? WHY_BATCH },
  );
  return async (cfId, versionId) => {
    const q = { cfId, versionId };
    const found = factsOfRow(q, await rowsOf(q));
    return E.isLeft(found) ? found : answerOf(db, cfId, found.right);
  };
}

function includedAnswer(cfId: string, facts: WhyFacts, member: { reason: string; evidence: DecisionEvidence }): WhyAnswer {
  return {
    cfId: storedCfId(cfId),
    version: facts.version,
    included: true,
    rule: null,
    reason: member.reason,
    evidence: member.evidence,
    buildPosition: facts.version.position,
    erased: facts.erased,
  };
}

export async function whyExcluded(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  versionId: string,
): Promise<E.Either<AnswerError, WhyAnswer>> {
  const found = await versionAndDecision(db, cfId, versionId);
  if (E.isLeft(found)) return found;
  if (found.right.member !== undefined) {
    return E.left({ _tag: 'IsAMember', cfId, versionId, message: `CF ${cfId} is a member of ${versionId}; ask whyIncluded` });
  }
  return excludedDecision(db, cfId, found.right, { withErasure: true });
}

/** The decision that turned a CF away from a version it is not a member of (withErasure: false leaves `erased` null, for a message). */
async function excludedDecision(
  db: Kysely<DatasetsDatabase>,
  cfId: string,
  facts: WhyFacts,
  options: { readonly withErasure: boolean },
): Promise<E.Either<AnswerError, WhyAnswer>> {
  const v = facts.version;
  const erased = options.withErasure ? facts.erased : null;
  const x = facts.exclusion;
  if (x !== undefined) {
    return E.right({
      cfId: storedCfId(cfId),
      version: v,
      included: false,
      rule: x.rule as RuleName,
      reason: x.reason,
      evidence: x.evidence,
      buildPosition: x.buildPosition,
      erased,
    });
  }
  // not a stored decision: either a CF of a kind the manifest does not take, or not in the prefix
  const at = facts.latestBuild;
  const c = facts.cf;
  if (c === undefined) return E.left(cfNotFound(cfId));
  if (c.validFrom > at) {
    return E.left({
      _tag: 'CfNotInVersionPrefix',
      cfId,
      versionId: v.versionId,
      message: `CF ${cfId} was appended at position ${c.validFrom}, after version ${v.versionId} was cut at ${at}`,
    });
  }
  const kinds = await db
    .selectFrom(T.manifests)
    .select(sql<string[] | null>`manifest->'candidates'->'kinds'`.as('kinds'))
    .where('manifest_id', '=', v.manifestId)
    .executeTakeFirst();
  return E.right({
    cfId: storedCfId(cfId),
    version: v,
    included: false,
    rule: 'kind',
    reason: `kind ${c.kind} is not a candidate kind [${(kinds?.kinds ?? []).join(', ')}]`,
    evidence: null,
    buildPosition: at,
    erased,
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
    // every build's version is stored (cutVersion writes both)
    .innerJoin(`${T.versions} as v`, 'v.version_id', 'b.version_id')
    .leftJoin(`${T.members} as m`, (j) => j.onRef('m.version_no', '=', 'v.version_no').on('m.cf_id', '=', idBytes(cfId)))
    .leftJoin(`${T.decisions} as md`, 'md.decision_id', 'm.decision_id')
    .leftJoin(`${T.exclusions} as x`, (j) =>
      j.onRef('x.version_no', '=', 'v.version_no').onRef('x.build_position', '=', 'b.position').on('x.cf_id', '=', idBytes(cfId)),
    )
    .leftJoin(`${T.decisions} as xd`, 'xd.decision_id', 'x.decision_id')
    .select([
      'b.dataset',
      'b.manifest_id',
      'b.version_id',
      'b.position',
      'md.reason as member_reason',
      'xd.rule',
      'xd.reason as excluded_reason',
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
