// @cairn/server: the HTTP API over one open store (`cairn serve`). Reads call @cairn/client;
// writes go through the SDK's ledger; the document of it all is GET /openapi.json.
export { createServer, DEFAULT_BODY_LIMIT, type CairnServer, type ServerOptions } from './server.js';
export { openApiDocument } from './openapi.js';
export { toJsonSchema, withSchema, type JsonSchema } from './json-schema.js';
export type { LiveEvent } from './follower.js';
export type { Problem, FieldProblem } from './problem.js';
export { HEAD_HEADER, AS_OF_HEADER } from './respond.js';
export { DEFAULT_FAILURE_BUDGET, type FailureBudget } from './failure-limit.js';
export { type MetadataAccess, DEFAULT_SIGNATURE_WINDOW_SECONDS } from './auth/register-signatures.js';
export { isLoopback, metadataAccessFor } from './auth/metadata-access.js';
export { CF_ID_HEADER } from './routes/content.js';
