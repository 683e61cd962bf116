// A Cairn served by `cairn serve`, read over HTTP: the same questions as a local Cairn, answered
// by the server from its projections and decoded with the codecs the server describes its answers
// with (wire/answers.ts) into the same typed values. Nothing is opened locally: no embedded
// database starts, so a remote read costs one request.
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { AsOf } from '@cairn/projector';
import type { Cairn } from '../cairn.js';
import type { ReadError, UsageError } from '../errors.js';
import { usageError } from '../errors.js';
import {
  DatasetVersionsAnswer,
  DiffAnswerCodec,
  HistoryAnswer,
  ImpactAnswer,
  LicensesAnswerCodec,
  StatusAnswer,
  StatusDocumentAnswer,
  TraceAnswer,
  WhyAnswerCodec,
} from '../wire/answers.js';
import type { StatusDocument } from '../status-document.js';
import { readErrorOf, unavailable } from './read-error.js';

export interface RemoteLocation {
  readonly kind: 'http';
  /** The server's base URL, without a trailing slash. */
  readonly url: string;
}

/** The reads a served Cairn answers over HTTP (more join them as the server's answers gain codecs). */
export interface RemoteCairn extends Pick<Cairn, 'datasetVersions' | 'diff' | 'impact' | 'why' | 'history' | 'licenses' | 'trace'> {
  readonly location: RemoteLocation;
  /** The head of the server's log and the position its projections have reached. */
  status(): Promise<E.Either<ReadError, StatusAnswer>>;
  /** The document `cairn status` prints, as the server's store has it. */
  statusDocument(): Promise<E.Either<ReadError, StatusDocument>>;
  /** Nothing to do: the server keeps its projections caught up, and a write answers once they are. */
  catchUp(): Promise<E.Either<never, void>>;
  /** Human names of lineage nodes: not served yet, so none (ids are shown instead). */
  labels(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  close(): Promise<void>;
}

/** True for a store given as a server's URL. */
export const isServerUrl = (store: string | undefined): store is string => store !== undefined && /^https?:\/\//i.test(store);

export function remoteLocationOf(text: string, field = '--store'): E.Either<UsageError, RemoteLocation> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return E.left(usageError(field, `not a URL: ${JSON.stringify(text)}`));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return E.left(usageError(field, `a server is reached over http:// or https://`));
  if (url.search !== '' || url.hash !== '') return E.left(usageError(field, 'a server URL carries no query or fragment'));
  return E.right({ kind: 'http', url: url.href.replace(/\/+$/, '') });
}

const asOfParam = (asOf: AsOf | undefined): Record<string, string> =>
  asOf === undefined ? {} : { asOf: typeof asOf === 'bigint' ? asOf.toString() : asOf.time.toISOString() };

export function openRemoteCairn(location: RemoteLocation, send: typeof fetch = fetch): RemoteCairn {
  const get = async <A>(
    path: string,
    query: Record<string, string>,
    codec: t.Type<A, unknown, unknown>,
  ): Promise<E.Either<ReadError, A>> => {
    const qs = new URLSearchParams(query).toString();
    let res: Response;
    let body: unknown;
    try {
      res = await send(`${location.url}${path}${qs === '' ? '' : `?${qs}`}`, { headers: { accept: 'application/json' } });
      body = await res.json();
    } catch (cause) {
      return E.left(
        unavailable(`the server at ${location.url} could not answer: ${cause instanceof Error ? cause.message : String(cause)}`),
      );
    }
    if (!res.ok) return E.left(readErrorOf(res.status, body));
    const decoded = codec.decode(body);
    return E.isLeft(decoded)
      ? E.left(unavailable(`the server at ${location.url} answered ${path} with a document this client cannot read (${codec.name})`))
      : E.right(decoded.right);
  };
  const seg = encodeURIComponent;

  return {
    location,
    status: () => get('/v1/status', {}, StatusAnswer),
    statusDocument: () => get('/v1/status/counts', {}, StatusDocumentAnswer),
    catchUp: async () => E.right(undefined),
    labels: async () => new Map(),
    close: async () => undefined,
    datasetVersions: (dataset, asOf) => get(`/v1/datasets/${seg(dataset)}/versions`, asOfParam(asOf), DatasetVersionsAnswer),
    diff: (from, to, asOf) => get('/v1/diff', { from, to, ...asOfParam(asOf) }, DiffAnswerCodec),
    impact: (cf, asOf) => get(`/v1/cfs/${seg(cf)}/impact`, asOfParam(asOf), ImpactAnswer),
    why: (cf, ref, asOf) => get(`/v1/cfs/${seg(cf)}/why`, { in: ref, ...asOfParam(asOf) }, WhyAnswerCodec),
    history: (cf, asOf) => get(`/v1/cfs/${seg(cf)}/history`, asOfParam(asOf), HistoryAnswer),
    licenses: (ref, asOf) => get(`/v1/versions/${seg(ref)}/licenses`, asOfParam(asOf), LicensesAnswerCodec),
    trace: async (target, options = {}) => {
      // The server's trace takes a direction and a depth; a node cap or an edge filter it would ignore.
      if (options.maxNodes !== undefined || options.edgeTypes !== undefined)
        return E.left(usageError(options.maxNodes !== undefined ? 'maxNodes' : 'edgeTypes', 'not asked over HTTP yet'));
      return get(
        `/v1/trace/${seg(target)}`,
        {
          ...asOfParam(options.asOf),
          ...(options.direction === undefined ? {} : { direction: options.direction }),
          ...(options.maxDepth === undefined ? {} : { depth: String(options.maxDepth) }),
          format: 'json',
        },
        TraceAnswer,
      );
    },
  };
}
