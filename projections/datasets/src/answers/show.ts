// "What does the ledger know about this CF?": the event as signed (read from the log, the source
// of truth), the later facts in its stream (deprecations, erasure), the CFs that label, validate,
// amend or supersede it, and the dataset versions it is a member of (from the projection tables).
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, LogPosition, RecordedEvent } from '@cairn/eventlog';
import { positionFromDb, positionToDb, resolveAsOf, type AsOf, idHex, idHexOrNull, idBytes } from '@cairn/projector';
import type { CfId, VersionId } from '@cairn/schemas';
import { T, storedVersionId, type DatasetsDatabase } from '../tables.js';
import { cfNotFound, type AnswerError } from './errors.js';

const CF_TYPES = new Set(['SampleContributed', 'LabelContributed', 'ValidationContributed']);

/** One event about the CF, as the log holds it. */
export interface ShownEvent {
  readonly eventId: string;
  readonly type: string;
  readonly signer: string;
  readonly position: LogPosition;
  readonly recordedAt: Date;
  readonly payload: Record<string, unknown>;
}

export interface CfShow extends ShownEvent {
  readonly cfId: CfId;
  readonly kind: 'sample' | 'label' | 'validation';
  /** The `id` column of the import row that contributed it (samples keep it as attributes.importId). */
  readonly importId: string | null;
  /** Later facts in the CF's own stream: ContributionDeprecated, SampleErased. */
  readonly later: readonly ShownEvent[];
  /** Labels and validations whose targets include it. */
  readonly targetedBy: readonly ShownEvent[];
  /** CFs that amend or supersede it. */
  readonly replacedBy: readonly (ShownEvent & { readonly how: 'amends' | 'supersedes' })[];
  readonly versions: readonly {
    readonly dataset: string;
    readonly versionId: VersionId;
    readonly position: LogPosition;
    readonly reason: string;
  }[];
}

export type ShowError = AnswerError | EventLogError;

type LogReader = Pick<EventLog, 'readStream' | 'readByIds'>;

function shown(r: RecordedEvent): ShownEvent {
  const envelope = r.data as { signer?: unknown; payload?: unknown };
  return {
    eventId: r.id,
    type: r.type,
    signer: typeof envelope.signer === 'string' ? envelope.signer : '',
    position: r.position,
    recordedAt: r.recordedAt,
    payload: (envelope.payload ?? {}) as Record<string, unknown>,
  };
}

const KIND = { SampleContributed: 'sample', LabelContributed: 'label', ValidationContributed: 'validation' } as const;

/**
 * The CF as the ledger knew it: now, or as of a moment (`asOf`), when only what had been appended
 * by then is told (a CF appended later is not found).
 */
export async function showCf(
  db: Kysely<DatasetsDatabase>,
  log: LogReader,
  cfId: string,
  options: { readonly asOf?: AsOf } = {},
): Promise<E.Either<ShowError, CfShow>> {
  const at = await resolveAsOf(db, options.asOf);
  const bound = at === undefined ? null : (at ?? -1n);
  const known = (p: LogPosition) => bound === null || p <= bound;
  const upTo = (column: string) => sql<boolean>`${sql.ref(column)} <= ${positionToDb(bound ?? -1n)}::bigint`;
  const stream = await log.readStream(`cf-${cfId}`);
  if (E.isLeft(stream)) return stream;
  const [first, ...rest] = stream.right;
  if (first === undefined || first.id !== cfId || !CF_TYPES.has(first.type)) return E.left(cfNotFound(cfId));
  if (!known(first.position)) return E.left(cfNotFound(cfId, ` as of position ${bound}`));
  const cf = shown(first);
  const related = await db
    .selectFrom(T.cfs)
    .select([idHex('cf_id').as('cf_id'), idHexOrNull('amends').as('amends'), idHexOrNull('supersedes').as('supersedes')])
    .where((w) =>
      w.or([
        w('targets', '@>', sql<string[]>`${JSON.stringify([cfId])}::jsonb`),
        w('amends', '=', idBytes(cfId)),
        w('supersedes', '=', idBytes(cfId)),
      ]),
    )
    .$if(bound !== null, (q) => q.where(upTo('valid_from')))
    .orderBy('valid_from')
    .orderBy(sql.ref(`${T.cfs}.cf_id`))
    .execute();
  const ids = related.map((r) => r.cf_id);
  const events = ids.length === 0 ? E.right([] as readonly RecordedEvent[]) : await log.readByIds(ids);
  if (E.isLeft(events)) return events;
  const byId = new Map<string, ShownEvent>(events.right.map((e) => [e.id, shown(e)]));
  const targetedBy: ShownEvent[] = [];
  const replacedBy: (ShownEvent & { how: 'amends' | 'supersedes' })[] = [];
  for (const r of related) {
    const e = byId.get(r.cf_id);
    if (e === undefined) continue;
    if (r.amends === cfId) replacedBy.push({ ...e, how: 'amends' });
    else if (r.supersedes === cfId) replacedBy.push({ ...e, how: 'supersedes' });
    else targetedBy.push(e);
  }
  const versions = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.versions} as v`, 'v.version_no', 'm.version_no')
    .innerJoin(`${T.decisions} as d`, 'd.decision_id', 'm.decision_id')
    .select(['v.dataset', 'v.version_id', 'v.position', 'd.reason'])
    .where('m.cf_id', '=', idBytes(cfId))
    .$if(bound !== null, (q) => q.where(upTo('v.position')))
    .orderBy('v.position')
    .orderBy('v.version_id')
    .execute();
  const attributes = cf.payload['attributes'] as Record<string, unknown> | undefined;
  const importId = attributes?.['importId'];
  return E.right({
    ...cf,
    // the log's id of a CF event, checked above to be one: a CF's id is its event id
    cfId: first.id as CfId,
    kind: KIND[first.type as keyof typeof KIND],
    importId: typeof importId === 'string' ? importId : null,
    later: rest.filter((e) => known(e.position)).map(shown),
    targetedBy,
    replacedBy,
    versions: versions.map((v) => ({
      dataset: v.dataset,
      versionId: storedVersionId(v.version_id),
      position: positionFromDb(v.position),
      reason: v.reason,
    })),
  });
}
