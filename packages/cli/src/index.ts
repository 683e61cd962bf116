// @cairn/cli: the `cairn` command. The program is exported so other tools can embed or test it.
export { buildProgram, main } from './program.js';
export { ExitCode } from './exit-codes.js';
export { resolveStoreLocation, DEFAULT_STORE_DIR, type StoreLocation } from './store-location.js';
export { verifyLog, type LogVerification, type BadEvent } from './verify/verify-log.js';
export { verifyProjections, type ProjectionVerification, type BadRow } from '@cairn/projections';
export { logLeafHash, CHECKPOINT_STREAM_NAME } from './verify/log-checkpoint.js';
