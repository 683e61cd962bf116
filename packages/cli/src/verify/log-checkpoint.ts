// The log-checkpoint protocol (leaf = event id ‖ signature, roots over prefixes) lives in
// @cairn/core, the checkpoint stream in @cairn/sdk; these names stay here for the CLI's own modules.
export { LeafHashes, eventLeafHash as logLeafHash } from '@cairn/core';
export { CHECKPOINT_STREAM_NAME } from '@cairn/sdk';
