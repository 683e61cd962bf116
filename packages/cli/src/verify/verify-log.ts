// The log half of `cairn verify` lives in @cairn/sdk (it replays the SDK's own rules); this name stays for the CLI's own modules.
export { verifyLog, type LogVerification, type BadEvent } from '@cairn/sdk';
