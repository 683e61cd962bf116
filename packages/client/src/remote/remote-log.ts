// A server's log, read a page at a time over GET /v1/log, as a read-only EventLog: what an
// auditor hands to verifyLog to check a remote ledger without trusting the server. Every event
// arrives as stored (its canonical text), so ids, signatures, seals and roots are recomputed
// here; the server is trusted for nothing but delivering bytes, and bytes it changes fail there.
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { signRequest, type RequestSigner } from '@cairn/core';
import type { EventLog, EventLogError, JsonValue, LogSubscription, RecordedEvent } from '@cairn/eventlog';
import type { EventId } from '@cairn/schemas';
import { errorText } from '../error-text.js';
import { metadataPrivate, readErrorOf } from './read-error.js';
import type { RemoteLocation } from './remote-cairn.js';

/** The most events one request asks for (the server's page limit). */
const PAGE = 5000;

const Digits = t.refinement(t.string, (s) => /^\d{1,19}$/.test(s), 'Digits');
const LogPageEvent = t.intersection([
  t.type({ position: Digits, id: t.string, stream: t.string, revision: Digits, type: t.string, data: t.string, recordedAt: t.string }),
  t.partial({ metadata: t.string }),
]);
const LogPage = t.type({ events: t.array(LogPageEvent), next: t.union([Digits, t.null]) }, 'LogPage');

export interface RemoteLogOptions {
  /** Signs each read (a server with private metadata answers only signed reads). */
  readonly signer?: RequestSigner;
  readonly fetch?: typeof fetch;
}

const unavailable = (reason: string): E.Either<EventLogError, never> => E.left({ _tag: 'Unavailable', reason });

function recorded(e: t.TypeOf<typeof LogPageEvent>): E.Either<string, RecordedEvent> {
  try {
    const base = {
      id: e.id as EventId,
      type: e.type,
      data: JSON.parse(e.data) as JsonValue,
      storedData: e.data,
      stream: e.stream,
      revision: BigInt(e.revision),
      position: BigInt(e.position),
      recordedAt: new Date(e.recordedAt),
    };
    return E.right(e.metadata === undefined ? base : { ...base, metadata: JSON.parse(e.metadata) as JsonValue });
  } catch (cause) {
    return E.left(`the event at position ${e.position} is not JSON: ${errorText(cause)}`);
  }
}

export function openRemoteEventLog(location: RemoteLocation, options: RemoteLogOptions = {}): EventLog {
  const send = options.fetch ?? fetch;
  const readOnly = (what: string) => unavailable(`${what}: the server's log is read here, never written`);

  const page = async (after: bigint | null, limit: number): Promise<E.Either<EventLogError, t.TypeOf<typeof LogPage>>> => {
    const qs = new URLSearchParams({ ...(after === null ? {} : { after: after.toString() }), limit: String(limit) }).toString();
    const url = `${location.url}/v1/log?${qs}`;
    let res: Response;
    let body: unknown;
    try {
      res = await send(url, {
        headers: {
          accept: 'application/json',
          ...(options.signer === undefined ? {} : signRequest({ method: 'GET', url }, options.signer)),
        },
      });
      body = await res.json();
    } catch (cause) {
      return unavailable(`the server at ${location.url} could not answer: ${errorText(cause)}`);
    }
    if (!res.ok) {
      const refused = res.status === 401 && options.signer === undefined ? metadataPrivate(location.url) : readErrorOf(res.status, body);
      return unavailable(
        `the server at ${location.url} refused GET /v1/log (${res.status}): ${'message' in refused ? refused.message : refused._tag}`,
      );
    }
    const decoded = LogPage.decode(body);
    if (E.isLeft(decoded)) return unavailable(`the server at ${location.url} answered /v1/log with a document this client cannot read`);
    return E.right(decoded.right);
  };

  return {
    adapter: 'http',
    append: () => Promise.resolve(readOnly('append')),
    appendMany: () => Promise.resolve(readOnly('appendMany')),
    readStream: () => Promise.resolve(unavailable('readStream: only the whole log is read from a server')),
    readByIds: () => Promise.resolve(unavailable('readByIds: only the whole log is read from a server')),
    // Pages until `limit` events or the head: a caller that asked for more than a page gets them all.
    readAll: async (o = {}) => {
      const want = o.limit ?? Number.POSITIVE_INFINITY;
      const out: RecordedEvent[] = [];
      let after = o.after ?? null;
      while (out.length < want) {
        const p = await page(after, Math.min(PAGE, want - out.length));
        if (E.isLeft(p)) return p;
        for (const e of p.right.events) {
          const r = recorded(e);
          if (E.isLeft(r)) return unavailable(r.left);
          // A server that pages out of order is answered for by verify's stream and root checks;
          // going backwards would loop here, so it ends the read.
          if (after !== null && r.right.position <= after)
            return unavailable(`the server paged back to position ${r.right.position} after ${after}`);
          out.push(r.right);
          after = r.right.position;
        }
        if (p.right.next === null || p.right.events.length === 0) break;
      }
      return E.right(out);
    },
    head: async () => {
      // The last position: read to the end (a reader of the whole log needs no shortcut here).
      let after: bigint | null = null;
      for (;;) {
        const p = await page(after, PAGE);
        if (E.isLeft(p)) return p;
        const last = p.right.events[p.right.events.length - 1];
        if (last !== undefined) after = BigInt(last.position);
        if (p.right.next === null || last === undefined) return E.right(after);
      }
    },
    subscribe: (): LogSubscription => {
      throw new Error("subscribe: the server's log is read a page at a time, not followed");
    },
    close: () => Promise.resolve(),
  };
}
