// The training side's routes (runs.ts) as the OpenAPI document describes them.
import { ArtifactQuery, ContaminationQuery, KeyRefusalQuery } from '@cairn/client';
import { AsOfQuery } from '../codecs.js';
import * as t from 'io-ts';

/** A passport or attestation to check against the log (`cairn passport|attest --verify FILE --store http://…`). */
export const StatementChecksBody = t.type(
  { kind: t.union([t.literal('passport'), t.literal('attestation')]), envelope: t.unknown },
  'StatementChecksBody',
);

// Typed where openapi.ts reads it (Operation), so this file imports nothing back from it.
export const RUN_OPERATIONS = [
  {
    method: 'get',
    path: '/v1/versions/{ref}/resolve',
    summary: 'The version a reference names (NAME@N, NAME@latest, NAME@<id prefix>)',
    params: ['ref'],
    query: AsOfQuery,
    answer: 'ResolvedVersion',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}/member-ids',
    summary: "A version's member CF ids in id order (a gradient artifact's row map: `cairn record-gradients --rows-from`)",
    params: ['ref'],
    query: AsOfQuery,
    answer: '{ ids: string[] }',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}/attest-facts',
    summary: 'The facts `cairn attest` signs (the client signs the in-toto statement with its own key)',
    params: ['ref'],
    query: AsOfQuery,
    answer: 'AttestFacts',
  },
  {
    method: 'get',
    path: '/v1/runs/{run}/estimator',
    summary: "How a run's attribution scores read: its train rows' kind and the estimator",
    params: ['run'],
    answer: 'AttributionEstimator',
  },
  {
    method: 'get',
    path: '/v1/runs/{run}/columns',
    summary: "The CF of each of a run's train rows: column i of the matrix /scores.npy streams is columns[i]",
    params: ['run'],
    answer: '{ runId: string, columns: string[] }',
  },
  {
    method: 'get',
    path: '/v1/runs/{run}/record-keeping',
    summary: "A run's audit trail: every event that shaped its data, with an inclusion proof under the log's signed head as it is now",
    params: ['run'],
    answer: 'RecordKeeping',
  },
  {
    method: 'get',
    path: '/v1/contamination',
    summary: 'Members of the training version whose content is in the evaluation version, exactly or nearly (`cairn contamination`)',
    query: ContaminationQuery,
    answer: 'ContaminationAnswer',
  },
  {
    method: 'get',
    path: '/v1/contributors/{contributor}/key-refusal',
    summary: 'Why a key may not sign a statement for its contributor now (null: it is the current key)',
    params: ['contributor'],
    query: KeyRefusalQuery,
    answer: '{ refusal: string | null }',
  },
  {
    method: 'post',
    path: '/v1/statements/checks',
    summary:
      "What the log says of a signed passport or attestation (`cairn passport|attest --verify FILE` against a server): the key was the signer's at the position it names, and the predicate is the ledger's",
    body: StatementChecksBody,
    answer: '{ checks: { check: string, ok: boolean, detail?: string }[] }',
  },
  {
    method: 'post',
    path: '/v1/runs/{run}/scores',
    summary:
      'The shape of the full score matrix for these query rows (an .npy body) and the CF of each column (train row): what /scores.npy streams (whose cairn-score-shape header and /columns say the same without a second upload)',
    params: ['run'],
    rawBody: 'application/octet-stream',
    answer: '{ runId: string, rows: number, cols: number, columns: string[] }',
  },
  {
    method: 'post',
    path: '/v1/runs/{run}/scores.npy',
    summary:
      'Every query row (an .npy body) scored against every train row of the run (TRAK): the query × train matrix as a float32 .npy, streamed a block of query rows at a time (`cairn attribute --top all`); column i is train row i',
    params: ['run'],
    rawBody: 'application/octet-stream',
    contentType: 'application/octet-stream',
    answer: { type: 'string', format: 'binary' } as unknown as string,
  },
  {
    method: 'put',
    path: '/v1/artifacts/{hash}',
    summary:
      'Store a gradient artifact (a float32 .npy) by its SHA-256: the name must be the hash of the bytes; the same bytes again are a no-op; over the cap is a 413. Always signed (RFC 9421) by a registered contributor, whether metadata is public or not',
    params: ['hash'],
    query: ArtifactQuery,
    rawBody: 'application/octet-stream',
    answer: 'StoredArtifact',
  },
] as const;
