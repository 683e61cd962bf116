// The ledger a user holds: every call signs (or takes signed) events, checks the rules against
// the log, and appends through the one ingest path. Calls answer Either<LedgerError, ...>;
// `unwrap` is there for code that prefers exceptions.
import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError } from '@cairn/eventlog';
import type { BlobStore, StorageError } from './blob-store/port.js';
import type { KeyStore } from './key-store/port.js';
import { LedgerFailure, ruleViolation, type LedgerError } from './errors.js';
import { ingestBatch, ingestBatches, type IngestContext, type IngestItem, type Receipt } from './ingest/ingest-batch.js';
import { manifestIdOf } from './ingest/streams.js';
import { createLedgerState } from './state/ledger-state.js';
import type { ContributorState, GrantableRole } from './state/contributor-state.js';
import {
  publicKeyHexOf,
  sealEvents,
  signerFromInitialKey,
  signerWithKey,
  type SealedBatch,
  type SealedCfEnvelope,
  type SignedEnvelope,
  type Signer,
} from './signing.js';
import {
  appendContributions,
  contributeBatch,
  prepareContributions,
  preparedContributions,
  type BatchOptions,
  type ContributionsAhead,
  type PreparedContributions,
} from './api/sealed-batch.js';
import { authorshipOf } from './api/authorship.js';
import { asCfReceipt, asCfReceipts, type CfReceipt } from './cf-receipt.js';
import type { AuthorshipProof } from '@cairn/core';
import type { VerifyPool } from './verify-pool.js';
import { createPreparePool } from './ingest/prepare-pool.js';
import type { LogAnchor } from './tree-heads/anchor.js';
import { appendOne, defined, signPayload } from './api/context.js';
import {
  prepareContribution,
  prepareLabel,
  prepareSample,
  prepareValidation,
  type ContributionInput,
  type LabelInput,
  type PreparedContribution,
  type SampleInput,
  type ValidationInput,
} from './api/contributions.js';
import { eraseSample, readSample } from './api/samples.js';
import { checkAmendable, checkAmendmentFields, prepareSampleAmendment } from './api/amend.js';
import { readSampleAs } from './api/read-as.js';
import type { Reader } from './reader.js';
import { verifySampleStore, type LoggedSamples, type SampleStoreVerification, type SampleVerifyProgress } from './sample-verify.js';
import { CF_EVENT_TYPES, decodeManifest, decodePayload, isEventType, type CfEventType, type DeprecationReason } from '@cairn/schemas';
import { decodeFailureAt } from './ingest/decode.js';
import { describeLimitSettingError, resolveLimits, type LimitSettings } from './limits.js';

type Result<T> = Promise<E.Either<LedgerError, T>>;

export type { DeprecationReason };
export type KeyRevocationReason = 'compromised' | 'retired' | 'lost' | 'other';

export interface Ledger {
  readonly log: EventLog;
  readonly contributors: {
    /** Registers the contributor whose initial key this is; answers its Signer. */
    register(secretKey: Uint8Array, profile: { readonly name: string }): Result<Signer & { readonly receipt: Receipt }>;
    /** Moves the identity to a new key, signed by the current one; answers the new Signer. */
    rotateKey(signer: Signer, newSecretKey: Uint8Array): Result<Signer & { readonly receipt: Receipt }>;
    /** Revokes one of the contributor's keys (by default the current one): it signs nothing new. */
    revokeKey(
      signer: Signer,
      options: { readonly reason: KeyRevocationReason; readonly publicKey?: string; readonly note?: string },
    ): Result<Receipt>;
    /** A ledger-wide role, or `maintainer` of `scope.dataset`. */
    grantRole(admin: Signer, contributorId: string, role: GrantableRole, scope?: { readonly dataset?: string }): Result<Receipt>;
    revokeRole(
      admin: Signer,
      contributorId: string,
      role: GrantableRole,
      options?: { readonly dataset?: string; readonly note?: string },
    ): Result<Receipt>;
    /** The first contributor registered: an admin without a grant. */
    founder(): Result<string | undefined>;
    /** Every registered contributor (reads the whole log once), and the founder. */
    list(): Result<{ readonly founder: string | undefined; readonly contributors: readonly ContributorState[] }>;
    /** The contributor as the log says it is now, or undefined when not registered. */
    get(contributorId: string): Result<ContributorState | undefined>;
  };
  readonly contribute: {
    sample(input: SampleInput, signer: Signer): Result<CfReceipt>;
    label(input: LabelInput, signer: Signer): Result<CfReceipt>;
    validation(input: ValidationInput, signer: Signer): Result<CfReceipt>;
    /**
     * Many contributions by one signer, all or nothing; later items may reference earlier ones.
     * Sealed by default: one signature per `sealSize` new CFs (api/sealed-batch.ts); `seal: false`
     * signs each CF on its own. The CF ids are the same either way.
     */
    batch(inputs: readonly ContributionInput[], signer: Signer, options?: BatchOptions): Result<CfReceipt[]>;
    /**
     * `batch` in two halves, so that a bulk loader prepares its next batch (payloads decoded, ids
     * derived, sample bytes sealed) while the current one is appended. `prepare` starts at once
     * and touches no log; `append` of each prepared batch, in order, answers as `batch` would
     * (a refusal too, and only then). A batch prepared but never appended leaves no trace.
     */
    prepare(inputs: readonly ContributionInput[], signer: Signer, options?: BatchOptions): PreparedContributions;
    append(prepared: PreparedContributions): Result<CfReceipt[]>;
  };
  /** Bulk ingest of events signed elsewhere (samples with their bytes): all or nothing. */
  ingest(items: readonly IngestItem[]): Result<Receipt[]>;
  /**
   * Many ingest batches in order, each all or nothing, pipelined (the next batch decodes and
   * verifies while the current one is appended). Stops at the first rejected batch, named by `batch`.
   */
  ingestBatches(batches: Iterable<readonly IngestItem[]>): Promise<E.Either<LedgerError & { readonly batch: number }, Receipt[][]>>;
  /**
   * Who signed a CF, as a proof anyone can check offline with core's checkAuthorship: the CF, the
   * key valid at the signing position, and for a sealed CF its seal and audit path.
   */
  authorship(cfId: string): Result<AuthorshipProof>;
  /** Signs an event for `ingest` without appending it (what a remote contributor would do). */
  sign(type: string, payload: unknown, signer: Signer): E.Either<LedgerError, SignedEnvelope>;
  /**
   * Seals CFs for `ingest` without appending them: the BatchSealed envelope first, then each CF
   * naming it, in order (what a remote contributor sends as one batch).
   */
  seal(
    cfs: readonly { readonly type: string; readonly payload: unknown }[],
    signer: Signer,
  ): E.Either<LedgerError, readonly (SignedEnvelope | SealedCfEnvelope)[]>;
  /**
   * A new CF of the same kind with `changes` applied and `amends` pointing at the original. Only
   * the fields AMENDABLE_FIELDS lists may change (others are refused by name, nothing appended);
   * a sample amended without new `bytes` keeps the original's content commitment.
   */
  amend(cfId: string, changes: Record<string, unknown>, signer: Signer): Result<CfReceipt>;
  /** A new CF of the same kind that replaces the original entirely. */
  supersede(cfId: string, replacement: ContributionInput, signer: Signer): Result<CfReceipt>;
  deprecate(cfId: string, options: { readonly reason: DeprecationReason; readonly note?: string }, signer: Signer): Result<Receipt>;
  /** Appends SampleErased and shreds the sample's key: the bytes become unreadable for good. */
  erase(sampleId: string, signer: Signer, reason?: string): Result<Receipt>;
  readonly samples: {
    /** The plaintext, or ErasedSample / SampleNotFound. For the ledger's own checks; people read with readAs. */
    read(sampleId: string): Result<Uint8Array>;
    /** The plaintext for `reader` (its author, or a holder of the reader role), else rule read-authority. */
    readAs(sampleId: string, reader: Reader): Result<Uint8Array>;
    /** Checks the key and blob stores against the log (see sample-verify.ts); `logged`: the log folded already. */
    verify(
      progress?: SampleVerifyProgress,
      logged?: LoggedSamples,
    ): Promise<E.Either<EventLogError | StorageError, SampleStoreVerification>>;
  };
  readonly manifests: {
    /** Defines a manifest (defaults filled in); answers its id, the hash of its canonical JSON. */
    define(manifest: unknown, signer: Signer): Result<{ readonly manifestId: string; readonly receipt: Receipt }>;
  };
  readonly datasets: {
    define(name: string, signer: Signer, description?: string): Result<Receipt>;
    /**
     * Asks for a build of the log as it is at this request's position. Each call is a new event
     * (a fresh random nonce), so asking again after new facts cuts a new version; pass `nonce` to
     * make a retry of the same request idempotent (the same nonce is the same event).
     */
    requestBuild(name: string, manifestId: string, signer: Signer, options?: { readonly nonce?: string }): Result<Receipt>;
  };
  readonly assets: {
    assemble(
      payload: { readonly name: string; readonly members: readonly string[]; readonly transformations: readonly unknown[] },
      signer: Signer,
    ): Result<Receipt>;
  };
  readonly runs: {
    record(payload: Record<string, unknown>, signer: Signer): Result<Receipt>;
    recordGradients(payload: Record<string, unknown>, signer: Signer): Result<Receipt>;
  };
  close(): Promise<void>;
}

export interface LedgerParts {
  readonly log: EventLog;
  readonly blobs: BlobStore;
  readonly keys: KeyStore;
  readonly pool?: VerifyPool;
  /** Signs a tree head after every append call (openLedger gives one to every store with a folder). */
  readonly anchor?: LogAnchor;
  /** Runs on close, after the pool is stopped (closing what openLedger opened). */
  readonly onClose?: () => Promise<void>;
  /** Size limits laid over the defaults (limits.ts); a setting the ledger cannot take throws. */
  readonly limits?: LimitSettings;
}

export function createLedger(parts: LedgerParts): Ledger {
  const limits = resolveLimits(parts.limits);
  // A setting no ledger can take is the caller's mistake, found before anything is appended.
  if (E.isLeft(limits)) throw new RangeError(describeLimitSettingError(limits.left));
  // A ledger given workers for signatures takes as many for bulk contributions' per-row work
  // (started on first use).
  const preparePool = parts.pool ? createPreparePool({ size: parts.pool.size }) : undefined;
  const ctx: IngestContext = {
    log: parts.log,
    blobs: parts.blobs,
    keys: parts.keys,
    state: createLedgerState(parts.log),
    pool: parts.pool,
    ...(preparePool ? { preparePool } : {}),
    limits: limits.right,
    ...(parts.anchor ? { anchor: parts.anchor } : {}),
  };
  const ahead = preparedContributions<ContributionsAhead>();

  const appendPrepared = async (prepared: PreparedContribution, signer: Signer) =>
    asCfReceipt(await appendOne(ctx, prepared.type, prepared.payload, signer, prepared.sample));

  const readCf = async (cfId: string): Result<{ type: string; payload: Record<string, unknown> }> => {
    const found = await ctx.log.readByIds([cfId]);
    if (E.isLeft(found)) return found;
    const data = found.right[0]?.data as { type: string; payload: Record<string, unknown> } | undefined;
    if (!data) return E.left(ruleViolation('reference-exists', 'cfId', `no CF ${cfId} in the log`));
    return E.right(data);
  };

  const ledger: Ledger = {
    log: parts.log,
    contributors: {
      register: async (secretKey, profile) => {
        const signer = signerFromInitialKey(secretKey);
        const receipt = await appendOne(ctx, 'ContributorRegistered', { publicKey: publicKeyHexOf(secretKey), name: profile.name }, signer);
        return E.map((r: Receipt) => ({ ...signer, receipt: r }))(receipt);
      },
      rotateKey: async (signer, newSecretKey) => {
        const receipt = await appendOne(ctx, 'ContributorKeyRotated', { newPublicKey: publicKeyHexOf(newSecretKey) }, signer);
        return E.map((r: Receipt) => ({ ...signerWithKey(signer, newSecretKey), receipt: r }))(receipt);
      },
      revokeKey: (signer, options) =>
        appendOne(
          ctx,
          'ContributorKeyRevoked',
          defined({ publicKey: options.publicKey ?? publicKeyHexOf(signer.secretKey), reason: options.reason, note: options.note }),
          signer,
        ),
      grantRole: (admin, contributorId, role, scope) =>
        appendOne(ctx, 'ContributorRoleGranted', defined({ contributor: contributorId, role, dataset: scope?.dataset }), admin),
      revokeRole: (admin, contributorId, role, options) =>
        appendOne(
          ctx,
          'ContributorRoleRevoked',
          defined({ contributor: contributorId, role, dataset: options?.dataset, note: options?.note }),
          admin,
        ),
      founder: () => ctx.state.founder(),
      list: async () => {
        const directory = await ctx.state.directory();
        if (E.isLeft(directory)) return directory;
        const states = await ctx.state.contributors(directory.right.names.values());
        if (E.isLeft(states)) return states;
        const founder = await ctx.state.founder();
        if (E.isLeft(founder)) return founder;
        return E.right({ founder: founder.right, contributors: [...states.right.values()] });
      },
      get: async (contributorId) =>
        E.map((m: ReadonlyMap<string, ContributorState>) => m.get(contributorId))(await ctx.state.contributors([contributorId])),
    },
    contribute: {
      sample: (input, signer) => appendPrepared(prepareSample(input), signer),
      label: (input, signer) => appendPrepared(prepareLabel(input), signer),
      validation: (input, signer) => appendPrepared(prepareValidation(input), signer),
      batch: async (inputs, signer, options) => asCfReceipts(await contributeBatch(ctx, inputs, signer, options)),
      prepare: (inputs, signer, options) => ahead.hold(inputs.length, prepareContributions(ctx, inputs, signer, options)),
      append: async (prepared) => asCfReceipts(await appendContributions(ctx, ahead.take(prepared))),
    },
    ingest: (items) => ingestBatch(ctx, items),
    ingestBatches: (batches) => ingestBatches(ctx, batches),
    authorship: (cfId) => authorshipOf(ctx, cfId),
    seal: (cfs, signer) => {
      if (cfs.length === 0) return E.left(ruleViolation('batch-consistent', 'cfs', 'a sealed batch holds at least one CF'));
      for (const [index, cf] of cfs.entries()) {
        if (!(CF_EVENT_TYPES as readonly string[]).includes(cf.type))
          return E.left(ruleViolation('batch-consistent', 'type', `only CFs are sealed, not ${JSON.stringify(cf.type)}`, index));
        const decoded = decodePayload(cf.type as CfEventType, cf.payload);
        if (E.isLeft(decoded)) return E.left({ ...decodeFailureAt(decoded.left), index } as LedgerError);
      }
      return E.map((b: SealedBatch) => [b.seal.envelope, ...b.cfs.map((c) => c.envelope)])(
        E.mapLeft((e: LedgerError) => e)(sealEvents(cfs, signer) as E.Either<LedgerError, SealedBatch>),
      );
    },
    sign: (type, payload, signer) =>
      isEventType(type)
        ? signPayload(type, payload, signer)
        : E.left(ruleViolation('batch-consistent', 'type', `unknown event type ${JSON.stringify(type)}`)),
    amend: async (cfId, changes, signer) => {
      const original = await readCf(cfId);
      if (E.isLeft(original)) return original;
      const amendable = checkAmendable(cfId, original.right.type);
      if (E.isLeft(amendable)) return amendable;
      const type = amendable.right;
      const { payload } = original.right;
      const fields = checkAmendmentFields(type, changes);
      if (E.isLeft(fields)) return fields;
      if (type === 'SampleContributed') {
        const prepared = await prepareSampleAmendment(ctx, cfId, payload as Parameters<typeof prepareSampleAmendment>[2], changes);
        return E.isLeft(prepared) ? prepared : appendPrepared(prepared.right, signer);
      }
      const { amends: _a, supersedes: _s, ...kept } = payload;
      return asCfReceipt(await appendOne(ctx, type, { ...kept, ...changes, amends: cfId }, signer));
    },
    supersede: (cfId, replacement, signer) => appendPrepared(prepareContribution({ ...replacement, supersedes: cfId }), signer),
    deprecate: (cfId, options, signer) =>
      appendOne(ctx, 'ContributionDeprecated', defined({ target: cfId, reason: options.reason, note: options.note }), signer),
    erase: (sampleId, signer, reason = 'erasure requested') => eraseSample(ctx, sampleId, signer, reason),
    samples: {
      read: (sampleId) => readSample(ctx, sampleId),
      readAs: (sampleId, reader) => readSampleAs(ctx, sampleId, reader),
      verify: (progress, logged) => verifySampleStore(ctx, progress, logged),
    },
    manifests: {
      define: async (manifest, signer) => {
        const decoded = decodeManifest(manifest);
        if (E.isLeft(decoded)) return E.left(decodeFailureAt(decoded.left));
        const receipt = await appendOne(ctx, 'ManifestDefined', { manifest: decoded.right }, signer);
        return E.map((r: Receipt) => ({ manifestId: manifestIdOf(decoded.right), receipt: r }))(receipt);
      },
    },
    datasets: {
      define: (name, signer, description) => appendOne(ctx, 'DatasetDefined', defined({ name, description }), signer),
      requestBuild: (name, manifestId, signer, options) =>
        appendOne(
          ctx,
          'DatasetBuildRequested',
          { dataset: name, manifestId, nonce: options?.nonce ?? randomBytes(16).toString('hex') },
          signer,
        ),
    },
    assets: { assemble: (payload, signer) => appendOne(ctx, 'AssetAssembled', payload, signer) },
    runs: {
      record: (payload, signer) => appendOne(ctx, 'TrainingRunRecorded', payload, signer),
      recordGradients: (payload, signer) => appendOne(ctx, 'GradientsRecorded', payload, signer),
    },
    close: async () => {
      await parts.pool?.close();
      await preparePool?.close();
      await parts.onClose?.();
    },
  };
  return ledger;
}

/** The value, or a thrown LedgerFailure carrying the error (for code that prefers exceptions). */
export function unwrap<T>(result: E.Either<LedgerError, T>): T {
  if (E.isLeft(result)) throw new LedgerFailure(result.left);
  return result.right;
}
