// Reading the whole log in batches lives in @cairn/sdk (verifyLog reads it so); these names stay for the CLI's own modules.
export { scanLog, countEvents, SCAN_BATCH } from '@cairn/sdk';
