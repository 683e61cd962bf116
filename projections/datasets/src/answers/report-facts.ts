// The figures of the EU AI Act public summary of training content (Regulation (EU) 2024/1689,
// Article 53(1)(d)) that are not already on the version's card: members by source with their
// licenses, exclusions by rule, opt-outs (deprecations) and erasures up to the cut, and the media
// types and personal-data marks the samples were signed with.
import type { Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog } from '@cairn/eventlog';
import { positionToDb } from '@cairn/projector';
import { T, asLineageHandle, versionNoOf, type DatasetsDatabase } from '../tables.js';
import { erasedNodeCount } from '@cairn/lineage';
import type { AnswerError } from './errors.js';
import { memberFacts, type LogUnavailable } from './version-facts.js';
import { readVersion } from './versions.js';

export interface ReportFacts {
  /** Members by source (null source as "(none)"), each with the licenses its members carry. */
  readonly sources: readonly { readonly source: string; readonly members: number; readonly licenses: readonly string[] }[];
  /** CFs each manifest rule left out of the version. */
  readonly exclusions: readonly { readonly rule: string; readonly cfs: number }[];
  /** Opt-outs and takedowns: CFs deprecated at or before the cut, by reason. */
  readonly deprecations: readonly { readonly reason: string; readonly cfs: number }[];
  /** Samples erased at or before the cut. */
  readonly erasures: number;
  readonly mediaTypes: readonly { readonly mediaType: string; readonly members: number }[];
  readonly personalDataMembers: number;
}

export async function reportFacts(
  db: Kysely<DatasetsDatabase>,
  log: EventLog,
  versionId: string,
): Promise<E.Either<AnswerError | LogUnavailable, ReportFacts>> {
  const version = await readVersion(db, versionId);
  if (E.isLeft(version)) return version;
  const cut = positionToDb(version.right.position);
  const members = db.selectFrom(`${T.members} as m`).select('m.cf_id').where('m.version_no', '=', versionNoOf(versionId));
  const sources = await db
    .selectFrom(T.cfs)
    .select((q) => ['source', 'license', q.fn.countAll<string>().as('n')])
    .where('cf_id', 'in', members)
    .groupBy(['source', 'license'])
    .orderBy('source')
    .orderBy('license')
    .execute();
  const bySource = new Map<string, { members: number; licenses: string[] }>();
  for (const r of sources) {
    const s = bySource.get(r.source ?? '(none)') ?? { members: 0, licenses: [] };
    s.members += Number(r.n);
    if (r.license !== null) s.licenses.push(r.license);
    bySource.set(r.source ?? '(none)', s);
  }
  const exclusions = await db
    .selectFrom(`${T.exclusions} as x`)
    .innerJoin(`${T.decisions} as d`, 'd.decision_id', 'x.decision_id')
    .select((q) => ['d.rule', q.fn.count<string>('x.cf_id').distinct().as('n')])
    .where('x.version_no', '=', versionNoOf(versionId))
    .groupBy('d.rule')
    .orderBy('d.rule')
    .execute();
  const deprecations = await db
    .selectFrom(T.deprecations)
    .select((q) => ['reason', q.fn.count<string>('cf_id').distinct().as('n')])
    .where('position', '<=', cut)
    .groupBy('reason')
    .orderBy('reason')
    .execute();
  const facts = await memberFacts(db, log, versionId);
  if (E.isLeft(facts)) return facts;
  const media = new Map<string, number>();
  let personalData = 0;
  for (const m of facts.right) {
    if (m.mediaType !== null) media.set(m.mediaType, (media.get(m.mediaType) ?? 0) + 1);
    if (m.personalData) personalData += 1;
  }
  return E.right({
    sources: [...bySource].map(([source, s]) => ({ source, members: s.members, licenses: s.licenses })),
    exclusions: exclusions.map((r) => ({ rule: r.rule, cfs: Number(r.n) })),
    deprecations: deprecations.map((r) => ({ reason: r.reason, cfs: Number(r.n) })),
    // Erasure is the lineage graph's node state: counted there, up to the same cut.
    erasures: await erasedNodeCount(asLineageHandle(db), version.right.position),
    mediaTypes: [...media].sort().map(([mediaType, n]) => ({ mediaType, members: n })),
    personalDataMembers: personalData,
  });
}
