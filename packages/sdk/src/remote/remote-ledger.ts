// The ledger of a Cairn server (`cairn serve`), reached over HTTP. Every event is signed here,
// with the contributor's key, and only the signed envelope (with a sample's bytes) is sent: the
// server never holds a secret key. The server checks the same rules as a local ledger and
// answers with the same errors; a batch is taken whole or not at all, and a batch sent again is
// answered with the same receipts (alreadyAppended) instead of a second copy.
import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { decodeManifest, isEventType, type EventType } from '@cairn/schemas';
import { ruleViolation, type LedgerError } from '../errors.js';
import type { IngestItem, Receipt } from '../ingest/ingest-batch.js';
import { manifestIdOf } from '../ingest/streams.js';
import { decodeFailureAt } from '../ingest/decode.js';
import { defined, signPayload } from '../api/context.js';
import {
  prepareContribution,
  type ContributionInput,
  prepareLabel,
  prepareSample,
  prepareValidation,
  type PreparedContribution,
  type SampleInput,
} from '../api/contributions.js';
import { checkAmendable, checkAmendmentFields } from '../api/amend.js';
import { originalCf } from './original-cf.js';
import { publicKeyHexOf, sealEvents, signerFromInitialKey, signerWithKey, type Signer } from '../signing.js';
import { DEFAULT_SEAL_SIZE, MAX_SEAL_SIZE, preparedContributions, type BatchOptions } from '../api/sealed-batch.js';
import type { Ledger } from '../ledger.js';
import { postBatch } from './transport.js';
import { asCfReceipt, asCfReceipts, type CfReceipt } from '../cf-receipt.js';

type Result<T> = Promise<E.Either<LedgerError, T>>;

/** A batch's items, and where each input's receipt is among them (a seal comes first in its group). */
type RemoteBatch = E.Either<LedgerError, { readonly items: IngestItem[]; readonly slots: number[] }>;

const AMEND_SAMPLE_OVER_HTTP =
  'amend sample.bytes: over HTTP a sample is amended with its new bytes (the old ones stay sealed on the server; amend it where the store is to keep them)';

/** What a ledger does that needs no copy of the log: every write, signed where the key is. */
export interface LedgerWrites extends Pick<
  Ledger,
  'contribute' | 'ingest' | 'sign' | 'amend' | 'supersede' | 'deprecate' | 'erase' | 'manifests' | 'datasets' | 'assets' | 'runs' | 'close'
> {
  readonly contributors: Pick<Ledger['contributors'], 'register' | 'rotateKey' | 'revokeKey' | 'grantRole' | 'revokeRole'>;
}

export interface RemoteLedger extends LedgerWrites {
  /** The server's base URL, e.g. http://127.0.0.1:7420. */
  readonly url: string;
}

export interface RemoteLedgerOptions {
  /** The server's base URL (http:// or https://). */
  readonly url: string;
  /** The fetch to send with (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** Throws (a RangeError) only for a URL that is not http(s); nothing is contacted until a write. */
export function openRemoteLedger(options: RemoteLedgerOptions): RemoteLedger {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new RangeError(`url: not a URL: ${JSON.stringify(options.url)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new RangeError(`url: a Cairn server is reached over http:// or https://, got ${base.protocol}`);
  const url = base.href.replace(/\/+$/, '');
  const send = (items: readonly IngestItem[]) => postBatch(url, items, options.fetch ?? fetch);

  /**
   * A batch's items, sealed as the local ledger seals (one signature per sealSize CFs), and where
   * each input's receipt will be among them: made before it is sent, so an import signs and seals
   * its next batch while the server appends this one.
   */
  const batchOf = (inputs: readonly ContributionInput[], signer: Signer, batchOptions: BatchOptions = {}): RemoteBatch => {
    const sealSize = batchOptions.sealSize ?? DEFAULT_SEAL_SIZE;
    if (!Number.isSafeInteger(sealSize) || sealSize < 1 || sealSize > MAX_SEAL_SIZE)
      return E.left(
        ruleViolation('batch-consistent', 'sealSize', `expected a whole number from 1 to ${MAX_SEAL_SIZE}, got ${String(sealSize)}`),
      );
    const prepared = inputs.map(prepareContribution);
    const items: IngestItem[] = [];
    /** Where each input's receipt is among the items (a seal comes first in its group). */
    const slots: number[] = [];
    const group = batchOptions.seal === false ? 1 : sealSize;
    for (let start = 0; start < prepared.length; start += group) {
      const cfs = prepared.slice(start, start + group);
      // A seal over one CF would be two events where one does.
      if (cfs.length === 1) {
        const item = signed(cfs[0]!.type, cfs[0]!.payload, signer, cfs[0]!.sample);
        if (E.isLeft(item)) return E.left({ ...item.left, index: start } as LedgerError);
        slots.push(items.length);
        items.push(item.right);
        continue;
      }
      const sealed = sealEvents(cfs, signer);
      if (E.isLeft(sealed)) {
        const { index, ...error } = sealed.left;
        return E.left({ ...error, index: start + (index ?? 0) } as LedgerError);
      }
      items.push({ envelope: sealed.right.seal.envelope });
      sealed.right.cfs.forEach((cf, k) => {
        const sample = cfs[k]!.sample;
        slots.push(items.length);
        items.push(sample ? { envelope: cf.envelope, sample } : { envelope: cf.envelope });
      });
    }
    return E.right({ items, slots });
  };

  /**
   * The whole batch is one POST: the server takes it all or nothing. The same inputs make the
   * same seals, so a batch sent again is answered alreadyAppended instead of appended twice.
   */
  const appendBatch = async (batch: RemoteBatch): Result<CfReceipt[]> => {
    if (E.isLeft(batch)) return batch;
    const { items, slots } = batch.right;
    const receipts = await send(items);
    if (E.isLeft(receipts)) {
      // Name the caller's input, not the item of the sealed batch (which has a seal in front).
      const at = (receipts.left as { index?: number }).index;
      const input = at === undefined ? -1 : slots.indexOf(at);
      return E.left((at === undefined ? receipts.left : { ...receipts.left, index: input < 0 ? at : input }) as LedgerError);
    }
    return asCfReceipts(E.right(slots.map((slot) => receipts.right[slot]!)));
  };
  /** A prepared batch, or what preparing it threw: thrown where it is appended, as `batch` throws. */
  const ahead = preparedContributions<() => RemoteBatch>();
  const prepareBatch = (inputs: readonly ContributionInput[], signer: Signer, batchOptions?: BatchOptions): (() => RemoteBatch) => {
    try {
      const batch = batchOf(inputs, signer, batchOptions);
      return () => batch;
    } catch (error) {
      return () => {
        throw error;
      };
    }
  };

  const signed = (type: EventType, payload: unknown, signer: Signer, sample?: PreparedContribution['sample']) =>
    E.map((envelope: unknown): IngestItem => (sample ? { envelope, sample } : { envelope }))(signPayload(type, payload, signer));

  const appendOne = async (type: EventType, payload: unknown, signer: Signer, sample?: PreparedContribution['sample']): Result<Receipt> => {
    const item = signed(type, payload, signer, sample);
    if (E.isLeft(item)) return item;
    const receipts = await send([item.right]);
    if (E.isLeft(receipts)) {
      // One event is not a batch: the local ledger names no index for it either.
      const { index: _index, ...error } = receipts.left as LedgerError & { index?: number };
      return E.left(error as LedgerError);
    }
    return E.right(receipts.right[0]!);
  };
  const appendPrepared = async (p: PreparedContribution, signer: Signer) =>
    asCfReceipt(await appendOne(p.type, p.payload, signer, p.sample));

  return {
    url,
    contributors: {
      register: async (secretKey, profile) => {
        const signer = signerFromInitialKey(secretKey);
        const r = await appendOne('ContributorRegistered', { publicKey: publicKeyHexOf(secretKey), name: profile.name }, signer);
        return E.map((receipt: Receipt) => ({ ...signer, receipt }))(r);
      },
      rotateKey: async (signer, newSecretKey) => {
        const r = await appendOne('ContributorKeyRotated', { newPublicKey: publicKeyHexOf(newSecretKey) }, signer);
        return E.map((receipt: Receipt) => ({ ...signerWithKey(signer, newSecretKey), receipt }))(r);
      },
      revokeKey: (signer, o) =>
        appendOne(
          'ContributorKeyRevoked',
          defined({ publicKey: o.publicKey ?? publicKeyHexOf(signer.secretKey), reason: o.reason, note: o.note }),
          signer,
        ),
      grantRole: (admin, contributor, role, scope) =>
        appendOne('ContributorRoleGranted', defined({ contributor, role, dataset: scope?.dataset }), admin),
      revokeRole: (admin, contributor, role, o) =>
        appendOne('ContributorRoleRevoked', defined({ contributor, role, dataset: o?.dataset, note: o?.note }), admin),
    },
    contribute: {
      sample: (input, signer) => appendPrepared(prepareSample(input), signer),
      label: (input, signer) => appendPrepared(prepareLabel(input), signer),
      validation: (input, signer) => appendPrepared(prepareValidation(input), signer),
      batch: async (inputs, signer, batchOptions) => appendBatch(batchOf(inputs, signer, batchOptions)),
      prepare: (inputs, signer, batchOptions) => ahead.hold(inputs.length, prepareBatch(inputs, signer, batchOptions)),
      append: async (prepared) => appendBatch(ahead.take(prepared)()),
    },
    ingest: (items) => send(items),
    sign: (type, payload, signer) =>
      isEventType(type)
        ? signPayload(type, payload, signer)
        : E.left(ruleViolation('batch-consistent', 'type', `unknown event type ${JSON.stringify(type)}`)),
    // The original is read from the server (its type and payload, as `GET /v1/cfs/{cf}` shows
    // them); the amendment is made and signed here. A sample's bytes never leave the server, so a
    // sample amended over HTTP takes its new bytes: keeping the old ones needs the store's key.
    amend: async (cfId, changes, signer) => {
      const original = await originalCf(url, cfId, options.fetch ?? fetch);
      if (E.isLeft(original)) return original;
      const amendable = checkAmendable(cfId, original.right.type);
      if (E.isLeft(amendable)) return amendable;
      const type = amendable.right;
      const { payload } = original.right;
      const fields = checkAmendmentFields(type, changes);
      if (E.isLeft(fields)) return fields;
      if (type === 'SampleContributed') {
        if (!(changes.bytes instanceof Uint8Array))
          return E.left({
            _tag: 'DecodeFailure',
            type,
            problems: [{ path: 'bytes', expected: 'new bytes', actual: undefined, message: AMEND_SAMPLE_OVER_HTTP }],
            message: AMEND_SAMPLE_OVER_HTTP,
          });
        const { commitment: _c, size: _z, amends: _a, supersedes: _s, ...meta } = payload;
        return asCfReceipt(await appendPrepared(prepareSample({ ...meta, ...changes, amends: cfId } as unknown as SampleInput), signer));
      }
      const { amends: _a, supersedes: _s, ...kept } = payload;
      return asCfReceipt(await appendOne(type, { ...kept, ...changes, amends: cfId }, signer));
    },
    supersede: (cfId, replacement, signer) => appendPrepared(prepareContribution({ ...replacement, supersedes: cfId }), signer),
    deprecate: (cfId, o, signer) => appendOne('ContributionDeprecated', defined({ target: cfId, reason: o.reason, note: o.note }), signer),
    // The server's ingest shreds the key and drops the ciphertext once SampleErased is in its log.
    erase: (sample, signer, reason = 'erasure requested') => appendOne('SampleErased', { sample, reason }, signer),
    manifests: {
      define: async (manifest, signer) => {
        const decoded = decodeManifest(manifest);
        if (E.isLeft(decoded)) return E.left(decodeFailureAt(decoded.left));
        const r = await appendOne('ManifestDefined', { manifest: decoded.right }, signer);
        return E.map((receipt: Receipt) => ({ manifestId: manifestIdOf(decoded.right), receipt }))(r);
      },
    },
    datasets: {
      define: (name, signer, description) => appendOne('DatasetDefined', defined({ name, description }), signer),
      requestBuild: (dataset, manifestId, signer, o) =>
        appendOne('DatasetBuildRequested', { dataset, manifestId, nonce: o?.nonce ?? randomBytes(16).toString('hex') }, signer),
    },
    assets: { assemble: (payload, signer) => appendOne('AssetAssembled', payload, signer) },
    runs: {
      record: (payload, signer) => appendOne('TrainingRunRecorded', payload, signer),
      recordGradients: (payload, signer) => appendOne('GradientsRecorded', payload, signer),
    },
    // Nothing is held open between writes.
    close: async () => undefined,
  };
}
