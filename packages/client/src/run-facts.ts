// The training side's questions and its one non-event write (a gradient artifact), asked the same
// way of a local store and of a server: record-run, record-gradients, attribute, passport, attest,
// record-keeping and contamination call these, so a command is written once and answers the same
// from either. The local answers come from the Cairn's reads; remote-runs.ts asks a server for them.
import * as E from 'fp-ts/lib/Either.js';
import { buildMerkleTree, eventLeafHash, inclusionProofFromTree, toHex } from '@cairn/core';
import {
  storeGradientArtifact,
  storeWeightsArtifact,
  type AttributionEstimator,
  type PassportFacts,
  type QueryAttribution,
  type RecordRole,
} from '@cairn/attribution';
import { readNpy, type NpyError } from '@cairn/kernel';
import { currentKeyRefusal, scanLog } from '@cairn/sdk';
import type { AsOf } from '@cairn/projector';
import type { Cairn } from './cairn.js';
import type { AttestFacts, ContaminationAnswer } from './reads.js';
import type { TreeHeadAnswer } from './tree-head.js';
import { statementStoreChecks, type StatementKind } from './statement-checks.js';
import type { Check } from '@cairn/core';
import type { ResolvedVersion } from './version-ref.js';

/** A failure any of these answers with: a tag the CLI maps to an exit code, and its sentence. */
export interface RunFactsError {
  readonly _tag: string;
  readonly message: string;
  readonly field?: string;
  readonly reason?: string;
}

/** Which artifact a gradient upload is: a rows × dims matrix, or one weight per row. */
export type ArtifactKind = 'gradients' | 'weights';

export interface StoredArtifact {
  readonly contentHash: string;
  readonly rows: number;
  /** Columns of a gradient matrix (a weights vector has none). */
  readonly dims?: number;
}

/** One event of a run's audit trail, with its inclusion proof under the checkpoint. */
export interface RecordLine {
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly role: RecordRole;
  readonly signer: string;
  readonly signerName: string | null;
  readonly leafIndex: number;
  readonly leafHash: string;
  readonly inclusionProof: readonly string[];
}

export interface RecordKeeping {
  readonly runId: string;
  readonly checkpoint: TreeHeadAnswer;
  readonly events: readonly RecordLine[];
}

/** What attribute prints: how a score reads, and each query row's top CFs. */
export interface Attribution extends AttributionEstimator {
  readonly queries: readonly QueryAttribution[];
}

/** The full query × train score matrix (`attribute --top all`): its shape, each column's CF, and its rows in blocks, in order. */
export interface ScoreBlocks {
  readonly rows: number;
  readonly cols: number;
  /** columns[i] is the CF of train row i. */
  readonly columns: readonly string[];
  readonly blocks: AsyncIterable<{ readonly data: Float32Array }>;
}

type Answer<T> = Promise<E.Either<RunFactsError, T>>;

export interface RunFacts {
  resolveVersion(ref: string, asOf?: AsOf): Answer<ResolvedVersion>;
  /** The CF ids of a version's members in id order (a gradient artifact's row map). */
  memberIds(ref: string, asOf?: AsOf): Answer<readonly string[]>;
  /** Stores a gradient (or weights) artifact by its content hash; storing the same bytes again is a no-op. */
  storeArtifact(kind: ArtifactKind, bytes: Uint8Array): Answer<StoredArtifact>;
  attributionEstimator(runId: string): Answer<AttributionEstimator>;
  /** Each query row (a float32 .npy's bytes) scored against the run's train rows: its top-k CFs. */
  attribute(runId: string, queriesNpy: Uint8Array, topK: number): Answer<Attribution>;
  /** Each query row scored against every train row: the whole matrix, a block of rows at a time (never whole in memory). */
  attributionScores(runId: string, queriesNpy: Uint8Array): Answer<ScoreBlocks>;
  passport(runId: string): Answer<PassportFacts>;
  attestFacts(ref: string, asOf?: AsOf): Answer<AttestFacts>;
  recordKeeping(runId: string): Answer<RecordKeeping>;
  contamination(trainRef: string, evalRef: string, threshold: number): Answer<ContaminationAnswer>;
  /** What the store says of a signed passport or attestation (`--verify FILE` with a store): its key and predicate against the log. */
  statementChecks(kind: StatementKind, envelope: unknown): Answer<readonly Check[]>;
  /** Why the key may not sign a statement for its contributor now (undefined: it is the current key). */
  keyRefusal(contributorId: string, publicKey: string): Answer<string | undefined>;
}

const failure = (tag: string, message: string): RunFactsError => ({ _tag: tag, message });

const asFacts = <T>(r: E.Either<{ readonly _tag: string; readonly message?: string }, T>): E.Either<RunFactsError, T> =>
  E.isRight(r) ? r : E.left({ ...r.left, message: r.left.message ?? r.left._tag } as RunFactsError);

/** A query matrix from an .npy's bytes, or a usage failure naming the field the file broke. */
export function queryRowsOf(bytes: Uint8Array, field = 'queries') {
  const m = readNpy(bytes);
  return E.isLeft(m)
    ? E.left<RunFactsError, never>({
        _tag: 'UsageError',
        field,
        reason: `${m.left.field}: ${m.left.reason}`,
        message: `${field}: ${m.left.field}: ${m.left.reason}`,
      })
    : E.right(m.right);
}

/** Stores an artifact in a store's own artifact folder (the server does this for an upload). */
export async function storeRunArtifact(cairn: Pick<Cairn, 'artifacts'>, kind: ArtifactKind, bytes: Uint8Array): Answer<StoredArtifact> {
  const stored: E.Either<NpyError, StoredArtifact> =
    kind === 'gradients' ? await storeGradientArtifact(cairn.artifacts, bytes) : await storeWeightsArtifact(cairn.artifacts, bytes);
  if (E.isLeft(stored))
    return E.left({
      _tag: 'UsageError',
      field: stored.left.field,
      reason: stored.left.reason,
      message: `${stored.left.field}: ${stored.left.reason}`,
    });
  const { contentHash, rows, dims } = stored.right;
  return E.right(dims === undefined ? { contentHash, rows } : { contentHash, rows, dims });
}

/**
 * A run's audit trail: every event that shaped its data, in log order, cut against the ledger's
 * signed head of the log as it is now, each with an RFC 6962 inclusion proof under that head.
 */
export async function runRecordKeeping(cairn: Cairn, runId: string): Answer<RecordKeeping> {
  const refs = await cairn.runRecord(runId);
  if (E.isLeft(refs)) return asFacts(refs);
  const roleOf = new Map(refs.right.map((r) => [r.eventId, r.role]));
  const head = await cairn.treeHead();
  if (E.isLeft(head)) return asFacts(head as E.Either<{ _tag: string; message?: string }, never>);
  const checkpoint = head.right;
  // The leaves up to the checkpoint's size: events appended since are past what it vouches for.
  const leaves: Uint8Array[] = [];
  const found: { event: { id: string; type: string; position: bigint; data: unknown }; index: number }[] = [];
  scan: for await (const batch of scanLog(cairn.ledger.log)) {
    if (E.isLeft(batch)) return E.left(failure('LogUnavailable', 'the event log could not be read; try again'));
    for (const event of batch.right) {
      if (leaves.length === checkpoint.treeHead.size) break scan;
      const leaf = eventLeafHash(event);
      if (leaf === null)
        return E.left(
          failure('MalformedEvent', `event ${event.id} at position ${event.position} has no well-formed id/signature; run cairn verify`),
        );
      if (roleOf.has(event.id)) found.push({ event, index: leaves.length });
      leaves.push(leaf);
    }
  }
  const tree = buildMerkleTree(leaves);
  if (toHex(tree.root) !== checkpoint.treeHead.root)
    return E.left(failure('LogUnavailable', 'the log changed while the record was cut; run it again'));
  const signers = found.map((f) => String((f.event.data as { signer?: unknown } | null)?.signer ?? ''));
  const names = await cairn.labels(signers);
  const events: RecordLine[] = [];
  for (const [i, f] of found.entries()) {
    const proof = inclusionProofFromTree(tree, f.index);
    if (E.isLeft(proof)) return E.left(failure('LogUnavailable', proof.left.reason));
    events.push({
      position: f.event.position.toString(),
      eventId: f.event.id,
      type: f.event.type,
      role: roleOf.get(f.event.id)!,
      signer: signers[i]!,
      signerName: names.get(signers[i]!) ?? null,
      leafIndex: f.index,
      leafHash: toHex(leaves[f.index]!),
      inclusionProof: proof.right.map(toHex),
    });
  }
  return E.right({ runId, checkpoint, events });
}

/** The run facts of a store opened here. */
export function localRunFacts(cairn: Cairn): RunFacts {
  return {
    resolveVersion: async (ref, asOf) => asFacts(await cairn.resolveVersion(ref, asOf)),
    memberIds: async (ref, asOf) => asFacts(await cairn.memberIds(ref, asOf)),
    storeArtifact: (kind, bytes) => storeRunArtifact(cairn, kind, bytes),
    attributionEstimator: async (runId) => asFacts(await cairn.attributionEstimator(runId)),
    attribute: async (runId, queriesNpy, topK) => {
      const rows = queryRowsOf(queriesNpy);
      if (E.isLeft(rows)) return rows;
      const estimator = await cairn.attributionEstimator(runId);
      if (E.isLeft(estimator)) return asFacts(estimator);
      const queries = await cairn.attribute(runId, rows.right, topK);
      return E.isLeft(queries) ? asFacts(queries) : E.right({ ...estimator.right, queries: queries.right });
    },
    attributionScores: async (runId, queriesNpy) => {
      const rows = queryRowsOf(queriesNpy);
      if (E.isLeft(rows)) return rows;
      return asFacts(await cairn.attributionScores(runId, rows.right));
    },
    passport: async (runId) => asFacts(await cairn.passport(runId)),
    statementChecks: async (kind, envelope) => E.right(await statementStoreChecks(cairn, kind, envelope)),
    attestFacts: async (ref, asOf) => asFacts(await cairn.attestFacts(ref, asOf)),
    recordKeeping: (runId) => runRecordKeeping(cairn, runId),
    contamination: async (trainRef, evalRef, threshold) => asFacts(await cairn.contamination(trainRef, evalRef, { threshold })),
    keyRefusal: async (contributorId, publicKey) => asFacts(await currentKeyRefusal(cairn.ledger.contributors, contributorId, publicKey)),
  };
}
