// @cairn/cli: the `cairn` command. The program is exported so other tools can embed or test it.
export { buildProgram, main } from './program.js';
export { ExitCode } from './exit-codes.js';
export { resolveStoreLocation, DEFAULT_STORE_DIR, type StoreLocation } from '@cairn/client';
export { verifyProjections, type ProjectionVerification, type BadRow } from '@cairn/projector';
// The log checks and the checkpoint protocol live in the library; re-exported here for existing callers.
export { verifyLog, type LogVerification, type BadEvent, CHECKPOINT_STREAM_NAME } from '@cairn/sdk';
export { eventLeafHash as logLeafHash } from '@cairn/core';
