// The CF facts attribution needs (kind, contributor, source, license) are read from the CFs' own
// signed events in the log, by id, rather than kept in a table of the projection: a CF's id is its
// event id and the event never changes, so a copy would hold nothing the log does not (issue 22).
// The answer depends only on the log and the position asked about, so a rebuild scores the same.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, LogPosition, RecordedEvent } from '@cairn/eventlog';
import { decodeEventOf } from '@cairn/schemas';

export type CfKind = 'sample' | 'label' | 'validation';

/** A CF as its contribution event states it. */
export interface CfFact {
  readonly cfId: string;
  readonly kind: CfKind;
  /** The contributor who signed it. */
  readonly author: string;
  /** A sample's source and license; null for labels and validations. */
  readonly source: string | null;
  readonly license: string | null;
}

/** The log could not be read for the CFs' events. */
export interface CfFactsUnavailable {
  readonly _tag: 'LogUnavailable';
  readonly message: string;
}

/** Reads CF facts from the log. */
export interface CfFactsReader {
  /**
   * The CFs among `cfIds` whose contribution the log holds at or before `at`, by id. An id the log
   * does not hold by then, or that names an event which is not a contribution, is absent.
   */
  cfFactsAt(cfIds: readonly string[], at: LogPosition): Promise<E.Either<CfFactsUnavailable, ReadonlyMap<string, CfFact>>>;
}

/** Ids per read: a run of a million train rows never holds more than this many events at once. */
export const CF_FACTS_READ_CHUNK = 1000;

const KIND_OF: Readonly<Record<string, CfKind>> = {
  SampleContributed: 'sample',
  LabelContributed: 'label',
  ValidationContributed: 'validation',
};

/**
 * The fact a contribution event states, or undefined when the event is not one. It is decoded as
 * the projection runner decodes what it applies, so an event the runner would record as failed
 * instead of applying is not a CF here either.
 */
function factOf(e: RecordedEvent): CfFact | undefined {
  const kind = KIND_OF[e.type];
  if (kind === 'sample') {
    const d = decodeEventOf('SampleContributed', e.data);
    if (E.isLeft(d)) return undefined;
    return { cfId: e.id, kind, author: d.right.signer, source: d.right.payload.source, license: d.right.payload.license };
  }
  if (kind === 'label' || kind === 'validation') {
    const d = decodeEventOf(kind === 'label' ? 'LabelContributed' : 'ValidationContributed', e.data);
    return E.isLeft(d) ? undefined : { cfId: e.id, kind, author: d.right.signer, source: null, license: null };
  }
  return undefined;
}

const describe = (error: EventLogError): string => ('reason' in error ? `${error._tag}: ${error.reason}` : error._tag);

/** A CfFactsReader over the log's readByIds, CF_FACTS_READ_CHUNK ids per read (`chunk` for tests). */
export function cfFactsFromLog(log: Pick<EventLog, 'readByIds'>, options: { readonly chunk?: number } = {}): CfFactsReader {
  const chunk = options.chunk ?? CF_FACTS_READ_CHUNK;
  return {
    async cfFactsAt(cfIds, at) {
      const wanted = [...new Set(cfIds)];
      const facts = new Map<string, CfFact>();
      for (let i = 0; i < wanted.length; i += chunk) {
        const read = await log.readByIds(wanted.slice(i, i + chunk));
        if (E.isLeft(read)) return E.left({ _tag: 'LogUnavailable', message: `reading CFs from the log failed: ${describe(read.left)}` });
        for (const e of read.right) {
          if (e.position > at) continue;
          const fact = factOf(e);
          if (fact !== undefined) facts.set(fact.cfId, fact);
        }
      }
      return E.right(facts);
    },
  };
}
