// A Cairn served by `cairn serve`, read over HTTP: the same questions as a local Cairn, answered
// by the server from its projections and decoded with the codecs the server describes its answers
// with (wire/answers.ts) into the same typed values. Nothing is opened locally: no embedded
// database starts, so a remote read costs one request.
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { signRequest, type RequestSigner } from '@cairn/core';
import type { AsOf } from '@cairn/projector';
import { SignedTreeHead, TreeHeadCosignature } from '@cairn/schemas';
import type { Cairn } from '../cairn.js';
import type { ReadError, UsageError } from '../errors.js';
import { usageError } from '../errors.js';
import {
  AuthorshipProofAnswer,
  CardFactsAnswer,
  CfShowAnswerCodec,
  ProofFileAnswer,
  ReportAnswerCodec,
  VersionShowAnswer,
  ReplacementResultsAnswer,
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
import { MAX_LABEL_IDS } from '../wire/queries.js';
import {
  CreditAnswerCodec,
  ReproduceReportAnswer,
  RunDetailAnswer,
  RunsDiffAnswer,
  RunSummariesAnswer,
  UnlearningReportAnswer,
} from '../wire/run-answers.js';
import type { StatusDocument } from '../status-document.js';
import type { ContributorStanding, RoleHolders } from '../contributors.js';
import type { TreeHeadAnswer } from '../tree-head.js';
import { ContributorStandingAnswer, RoleHoldersAnswer, TreeHeadWireAnswer } from '../wire/contributors.js';
import { metadataPrivate, readErrorOf, unavailable } from './read-error.js';

export interface RemoteLocation {
  readonly kind: 'http';
  /** The server's base URL, without a trailing slash. */
  readonly url: string;
}

type SharedRead =
  | 'datasetVersions'
  | 'datasetShow'
  | 'diff'
  | 'impact'
  | 'why'
  | 'history'
  | 'licenses'
  | 'trace'
  | 'show'
  | 'labels'
  | 'cardFacts'
  | 'reportFacts'
  | 'proofFile'
  | 'authorship'
  | 'runs'
  | 'run'
  | 'diffRuns'
  | 'reproduceCheck'
  | 'unlearning'
  | 'credit'
  | 'replacementOutcomes'
  | 'buildResult';

/** A read that may also fail as a server fails (unreachable, or a refusal told as a ReadError). */
type OverHttp<F> = F extends (...args: infer A) => Promise<E.Either<infer L, infer R>>
  ? (...args: A) => Promise<E.Either<L | ReadError, R>>
  : F;

/** The reads a local Cairn and a served one both answer, with the same typed values. */
export type SharedReads = { readonly [K in SharedRead]: OverHttp<Cairn[K]> };

/** The reads a served Cairn answers over HTTP (more join them as the server's answers gain codecs). */
export interface RemoteCairn extends SharedReads {
  readonly location: RemoteLocation;
  /** The head of the server's log and the position its projections have reached. */
  status(): Promise<E.Either<ReadError, StatusAnswer>>;
  /** The document `cairn status` prints, as the server's store has it. */
  statusDocument(): Promise<E.Either<ReadError, StatusDocument>>;
  /**
   * A version exported as `cairn export --format` prints it (JSON Lines, OpenLineage events, a
   * Croissant document), as the server streams it: never held whole here.
   */
  exportText(
    ref: string,
    format: 'jsonl' | 'openlineage' | 'croissant' | 'mlflow',
    asOf?: AsOf,
  ): Promise<E.Either<ReadError, AsyncIterable<Uint8Array>>>;
  /**
   * What a folder export is written from (the facts of a version and of each member, JSON Lines:
   * wire/export-facts.ts), as the server streams it.
   */
  exportFacts(ref: string, asOf?: AsOf): Promise<E.Either<ReadError, AsyncIterable<Uint8Array>>>;
  /** Who holds which role now, and the founder (`cairn roles list`). */
  roleHolders(): Promise<E.Either<ReadError, RoleHolders>>;
  /** Where a contributor stands now (its current key and roles); undefined when none is registered. */
  contributorStanding(contributorId: string): Promise<E.Either<ReadError, ContributorStanding | undefined>>;
  /** The ledger's signed head of the server's log now (`from`: with a consistency proof from that size). */
  treeHead(from?: number): Promise<E.Either<ReadError, TreeHeadAnswer>>;
  /** The largest head the server remembers (the one a witness cosigns), or undefined when it has signed none. */
  latestTreeHead(): Promise<E.Either<ReadError, SignedTreeHead | undefined>>;
  /**
   * Hands the server a witness's cosignature, made here with the witness's key; the request is
   * signed as the witness (the reader this remote was opened with), and the server keeps it only
   * over a head it signed and only if it verifies.
   */
  recordCosignature(cosignature: TreeHeadCosignature): Promise<E.Either<ReadError, TreeHeadCosignature>>;
  /** Nothing to do: the server keeps its projections caught up, and a write answers once they are. */
  catchUp(): Promise<E.Either<never, void>>;
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

const LatestHeadAnswer = t.type({ latest: t.union([SignedTreeHead, t.null]) }, 'LatestTreeHead');
type LatestHead = t.TypeOf<typeof LatestHeadAnswer>;
const LabelsAnswer = t.type({ labels: t.record(t.string, t.string) }, 'Labels');

const asOfParam = (asOf: AsOf | undefined): Record<string, string> =>
  asOf === undefined ? {} : { asOf: typeof asOf === 'bigint' ? asOf.toString() : asOf.time.toISOString() };

export interface RemoteCairnOptions {
  /**
   * The contributor every request is signed as (RFC 9421, core's profile). A server that keeps
   * lineage metadata private answers only signed reads; a public one ignores the signature.
   */
  readonly signer?: RequestSigner;
  /** The fetch to send with (default: the global one). */
  readonly fetch?: typeof fetch;
}

export function openRemoteCairn(location: RemoteLocation, options: RemoteCairnOptions | typeof fetch = {}): RemoteCairn {
  const { signer, fetch: send = fetch } = typeof options === 'function' ? { fetch: options } : options;
  // Each request gets its own signature: a nonce is spent once, and the signature covers the
  // method, path and query (and the body's digest) of this request only.
  const headersFor = (method: string, url: string, accept: string, body?: Uint8Array): Record<string, string> => ({
    accept,
    ...(signer === undefined ? {} : signRequest({ method, url, ...(body === undefined ? {} : { body }) }, signer)),
  });
  const refusalOf = (status: number, body: unknown): ReadError =>
    status === 401 && signer === undefined ? metadataPrivate(location.url) : readErrorOf(status, body);
  const ask = async <A>(
    path: string,
    query: Record<string, string>,
    codec: t.Type<A, unknown, unknown>,
    post?: unknown,
  ): Promise<E.Either<ReadError, A>> => {
    const qs = new URLSearchParams(query).toString();
    const url = `${location.url}${path}${qs === '' ? '' : `?${qs}`}`;
    let res: Response;
    let body: unknown;
    try {
      if (post === undefined) res = await send(url, { headers: headersFor('GET', url, 'application/json') });
      else {
        const bytes = new TextEncoder().encode(JSON.stringify(post));
        res = await send(url, {
          method: 'POST',
          headers: { ...headersFor('POST', url, 'application/json', bytes), 'content-type': 'application/json' },
          body: bytes,
        });
      }
      body = await res.json();
    } catch (cause) {
      return E.left(
        unavailable(`the server at ${location.url} could not answer: ${cause instanceof Error ? cause.message : String(cause)}`),
      );
    }
    if (!res.ok) return E.left(refusalOf(res.status, body));
    const decoded = codec.decode(body);
    return E.isLeft(decoded)
      ? E.left(unavailable(`the server at ${location.url} answered ${path} with a document this client cannot read (${codec.name})`))
      : E.right(decoded.right);
  };
  const get = <A>(path: string, query: Record<string, string>, codec: t.Type<A, unknown, unknown>) => ask(path, query, codec);
  const seg = encodeURIComponent;
  /** A streamed answer, its body as it arrives (never held whole here). */
  const stream = async (path: string, query: Record<string, string>): Promise<E.Either<ReadError, AsyncIterable<Uint8Array>>> => {
    const qs = new URLSearchParams(query).toString();
    const url = `${location.url}${path}${qs === '' ? '' : `?${qs}`}`;
    try {
      const res = await send(url, { headers: headersFor('GET', url, '*/*') });
      if (!res.ok) return E.left(refusalOf(res.status, await res.json().catch(() => undefined)));
      if (res.body === null) return E.left(unavailable(`the server at ${location.url} answered ${path} with no body`));
      return E.right(res.body as unknown as AsyncIterable<Uint8Array>);
    } catch (cause) {
      return E.left(
        unavailable(`the server at ${location.url} could not answer: ${cause instanceof Error ? cause.message : String(cause)}`),
      );
    }
  };

  return {
    location,
    status: () => get('/v1/status', {}, StatusAnswer),
    statusDocument: () => get('/v1/status/counts', {}, StatusDocumentAnswer),
    catchUp: async () => E.right(undefined),
    roleHolders: () => get('/v1/roles', {}, RoleHoldersAnswer),
    contributorStanding: async (contributorId) => {
      const r = await get(`/v1/contributors/${seg(contributorId)}/standing`, {}, ContributorStandingAnswer);
      // Not registered is an answer here, as the local ledger gives it (a 404 naming the contributor).
      return E.isLeft(r) && r.left._tag === 'CfNotFound' && 'field' in r.left && r.left.field === 'contributorId' ? E.right(undefined) : r;
    },
    treeHead: (from) => get('/v1/tree-head', from === undefined ? {} : { from: String(from) }, TreeHeadWireAnswer),
    latestTreeHead: async () => E.map((a: LatestHead) => a.latest ?? undefined)(await get('/v1/tree-heads/latest', {}, LatestHeadAnswer)),
    recordCosignature: (cosignature) => ask('/v1/tree-heads/cosignatures', {}, TreeHeadCosignature, cosignature),
    labels: async (ids) => {
      // Names only help people read an answer: a server that cannot give them leaves ids shown.
      const names = new Map<string, string>();
      for (let i = 0; i < ids.length; i += MAX_LABEL_IDS) {
        const r = await ask('/v1/labels', {}, LabelsAnswer, { ids: ids.slice(i, i + MAX_LABEL_IDS) });
        if (E.isLeft(r)) return names;
        for (const [id, name] of Object.entries(r.right.labels)) names.set(id, name);
      }
      return names;
    },
    show: (cf) => get(`/v1/cfs/${seg(cf)}`, {}, CfShowAnswerCodec),
    datasetShow: async (ref, page, asOf) => {
      // The server pages with its own cursor (pinned to the first page's moment), not by offset or CF id.
      if (page.offset !== undefined || page.after !== undefined)
        return E.left(
          usageError(
            page.after !== undefined ? 'after' : 'offset',
            'over HTTP a version is read from its first page (the server pages with its own cursor); ask for a larger limit',
          ),
        );
      const shown = await get(`/v1/versions/${seg(ref)}`, { limit: String(page.limit), ...asOfParam(asOf) }, VersionShowAnswer);
      if (E.isLeft(shown)) return shown;
      // The server's cursor for the next page is its own; the answer is the local one without it.
      const { nextCursor: _cursor, ...answer } = shown.right as typeof shown.right & { nextCursor?: unknown };
      return E.right(answer);
    },
    proofFile: (cf, ref, asOf) => get(`/v1/cfs/${seg(cf)}/proof`, { in: ref, ...asOfParam(asOf) }, ProofFileAnswer),
    authorship: (cf) => get(`/v1/cfs/${seg(cf)}/authorship`, {}, AuthorshipProofAnswer),
    cardFacts: (ref, asOf) => get(`/v1/versions/${seg(ref)}/card-facts`, asOfParam(asOf), CardFactsAnswer),
    reportFacts: (ref, asOf) => get(`/v1/versions/${seg(ref)}/report`, asOfParam(asOf), ReportAnswerCodec),
    exportText: (ref, format, asOf) => stream(`/v1/versions/${seg(ref)}/export`, { format, ...asOfParam(asOf) }),
    exportFacts: (ref, asOf) => stream(`/v1/versions/${seg(ref)}/export-facts`, asOfParam(asOf)),
    buildResult: async (dataset, eventId) => {
      // From the dataset's versions and every cut of each, as buildOutcome reads them locally: the
      // cut this request made, and whether the cut before it (in log order) was the same version.
      const none = { version: null, unchanged: false };
      const versions = await get(`/v1/datasets/${seg(dataset)}/versions`, {}, DatasetVersionsAnswer);
      if (E.isLeft(versions)) return none;
      const cuts = versions.right.versions
        .flatMap(({ builds, ...version }) => builds.map((b) => ({ ...b, version })))
        .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
      const at = cuts.findIndex((c) => c.causeEventId === eventId && c.cause === 'requested');
      const cut = cuts[at];
      if (cut === undefined) return none;
      return { version: cut.version, unchanged: at > 0 && cuts[at - 1]!.version.versionId === cut.version.versionId };
    },
    replacementOutcomes: async (cfId) => {
      // Warnings only: a server that cannot say has none to give.
      const r = await get(`/v1/cfs/${seg(cfId)}/replacement-outcomes`, {}, ReplacementResultsAnswer);
      return E.isLeft(r) ? [] : r.right;
    },
    runs: (asOf) => get('/v1/runs', asOfParam(asOf), RunSummariesAnswer),
    run: (runId, asOf) => get(`/v1/runs/${seg(runId)}`, asOfParam(asOf), RunDetailAnswer),
    diffRuns: (a, b) => get(`/v1/runs/${seg(a)}/diff/${seg(b)}`, {}, RunsDiffAnswer),
    reproduceCheck: (runId) => get(`/v1/runs/${seg(runId)}/reproduce`, {}, ReproduceReportAnswer),
    unlearning: (runId, top) =>
      get(`/v1/runs/${seg(runId)}/unlearning`, top === undefined ? {} : { top: String(top) }, UnlearningReportAnswer),
    credit: (runId, ref, asOf) => get(`/v1/runs/${seg(runId)}/credit`, { ref, ...asOfParam(asOf) }, CreditAnswerCodec),
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
