// @cairn/sdk: append signed contributions to a Cairn ledger, with the rules checked first.
export { openLedger, DEFAULT_LEDGER_DIR, type OpenLedgerOptions } from './open-ledger.js';
export { createLedger, unwrap, type Ledger, type LedgerParts, type DeprecationReason, type KeyRevocationReason } from './ledger.js';
export type { SampleInput, LabelInput, ValidationInput, ContributionInput } from './api/contributions.js';
export type { IngestItem, Receipt } from './ingest/ingest-batch.js';
export type { SampleAttachment } from './rules/sample-bytes.js';
export {
  ruleViolation,
  describeLedgerError,
  LedgerFailure,
  type LedgerError,
  type RuleViolation,
  type RuleName,
  type DecodeFailureAt,
  type ErasedSample,
  type SampleNotFound,
} from './errors.js';
export { newSigner, signerFromInitialKey, signerWithKey, publicKeyHexOf, signEvent, idOf, type Signer, type SignedEnvelope, type SignedEvent } from './signing.js';
export { currentKey, keyValidAt, foldContributor, type ContributorState, type KeyWindow, type Role } from './state/contributor-state.js';
export { storageError, type BlobStore, type BlobEntry, type StorageError } from './blob-store/port.js';
export { createFolderBlobStore } from './blob-store/folder.js';
export { createMemoryBlobStore } from './blob-store/memory.js';
export type { KeyStore, SampleKeyRecord, SampleKeyEntry } from './key-store/port.js';
export { createFolderKeyStore } from './key-store/folder.js';
export { createMemoryKeyStore } from './key-store/memory.js';
export { commitSample, type SampleCommitment, type CommitmentScheme } from './sample-crypto.js';
export {
  verifySampleStore,
  PROBLEMS_SHOWN,
  type SampleStoreVerification,
  type SampleProblem,
  type SampleCheck,
  type SampleVerifyProgress,
} from './sample-verify.js';
export { createVerifyPool, defaultPoolSize, type VerifyPool, type SignatureCheck } from './verify-pool.js';
