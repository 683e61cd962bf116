// @cairn/sdk: append signed contributions to a Cairn ledger, with the rules checked first.
export { openLedger, openLedgerWith, DEFAULT_LEDGER_DIR, type Closable, type OpenLedgerOptions } from './open-ledger.js';
export { openRemoteLedger, type LedgerWrites, type RemoteLedger, type RemoteLedgerOptions } from './remote/remote-ledger.js';
export {
  EventBatch,
  BatchItem,
  SampleBytes,
  SignedEnvelopeWire,
  SealedEnvelopeWire,
  ReceiptWire,
  BatchAccepted,
  FieldProblem,
  ProblemDocument,
  problemType,
} from './wire/batch.js';
export {
  pattern,
  PositionText,
  Hex64,
  Base64,
  withJsonSchema,
  jsonSchemaOf,
  type JsonSchema,
  type WithJsonSchema,
} from './wire/pattern.js';
export { createLedger, unwrap, type Ledger, type LedgerParts, type DeprecationReason, type KeyRevocationReason } from './ledger.js';
export type { SampleInput, LabelInput, ValidationInput, ContributionInput } from './api/contributions.js';
export { AMENDABLE_FIELDS, checkAmendable, type AmendableType } from './api/amend.js';
export type { IngestItem, Receipt } from './ingest/ingest-batch.js';
export type { CfReceipt } from './cf-receipt.js';
export type { SampleAttachment } from './rules/sample-bytes.js';
export {
  ruleViolation,
  describeLedgerError,
  LedgerFailure,
  type LedgerError,
  type HttpAnswer,
  type RuleViolation,
  type RuleName,
  type DecodeFailureAt,
  type ErasedSample,
  type SampleNotFound,
} from './errors.js';
export {
  newSigner,
  signerFromInitialKey,
  signerWithKey,
  publicKeyHexOf,
  signEvent,
  idOf,
  sealEvents,
  type Signer,
  type SignedEnvelope,
  type SignedEvent,
  type SealedBatch,
  type SealedCfEnvelope,
} from './signing.js';
export type { Reader, SignedReader } from './reader.js';
export { DEFAULT_SEAL_SIZE, MAX_SEAL_SIZE, type BatchOptions, type PreparedContributions } from './api/sealed-batch.js';
export { createSealSequence, type SealSequence } from './rules/seal.js';
export { createLedgerReplay, replayEvent, type LedgerReplay } from './state/replay-state.js';
export { checkLedgerRules, streamOf } from './rules/ledger-rules.js';
export type { BatchView as LedgerView, KnownEvent } from './rules/view.js';
export {
  currentKey,
  keyValidAt,
  foldContributor,
  type ContributorState,
  type KeyWindow,
  type Role,
  type GrantableRole,
} from './state/contributor-state.js';
export { effectiveRoles } from './rules/roles.js';
export { storageError, type BlobStore, type BlobEntry, type StorageError } from './blob-store/port.js';
export { createFolderBlobStore } from './blob-store/folder.js';
export { createMemoryBlobStore } from './blob-store/memory.js';
export type { KeyStore, SampleKeyRecord, SampleKeyEntry } from './key-store/port.js';
export { createFolderKeyStore } from './key-store/folder.js';
export { createMemoryKeyStore } from './key-store/memory.js';
export { commitSample, type SampleCommitment, type CommitmentScheme } from './sample-crypto.js';
export {
  verifySampleStore,
  LoggedSamples,
  PROBLEMS_SHOWN,
  type SampleStoreVerification,
  type SampleProblem,
  type SampleCheck,
  type SampleVerifyProgress,
} from './sample-verify.js';
export { createVerifyPool, defaultPoolSize, type VerifyPool, type SignatureCheck } from './verify-pool.js';
export { WorkerPoolFailure, describeWorkerFault, type WorkerFault } from './worker-pool.js';
export { createLogAnchor, openLogAnchor, type LogAnchor, type AppendedEvent } from './tree-heads/anchor.js';
export { logLeafHash, treeHeadBytes, signTreeHead, treeHeadSignatureValid } from './tree-heads/tree-head.js';
export {
  readLedgerKey,
  readTreeHeads,
  parseTreeHeadLines,
  appendTreeHeadLine,
  LEDGER_KEY_FILE,
  TREE_HEADS_FILE,
  type LedgerKey,
  type TreeHeadEntry,
} from './tree-heads/folder.js';
export {
  resolveLimits,
  describeLimitSettingError,
  checkSizeLimits,
  DEFAULT_LIMITS,
  HARD_CAPS,
  LIMIT_NAMES,
  type LimitSettings,
  type LimitSettingError,
  type LimitName,
  type SizeLimits,
} from './limits.js';
export { CHECKPOINT_STREAM as CHECKPOINT_STREAM_NAME } from './ingest/streams.js';
export { scanLog, countEvents, SCAN_BATCH } from './verify/scan-log.js';
export { verifyLog, type LogVerification, type BadEvent } from './verify/verify-log.js';
export type { TrustedPrefix, VerifyLogOptions } from './verify/verify-log.js';
export { signingKeyCheck, currentKeyRefusal } from './statements/signing-key-check.js';
