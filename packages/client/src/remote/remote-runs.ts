// The training side's facts asked of a server (`cairn serve`): the same RunFacts a local store
// answers (run-facts.ts), each one request signed as the caller (RFC 9421, core's profile). A
// gradient artifact is uploaded by its content hash; attribution is scored on the server, where
// the run's train gradients and the kernel are, and comes back as the same numbers.
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { signRequest, type RequestSigner } from '@cairn/core';
import { PositionText } from '@cairn/sdk';
import type { AsOf } from '@cairn/projector';
import type { ReadError } from '../errors.js';
import type { RecordKeeping, RunFacts, RunFactsError, ScoreBlocks } from '../run-facts.js';
import type { ContaminationAnswer } from '../reads.js';
import type { PassportFacts, QueryAttribution } from '@cairn/attribution';
import { queryRowsOf } from '../run-facts.js';
import { ErasureAnswer, ResolvedVersionAnswer } from '../wire/answers.js';
import { METADATA_PRIVATE_FIELD, metadataPrivate, readErrorOf, unavailable } from './read-error.js';
import type { RemoteLocation } from './remote-cairn.js';

/** Query rows in one attribute request (the server's cap); more are sent in several. */
export const ATTRIBUTE_ROWS_PER_REQUEST = 1000;

const DatasetVersionFacts = t.type(
  { versionId: t.string, dataset: t.string, manifestId: t.string, merkleRoot: t.string, memberCount: t.number, position: PositionText },
  'DatasetVersion',
);
const AttestFactsAnswer = t.type(
  { ref: ResolvedVersionAnswer, version: DatasetVersionFacts, erasedMembers: t.array(ErasureAnswer) },
  'AttestFacts',
);
const MemberIdsAnswer = t.type({ ids: t.array(t.string) }, 'MemberIds');
const StoredArtifactAnswer = t.intersection(
  [t.type({ contentHash: t.string, rows: t.number }), t.partial({ dims: t.number })],
  'StoredArtifact',
);
const EstimatorAnswer = t.type(
  {
    runId: t.string,
    trainKind: t.union([t.literal('output-gradients'), t.literal('loss-gradients'), t.null]),
    weightsHash: t.union([t.string, t.null]),
    estimator: t.string,
  },
  'AttributionEstimator',
);
const AttributeAnswer = t.type(
  { queries: t.array(t.type({ queryRow: t.number, top: t.array(t.type({ score: t.number, cfId: t.string })) })) },
  'Attribution',
);
const KeyRefusalAnswer = t.type({ refusal: t.union([t.string, t.null]) }, 'KeyRefusal');
const CheckAnswer = t.intersection([t.type({ check: t.string, ok: t.boolean }), t.partial({ detail: t.string })], 'Check');
const StatementChecksAnswer = t.type({ checks: t.array(CheckAnswer) }, 'StatementChecks');
const ColumnsAnswer = t.type({ columns: t.array(t.string) }, 'Columns');
/** The header /scores.npy names the matrix's shape in: `rows,cols`. */
const SCORE_SHAPE_HEADER = 'cairn-score-shape';
/** Answers the CLI prints as they come (no positions to turn back into bigint): checked to be a document only. */
const documentOf = <A>(name: string): t.Type<A, unknown, unknown> =>
  new t.Type<A, unknown, unknown>(
    name,
    (value): value is A => typeof value === 'object' && value !== null && !Array.isArray(value),
    (value, context) =>
      typeof value === 'object' && value !== null && !Array.isArray(value) ? t.success(value as A) : t.failure(value, context),
    (value) => value,
  );

const asOfParam = (asOf: AsOf | undefined): Record<string, string> =>
  asOf === undefined ? {} : { asOf: typeof asOf === 'bigint' ? asOf.toString() : asOf.time.toISOString() };

export interface RemoteRunsOptions {
  /** Who every request is signed as; a server keeping metadata private answers only signed ones. */
  readonly signer?: RequestSigner;
  readonly fetch?: typeof fetch;
}

export function openRemoteRuns(location: RemoteLocation, options: RemoteRunsOptions = {}): RunFacts {
  const { signer, fetch: send = fetch } = options;
  const seg = encodeURIComponent;
  const fromRead = (e: ReadError): RunFactsError =>
    ({
      ...e,
      message: 'message' in e && typeof e.message === 'string' ? e.message : 'reason' in e ? String(e.reason) : e._tag,
    }) as RunFactsError;

  const refusalOf = (status: number, answer: unknown): RunFactsError => {
    // Too large is the caller's input, as a local store refusing the file would say.
    if (status === 413) {
      const detail = (answer as { detail?: unknown } | null)?.detail;
      const reason = typeof detail === 'string' ? detail : 'larger than the server takes';
      return { _tag: 'UsageError', field: 'body', reason, message: reason };
    }
    return fromRead(status === 401 && signer === undefined ? metadataPrivate(location.url) : readErrorOf(status, answer));
  };

  const ask = async <A>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    query: Record<string, string>,
    codec: t.Type<A, unknown, unknown>,
    body?: { readonly bytes: Uint8Array; readonly type: string },
  ): Promise<E.Either<RunFactsError, A>> => {
    const qs = new URLSearchParams(query).toString();
    const url = `${location.url}${path}${qs === '' ? '' : `?${qs}`}`;
    let res: Response;
    let answer: unknown;
    try {
      const signature =
        signer === undefined ? {} : signRequest({ method, url, ...(body === undefined ? {} : { body: body.bytes }) }, signer);
      res = await send(url, {
        method,
        headers: { accept: 'application/json', ...signature, ...(body === undefined ? {} : { 'content-type': body.type }) },
        ...(body === undefined ? {} : { body: body.bytes }),
      });
      answer = await res.json();
    } catch (cause) {
      return E.left(
        fromRead(unavailable(`the server at ${location.url} could not answer: ${cause instanceof Error ? cause.message : String(cause)}`)),
      );
    }
    if (!res.ok) return E.left(refusalOf(res.status, answer));
    const decoded = codec.decode(answer);
    return E.isLeft(decoded)
      ? E.left(
          fromRead(unavailable(`the server at ${location.url} answered ${path} with a document this client cannot read (${codec.name})`)),
        )
      : E.right(decoded.right);
  };
  const get = <A>(path: string, query: Record<string, string>, codec: t.Type<A, unknown, unknown>) => ask('GET', path, query, codec);
  const json = (value: unknown) => ({ bytes: new TextEncoder().encode(JSON.stringify(value)), type: 'application/json' });

  return {
    resolveVersion: (ref, asOf) => get(`/v1/versions/${seg(ref)}/resolve`, asOfParam(asOf), ResolvedVersionAnswer),
    memberIds: async (ref, asOf) =>
      E.map((a: { ids: string[] }) => a.ids)(await get(`/v1/versions/${seg(ref)}/member-ids`, asOfParam(asOf), MemberIdsAnswer)),
    storeArtifact: async (kind, bytes) => {
      // The server takes an upload (bytes on its disk) only signed by a registered contributor.
      if (signer === undefined) {
        const reason = 'an upload to a server must be signed by a registered contributor';
        return E.left({
          _tag: 'UsageError',
          field: METADATA_PRIVATE_FIELD,
          reason,
          message: `${reason} (cairn: --as NAME, a signer in the keyring)`,
        });
      }
      const contentHash = createHash('sha256').update(bytes).digest('hex');
      const stored = await ask('PUT', `/v1/artifacts/${contentHash}`, { kind }, StoredArtifactAnswer, {
        bytes,
        type: 'application/octet-stream',
      });
      // The server names the .npy's field under the body it was sent in; the file's field is the local one's.
      if (E.isLeft(stored) && stored.left.field?.startsWith('body.'))
        return E.left({ ...stored.left, field: stored.left.field.slice('body.'.length) });
      return stored;
    },
    attributionEstimator: (runId) => get(`/v1/runs/${seg(runId)}/estimator`, {}, EstimatorAnswer),
    attribute: async (runId, queriesNpy, topK) => {
      const matrix = queryRowsOf(queriesNpy);
      if (E.isLeft(matrix)) return matrix;
      const { rows, cols, data } = matrix.right;
      const estimator = await get(`/v1/runs/${seg(runId)}/estimator`, {}, EstimatorAnswer);
      if (E.isLeft(estimator)) return estimator;
      // A float32 is a float64 exactly, and JSON carries a float64 exactly: the server scores the same rows.
      const queries: QueryAttribution[] = [];
      for (let start = 0; start < rows; start += ATTRIBUTE_ROWS_PER_REQUEST) {
        const end = Math.min(rows, start + ATTRIBUTE_ROWS_PER_REQUEST);
        const block: number[][] = [];
        for (let r = start; r < end; r++) block.push(Array.from(data.subarray(r * cols, (r + 1) * cols)));
        const scored = await ask('POST', `/v1/runs/${seg(runId)}/attribute`, {}, AttributeAnswer, json({ queries: block, topK }));
        if (E.isLeft(scored)) return scored;
        // Each request numbers its rows from 0; the answer numbers them as the file does.
        for (const q of scored.right.queries) queries.push({ ...(q as unknown as QueryAttribution), queryRow: q.queryRow + start });
      }
      return E.right({ ...estimator.right, queries });
    },
    attributionScores: async (runId, queriesNpy) => {
      const rows = queryRowsOf(queriesNpy);
      if (E.isLeft(rows)) return rows;
      // The query rows go up once, to the route that scores them; the matrix's shape comes back in
      // a header and its columns (which depend on the run only) from a read of their own.
      const url = `${location.url}/v1/runs/${seg(runId)}/scores.npy`;
      let res: Response;
      try {
        const signature = signer === undefined ? {} : signRequest({ method: 'POST', url, body: queriesNpy }, signer);
        res = await send(url, {
          method: 'POST',
          headers: { accept: 'application/octet-stream, application/json', ...signature, 'content-type': 'application/octet-stream' },
          body: queriesNpy,
        });
      } catch (cause) {
        return E.left(
          fromRead(
            unavailable(`the server at ${location.url} could not answer: ${cause instanceof Error ? cause.message : String(cause)}`),
          ),
        );
      }
      if (!res.ok || res.body === null) {
        const answer: unknown = await res.json().catch(() => undefined);
        return E.left(queriesField(refusalOf(res.status, answer)));
      }
      const body = res.body;
      const shape = /^(\d+),(\d+)$/.exec(res.headers.get(SCORE_SHAPE_HEADER) ?? '');
      const columns = await get(`/v1/runs/${seg(runId)}/columns`, {}, ColumnsAnswer);
      const mismatch =
        shape === null
          ? `no ${SCORE_SHAPE_HEADER} header`
          : E.isRight(columns) && columns.right.columns.length !== Number(shape[2])
            ? `${columns.right.columns.length} columns for a matrix of ${shape[2]}`
            : undefined;
      if (E.isLeft(columns) || mismatch !== undefined) {
        // The matrix is not read: its connection is let go.
        await body.cancel().catch(() => undefined);
        if (E.isLeft(columns)) return columns;
        return E.left(fromRead(unavailable(`the server at ${location.url} answered the scores of ${runId} with ${mismatch}`)));
      }
      const cols = Number(shape![2]);
      const matrix: ScoreBlocks = { rows: Number(shape![1]), cols, columns: columns.right.columns, blocks: npyRows(body, cols) };
      return E.right(matrix);
    },
    statementChecks: async (kind, envelope) =>
      E.map((a: { checks: { check: string; ok: boolean; detail?: string }[] }) => a.checks)(
        await ask('POST', '/v1/statements/checks', {}, StatementChecksAnswer, json({ kind, envelope })),
      ),
    passport: (runId) => get(`/v1/runs/${seg(runId)}/passport`, {}, documentOf<PassportFacts>('PassportFacts')),
    attestFacts: (ref, asOf) =>
      get(`/v1/versions/${seg(ref)}/attest-facts`, asOfParam(asOf), AttestFactsAnswer) as ReturnType<RunFacts['attestFacts']>,
    recordKeeping: (runId) => get(`/v1/runs/${seg(runId)}/record-keeping`, {}, documentOf<RecordKeeping>('RecordKeeping')),
    contamination: (trainRef, evalRef, threshold) =>
      get(
        '/v1/contamination',
        { train: trainRef, against: evalRef, threshold: String(threshold) },
        documentOf<ContaminationAnswer>('Contamination'),
      ),
    keyRefusal: async (contributorId, publicKey) =>
      E.map((a: { refusal: string | null }) => a.refusal ?? undefined)(
        await get(`/v1/contributors/${seg(contributorId)}/key-refusal`, { publicKey }, KeyRefusalAnswer),
      ),
  };
}

/** The server names the .npy it was sent as the body; the caller's field is the queries file. */
function queriesField(e: RunFactsError): RunFactsError {
  return e.field === 'body' ? { ...e, field: 'queries', message: e.message.replace(/^body/, 'queries') } : e;
}

/**
 * The float32 rows of a streamed .npy (the server's `<f4` matrix of `cols` columns), a block of
 * whole rows per chunk received: the matrix is never whole in memory here either.
 */
async function* npyRows(body: ReadableStream<Uint8Array>, cols: number): AsyncGenerator<{ readonly data: Float32Array }> {
  const rowBytes = cols * 4;
  let pending: Uint8Array = new Uint8Array(0);
  let headerLeft: number | undefined;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    let bytes: Uint8Array = pending.length === 0 ? chunk : concat(pending, chunk);
    if (headerLeft === undefined) {
      // Magic (6), version (2), header length (2, little endian), then the header itself.
      if (bytes.length < 10) {
        pending = bytes;
        continue;
      }
      headerLeft = 10 + (bytes[8]! | (bytes[9]! << 8));
    }
    if (headerLeft > 0) {
      const skip = Math.min(headerLeft, bytes.length);
      headerLeft -= skip;
      bytes = bytes.subarray(skip);
    }
    const whole = rowBytes === 0 ? 0 : Math.floor(bytes.length / rowBytes) * rowBytes;
    if (whole > 0) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, whole);
      const data = new Float32Array(whole / 4);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
      yield { data };
    }
    pending = bytes.slice(whole);
  }
  if (pending.length > 0 || headerLeft !== 0) throw new Error('the score matrix ended before its last row');
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
