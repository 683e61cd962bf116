// @cairn/cli: the `cairn` command. The program is exported so other tools can embed or test it.
export { buildProgram, main } from './program.js';
export { ExitCode } from './exit-codes.js';
export { resolveStoreLocation, DEFAULT_STORE_DIR, type StoreLocation } from '@cairn/client';
// The projections are verified through the client (`cairn.verifyProjections`); the answer's types are re-exported.
export type { ProjectionVerification, BadRow } from '@cairn/client';
// The log checks and the checkpoint protocol live in the library; re-exported here for existing callers.
export { verifyLog, type LogVerification, type BadEvent, CHECKPOINT_STREAM_NAME } from '@cairn/sdk';
export { eventLeafHash as logLeafHash } from '@cairn/core';
