// GET /openapi.json: the API described from the same io-ts codecs the requests are decoded with
// (json-schema.ts turns them into JSON Schema). Answers of reads are the client's values; their
// schemas are named after the client's types until the client carries codecs for them.
import type * as t from 'io-ts';
import { TreeHeadCosignature } from '@cairn/schemas';
import {
  AsOfQuery,
  AttributeBody,
  BatchAccepted,
  CreditQuery,
  DatasetsQuery,
  ExportQuery,
  TreeHeadQuery,
  UnlearningQuery,
  DiffQuery,
  EventBatch,
  MembersQuery,
  Problem,
  Status,
  TraceQuery,
  WhyQuery,
} from './codecs.js';
import { ContributorStandingAnswer, ContributorsQuery, LabelsBody, RoleHoldersAnswer } from '@cairn/client';
import { RUN_OPERATIONS } from './routes/runs-openapi.js';
import { LogQuery } from './routes/log.js';
import { toJsonSchema, type JsonSchema } from './json-schema.js';
import { withRequestSignatures } from './auth/openapi-signatures.js';
import type { MetadataAccess } from './auth/register-signatures.js';
import { LiveQuery, LiveTicketAnswer } from './routes/live.js';

interface Operation {
  readonly method: 'get' | 'post' | 'put';
  readonly path: string;
  readonly summary: string;
  readonly params?: readonly string[];
  readonly query?: t.Mixed;
  readonly body?: t.Mixed;
  /** A codec, or the name of the client type the answer is. */
  readonly answer: t.Mixed | string;
  readonly status?: string;
  readonly contentType?: string;
  /** A body that is raw bytes of this media type (not JSON). */
  readonly rawBody?: string;
}

const OPERATIONS: readonly Operation[] = [
  { method: 'get', path: '/v1/status', summary: 'The head of the log and the position the projections have reached', answer: Status },
  {
    method: 'get',
    path: '/v1/datasets/{dataset}/versions',
    summary: 'Every version of a dataset',
    params: ['dataset'],
    query: AsOfQuery,
    answer: 'DatasetVersions',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}',
    summary:
      'One version (NAME@N, NAME@latest, NAME@<id prefix>), its origin and a page of its members; `nextCursor` reads the next page at the same moment',
    params: ['ref'],
    query: MembersQuery,
    answer: 'VersionShow',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}/licenses',
    summary: 'The licences of a version',
    params: ['ref'],
    query: AsOfQuery,
    answer: 'LicensesAnswer',
  },
  {
    method: 'get',
    path: '/v1/diff',
    summary: 'What changed between two versions, each change with its cause',
    query: DiffQuery,
    answer: 'DiffAnswer',
  },
  {
    method: 'get',
    path: '/v1/cfs/{cf}',
    summary: 'A CF (id or unique prefix) and everything the log says about it, now or as of a moment',
    params: ['cf'],
    query: AsOfQuery,
    answer: 'CfShowAnswer',
  },
  {
    method: 'get',
    path: '/v1/cfs/{cf}/content',
    summary: "A sample's decrypted bytes (`cairn cat`), for a signed request by its author or a holder of the reader role; 410 once erased",
    params: ['cf'],
    answer: { type: 'string' } as unknown as t.Mixed,
    contentType: 'application/octet-stream',
  },
  {
    method: 'get',
    path: '/v1/cfs/{cf}/why',
    summary: 'Why a CF is, or is not, in a version',
    params: ['cf'],
    query: WhyQuery,
    answer: 'WhyResult',
  },
  {
    method: 'get',
    path: '/v1/cfs/{cf}/impact',
    summary: 'What is affected if the CF is amended or erased',
    params: ['cf'],
    query: AsOfQuery,
    answer: 'Impact',
  },
  {
    method: 'get',
    path: '/v1/cfs/{cf}/history',
    summary: 'The amend / supersede / deprecate / erase chain of a CF',
    params: ['cf'],
    query: AsOfQuery,
    answer: 'CfHistory',
  },
  {
    method: 'get',
    path: '/v1/cfs/{cf}/proof',
    summary: 'An inclusion proof (the file `cairn prove` writes)',
    params: ['cf'],
    query: WhyQuery,
    answer: 'ProofFile',
  },
  {
    method: 'get',
    path: '/v1/cfs/{cf}/authorship',
    summary: 'Who signed a CF: the proof `cairn prove --signed-by` prints, checkable offline',
    params: ['cf'],
    answer: 'AuthorshipProof',
  },
  {
    method: 'get',
    path: '/v1/cfs/{cf}/replacement-outcomes',
    summary: 'The datasets re-assembled because of an amendment or supersession, and whether it is in each new version',
    params: ['cf'],
    answer: 'ReplacementResult[]',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}/card-facts',
    summary: 'The facts a provenance card is written from (`cairn card --json` less its Markdown)',
    params: ['ref'],
    query: AsOfQuery,
    answer: 'CardFacts',
  },
  {
    method: 'post',
    path: '/v1/labels',
    summary: 'Human names of lineage nodes (contributor names, sample sources); ids without one are left out',
    body: LabelsBody,
    answer: '{ labels: Record<id, name> }',
  },
  {
    method: 'get',
    path: '/v1/trace/{target}',
    summary: 'The lineage around a CF, a node id or a version reference',
    params: ['target'],
    query: TraceQuery,
    answer: 'LineageTrace',
  },
  {
    method: 'get',
    path: '/v1/datasets',
    summary: 'The datasets defined, or those holding a member by CF id prefix, contributor or source, or named with a prefix',
    query: DatasetsQuery,
    answer: 'DatasetListEntry[]',
  },
  {
    method: 'get',
    path: '/v1/status/counts',
    summary: 'The document `cairn status --json` prints: events, contributors, CFs by kind, datasets, versions, limits, projections',
    answer: 'StatusDocument',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}/card',
    summary: 'The Markdown provenance card of a version (`cairn card`)',
    params: ['ref'],
    query: AsOfQuery,
    answer: { type: 'string' } as unknown as t.Mixed,
    contentType: 'text/markdown',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}/report',
    summary: 'The card facts and the EU AI Act Article 53(1)(d) facts of a version',
    params: ['ref'],
    query: AsOfQuery,
    answer: 'ReportAnswer',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}/export',
    summary:
      "A version as JSON Lines (streamed, one member a line), OpenLineage events (one a line), a Croissant document or MLflow's dataset input",
    params: ['ref'],
    query: ExportQuery,
    answer: { type: 'string' } as unknown as t.Mixed,
    contentType: 'application/x-ndjson',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}/export-facts',
    summary:
      "What a folder export (`cairn export --format files|huggingface`) is written from, as JSON Lines streamed: the version's facts (ExportFactsHeader), then one ExportFactsMember a line; each sample's bytes are a signed read of /v1/cfs/{cf}/content",
    params: ['ref'],
    query: AsOfQuery,
    answer: { type: 'string' } as unknown as t.Mixed,
    contentType: 'application/x-ndjson',
  },
  { method: 'get', path: '/v1/runs', summary: 'Every training run recorded (by asOf)', query: AsOfQuery, answer: 'RunSummary[]' },
  {
    method: 'get',
    path: '/v1/runs/{run}',
    summary: 'One training run, with its gradients and scoring as of asOf',
    params: ['run'],
    query: AsOfQuery,
    answer: 'RunDetail',
  },
  {
    method: 'get',
    path: '/v1/runs/{run}/credit',
    summary: "Each contributor's share of a run's attribution over a version",
    params: ['run'],
    query: CreditQuery,
    answer: 'CreditAnswer',
  },
  {
    method: 'get',
    path: '/v1/runs/{run}/diff/{other}',
    summary: 'What differs between two runs: data, model, settings',
    params: ['run', 'other'],
    answer: 'RunsDiff',
  },
  {
    method: 'get',
    path: '/v1/runs/{run}/reproduce',
    summary: "Whether a run's recorded data can still be read as it was",
    params: ['run'],
    answer: 'ReproduceReport',
  },
  {
    method: 'get',
    path: '/v1/runs/{run}/unlearning',
    summary: 'What erasures since the run touch its data, and the queries they weighed on most',
    params: ['run'],
    query: UnlearningQuery,
    answer: 'UnlearningReport',
  },
  {
    method: 'post',
    path: '/v1/runs/{run}/attribute',
    summary: "Each query row's top-k training CFs by TRAK score (`cairn attribute`)",
    params: ['run'],
    body: AttributeBody,
    answer: '{ runId, queries: QueryAttribution[] }',
  },
  { method: 'get', path: '/v1/runs/{run}/passport', summary: "A run's passport facts", params: ['run'], answer: 'PassportFacts' },
  {
    method: 'get',
    path: '/v1/verify/log',
    summary: 'Every event of the log decoded, signed and admitted under the rules, in order',
    answer: 'LogVerification',
  },
  {
    method: 'get',
    path: '/v1/log',
    summary:
      'The log a page at a time (after a position, at most 5000), each event as its stored text, so a reader verifies it without trusting the server',
    query: LogQuery,
    answer: 'LogPage',
  },
  {
    method: 'get',
    path: '/v1/tree-head',
    summary: "The log's head signed with the ledger key; `from`: a consistency proof from that size too",
    query: TreeHeadQuery,
    answer: 'TreeHeadAnswer',
  },
  {
    method: 'get',
    path: '/v1/tree-heads/latest',
    summary: 'The largest head the ledger signed and remembers (the one a witness cosigns), or null',
    answer: '{ latest: SignedTreeHead | null }',
  },
  {
    method: 'post',
    path: '/v1/tree-heads/cosignatures',
    summary:
      "Keep a witness's cosignature of a head this server signed (`cairn tree-head cosign`): always signed (RFC 9421) by the witness's own registered key; 403 when the cosignature names another key, 422 when it does not verify or names a head this server never signed",
    body: TreeHeadCosignature,
    answer: 'TreeHeadCosignature',
  },
  {
    method: 'post',
    path: '/v1/events',
    summary: 'Append a batch of signed events: all or nothing, idempotent on replay',
    body: EventBatch,
    answer: BatchAccepted,
    status: '201',
  },
  {
    method: 'get',
    path: '/v1/live',
    summary:
      'Server-sent events: `position` (a new head) and `version` (a new dataset version). With private metadata: signed, or `ticket` from POST /v1/live/tickets (for EventSource)',
    query: LiveQuery,
    answer: { type: 'string' } as unknown as t.Mixed,
    contentType: 'text/event-stream',
  },
  {
    method: 'post',
    path: '/v1/live/tickets',
    summary:
      'A ticket that opens /v1/live once, within 60 s, for the key that signed this request (always signed; for a browser EventSource, which cannot sign)',
    answer: LiveTicketAnswer,
    status: '201',
  },
  {
    method: 'get',
    path: '/v1/roles',
    summary: 'Who holds which role now (implied roles included), and the founder',
    answer: RoleHoldersAnswer,
  },
  {
    method: 'get',
    path: '/v1/contributors/{contributorId}/standing',
    summary: "A contributor's current key (null once revoked) and the roles it holds now",
    params: ['contributorId'],
    answer: ContributorStandingAnswer,
  },
  {
    method: 'get',
    path: '/v1/contributors',
    summary: 'Contributors by a name prefix (any case) or an id prefix, as registered by asOf; by name',
    query: ContributorsQuery,
    answer: 'ContributorMatch[]',
  },
  {
    method: 'get',
    path: '/v1/versions/{ref}/attestation',
    summary:
      "The in-toto Statement `cairn attest` signs for a version, unsigned (the server holds no contributor's key), and the command that signs it",
    params: ['ref'],
    query: AsOfQuery,
    answer: 'UnsignedAttestation',
  },
  {
    method: 'get',
    path: '/v1/runs/{run}/queries/{row}/top',
    summary: "The train CFs the run's scoring stored for one of its recorded query rows, by rank, as of asOf",
    params: ['run', 'row'],
    query: AsOfQuery,
    answer: 'QueryTop',
  },
];

function queryParameters(query: t.Mixed | undefined): JsonSchema[] {
  if (query === undefined) return [];
  const schema = toJsonSchema(query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: (schema.required ?? []).includes(name),
    schema: s,
  }));
}

const problemResponse = {
  description: 'A refusal (RFC 9457)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** The document; who must sign what depends on whether lineage metadata is public (auth/openapi-signatures.ts). */
export function openApiDocument(options: { readonly metadata?: MetadataAccess } = {}): JsonSchema {
  return withRequestSignatures(unsignedDocument(), options.metadata ?? 'public');
}

function unsignedDocument(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const operations: readonly Operation[] = [...OPERATIONS, ...RUN_OPERATIONS];
  for (const op of operations) {
    const answer =
      typeof op.answer === 'string'
        ? { type: 'object', description: `The client's ${op.answer} (@cairn/client), bigint positions as decimal strings` }
        : op.contentType !== undefined
          ? { type: 'string' }
          : toJsonSchema(op.answer);
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      parameters: [
        ...(op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
        ...queryParameters(op.query),
      ],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(op.body) } } } } : {}),
      ...(op.rawBody
        ? { requestBody: { required: true, content: { [op.rawBody]: { schema: { type: 'string', format: 'binary' } } } } }
        : {}),
      responses: {
        [op.status ?? '200']: { description: 'The answer', content: { [op.contentType ?? 'application/json']: { schema: answer } } },
        '4XX': problemResponse,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cairn',
      version: '0.1.0',
      description: 'The lineage ledger over HTTP. Reads take asOf (a log position or an ISO 8601 time).',
    },
    paths,
    components: { schemas: { Problem: toJsonSchema(Problem) } },
  };
}
