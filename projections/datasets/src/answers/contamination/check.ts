// The contamination check: which members of a training version have their content in an
// evaluation version. Exactly: the same content commitment under the same scheme (a keyed HMAC
// commitment of personal data only ever equals another HMAC commitment; it cannot be compared
// with a plain SHA-256 one). Nearly: MinHash/LSH over the texts (minhash.ts), with the bytes read
// through the caller's sample reader (the SDK's samples.read), so erased bytes stay unread.
//
// The exact check needs no bytes (the commitments are in the log), so it covers every sample
// member; the near check covers text samples whose bytes can be read, and counts the others.
import type { Kysely } from 'kysely';
import type { VersionId } from '@cairn/schemas';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog } from '@cairn/eventlog';
import { idHexOrNull, idHex } from '@cairn/projector';
import { T, versionNoOf, type DatasetsDatabase } from '../../tables.js';
import { readVersion, type DatasetVersion } from '../versions.js';
import type { AnswerError } from '../errors.js';
import { DEFAULT_NUM_HASHES, DEFAULT_SEED, DEFAULT_THRESHOLD, SHINGLE_WORDS, bandingFor, nearDuplicates, type Doc } from './minhash.js';

/** The SDK's samples.read: the sample's bytes, or why they cannot be had. */
export type SampleBytesReader = (sampleId: string) => Promise<E.Either<{ readonly _tag: string }, Uint8Array>>;

export type ContaminationError =
  | AnswerError
  | { readonly _tag: 'UsageError'; readonly field: string; readonly reason: string; readonly message: string }
  | { readonly _tag: 'Unavailable'; readonly message: string };

export interface ContaminationOptions {
  /** Minimum estimated Jaccard similarity of a near pair, in (0, 1]; default 0.8. */
  readonly threshold?: number;
  readonly numHashes?: number;
  readonly seed?: number;
}

export type SkipReason = 'erased' | 'unreadable' | 'not-text' | 'no-words';

export interface SideSummary {
  readonly versionId: VersionId;
  readonly dataset: string;
  readonly members: number;
  readonly samples: number;
  /** Samples with a keyed (HMAC) commitment: personal data. */
  readonly hmacSamples: number;
  /** Samples whose text took part in the near-duplicate check. */
  readonly textsCompared: number;
  readonly skipped: { readonly [K in SkipReason]: number };
}

export interface ContaminationPair {
  readonly train: string;
  readonly eval: string;
  readonly match: 'exact' | 'near';
  /** 1 for an exact match; for a near one, the estimated Jaccard similarity of the shingle sets. */
  readonly similarity: number;
  /** The commitment scheme both sides share (exact matches only). */
  readonly scheme: string | null;
}

export interface ContaminationReport {
  readonly train: SideSummary;
  readonly eval: SideSummary;
  readonly method: {
    readonly threshold: number;
    readonly shingleWords: number;
    readonly numHashes: number;
    readonly seed: number;
    readonly bands: number;
    readonly rows: number;
    /** Train x eval text pairs whose signatures LSH proposed and compared. */
    readonly pairsCompared: number;
    /** Train x eval text pairs an all-pairs comparison would have compared. */
    readonly pairsPossible: number;
  };
  readonly counts: {
    readonly exactPairs: number;
    readonly nearPairs: number;
    /** Training members with at least one pair. */
    readonly contaminatedTrainMembers: number;
    /** Evaluation members with at least one pair. */
    readonly contaminatedEvalMembers: number;
  };
  /** Exact pairs first, then near ones by similarity (highest first); ties by train id, eval id. */
  readonly pairs: readonly ContaminationPair[];
  /** The samples left out of the near check, with why. */
  readonly skipped: readonly { readonly side: 'train' | 'eval'; readonly cfId: string; readonly reason: SkipReason }[];
}

export interface SampleMember {
  readonly cfId: string;
  readonly commitment: string | null;
  readonly scheme: string | null;
  readonly mediaType: string | null;
}

const READ_CHUNK = 500;

/**
 * Pairs whose commitments are equal under the same scheme, in train then eval member order. A
 * keyed HMAC commitment (personal data) is only ever compared with another HMAC commitment: its
 * value says nothing about a plain SHA-256 of the same bytes.
 */
export function exactPairs(train: readonly SampleMember[], evaluation: readonly SampleMember[]): ContaminationPair[] {
  const key = (s: SampleMember) => `${s.scheme ?? '?'}:${s.commitment}`;
  const evalByCommitment = new Map<string, string[]>();
  for (const s of evaluation) if (s.commitment !== null) evalByCommitment.set(key(s), [...(evalByCommitment.get(key(s)) ?? []), s.cfId]);
  const out: ContaminationPair[] = [];
  for (const s of train)
    if (s.commitment !== null)
      for (const e of evalByCommitment.get(key(s)) ?? [])
        out.push({ train: s.cfId, eval: e, match: 'exact', similarity: 1, scheme: s.scheme });
  return out;
}
// Media types that carry text even though their top-level type is not text/.
const TEXTUAL_APPLICATION = /^application\/(json|ld\+json|x-ndjson|jsonl|xml|yaml|x-yaml|javascript|x-sh|sql|[a-z0-9.+-]*\+(json|xml))$/;

export function isTextualMediaType(mediaType: string | null): boolean {
  return mediaType === null || mediaType.startsWith('text/') || TEXTUAL_APPLICATION.test(mediaType);
}

/** The bytes as text: well-formed UTF-8 without NUL, or null for bytes that are not text. */
export function textOf(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

async function membersOf(
  db: Kysely<DatasetsDatabase>,
  log: EventLog,
  v: DatasetVersion,
): Promise<E.Either<ContaminationError, SampleMember[]>> {
  const rows = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
    .select([idHex('m.cf_id').as('cf_id'), idHexOrNull('c.commitment').as('commitment')])
    .where('m.version_no', '=', versionNoOf(v.versionId))
    .where('c.kind', '=', 'sample')
    .orderBy('m.cf_id')
    .execute();
  const payloads = new Map<string, { commitment?: { scheme?: unknown }; mediaType?: unknown }>();
  const ids = rows.map((r) => r.cf_id);
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    const read = await log.readByIds(ids.slice(i, i + READ_CHUNK));
    if (E.isLeft(read))
      return E.left({ _tag: 'Unavailable', message: `reading the members of ${v.versionId} from the log failed: ${read.left._tag}` });
    for (const e of read.right) payloads.set(e.id, (e.data as { payload?: object }).payload ?? {});
  }
  return E.right(
    rows.map((r) => {
      const p = payloads.get(r.cf_id) ?? {};
      const scheme = p.commitment?.scheme;
      return {
        cfId: r.cf_id,
        commitment: r.commitment,
        scheme: typeof scheme === 'string' ? scheme : null,
        mediaType: typeof p.mediaType === 'string' ? p.mediaType : null,
      };
    }),
  );
}

interface Texts {
  readonly docs: Doc[];
  readonly skipped: { cfId: string; reason: SkipReason }[];
}

async function textsOf(samples: readonly SampleMember[], read: SampleBytesReader): Promise<E.Either<ContaminationError, Texts>> {
  const out: Texts = { docs: [], skipped: [] };
  for (const s of samples) {
    if (!isTextualMediaType(s.mediaType)) {
      out.skipped.push({ cfId: s.cfId, reason: 'not-text' });
      continue;
    }
    const bytes = await read(s.cfId);
    if (E.isLeft(bytes)) {
      if (bytes.left._tag === 'ErasedSample') out.skipped.push({ cfId: s.cfId, reason: 'erased' });
      else if (bytes.left._tag === 'SampleNotFound') out.skipped.push({ cfId: s.cfId, reason: 'unreadable' });
      else return E.left({ _tag: 'Unavailable', message: `reading sample ${s.cfId} failed: ${bytes.left._tag}` });
      continue;
    }
    const text = textOf(bytes.right);
    if (text === null) out.skipped.push({ cfId: s.cfId, reason: 'not-text' });
    else out.docs.push({ id: s.cfId, text });
  }
  return E.right(out);
}

function summary(v: DatasetVersion, samples: readonly SampleMember[], texts: Texts, noWords: readonly string[]): SideSummary {
  const count = (reason: SkipReason) => texts.skipped.filter((s) => s.reason === reason).length;
  return {
    versionId: v.versionId,
    dataset: v.dataset,
    members: v.memberCount,
    samples: samples.length,
    hmacSamples: samples.filter((s) => s.scheme === 'hmac-sha256').length,
    textsCompared: texts.docs.length - noWords.length,
    skipped: { erased: count('erased'), unreadable: count('unreadable'), 'not-text': count('not-text'), 'no-words': noWords.length },
  };
}

/** Members of `trainVersionId` whose content is, exactly or nearly, in `evalVersionId`. */
export async function contamination(
  db: Kysely<DatasetsDatabase>,
  log: EventLog,
  read: SampleBytesReader,
  trainVersionId: string,
  evalVersionId: string,
  options: ContaminationOptions = {},
): Promise<E.Either<ContaminationError, ContaminationReport>> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1))
    return E.left({
      _tag: 'UsageError',
      field: '--threshold',
      reason: 'must be a number in (0, 1]',
      message: `--threshold: must be a number in (0, 1], got ${threshold}`,
    });
  if (trainVersionId === evalVersionId)
    return E.left({
      _tag: 'UsageError',
      field: '--against',
      reason: 'is the training version itself',
      message: `--against: ${evalVersionId} is the training version itself; a version is always contaminated by itself (name a different evaluation version)`,
    });
  const trainV = await readVersion(db, trainVersionId);
  if (E.isLeft(trainV)) return trainV;
  const evalV = await readVersion(db, evalVersionId);
  if (E.isLeft(evalV)) return evalV;

  const trainSamples = await membersOf(db, log, trainV.right);
  if (E.isLeft(trainSamples)) return trainSamples;
  const evalSamples = await membersOf(db, log, evalV.right);
  if (E.isLeft(evalSamples)) return evalSamples;

  const exact = exactPairs(trainSamples.right, evalSamples.right);
  const exactKeys = new Set(exact.map((p) => `${p.train} ${p.eval}`));

  const trainTexts = await textsOf(trainSamples.right, read);
  if (E.isLeft(trainTexts)) return trainTexts;
  const evalTexts = await textsOf(evalSamples.right, read);
  if (E.isLeft(evalTexts)) return evalTexts;

  const numHashes = options.numHashes ?? DEFAULT_NUM_HASHES;
  const seed = options.seed ?? DEFAULT_SEED;
  const near = nearDuplicates(trainTexts.right.docs, evalTexts.right.docs, { threshold, numHashes, seed });
  const nearPairs: ContaminationPair[] = near.pairs
    .filter((p) => !exactKeys.has(`${p.train} ${p.eval}`))
    .map((p) => ({ train: p.train, eval: p.eval, match: 'near', similarity: p.similarity, scheme: null }));
  const pairs = [...exact, ...nearPairs];
  const { bands, rows } = bandingFor(numHashes, threshold);
  const train = summary(trainV.right, trainSamples.right, trainTexts.right, near.noWords.train);
  const evaluation = summary(evalV.right, evalSamples.right, evalTexts.right, near.noWords.eval);
  return E.right({
    train,
    eval: evaluation,
    method: {
      threshold,
      shingleWords: SHINGLE_WORDS,
      numHashes,
      seed,
      bands,
      rows,
      pairsCompared: near.compared,
      pairsPossible: train.textsCompared * evaluation.textsCompared,
    },
    counts: {
      exactPairs: exact.length,
      nearPairs: nearPairs.length,
      contaminatedTrainMembers: new Set(pairs.map((p) => p.train)).size,
      contaminatedEvalMembers: new Set(pairs.map((p) => p.eval)).size,
    },
    pairs,
    skipped: [
      ...trainTexts.right.skipped.map((s) => ({ side: 'train' as const, ...s })),
      ...near.noWords.train.map((cfId) => ({ side: 'train' as const, cfId, reason: 'no-words' as const })),
      ...evalTexts.right.skipped.map((s) => ({ side: 'eval' as const, ...s })),
      ...near.noWords.eval.map((cfId) => ({ side: 'eval' as const, cfId, reason: 'no-words' as const })),
    ],
  });
}
