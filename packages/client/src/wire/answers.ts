// The answers as the server sends them (the CLI's --json documents), as io-ts codecs that
// decode the JSON back into the client's own typed values: positions from decimal strings to
// bigint. The server describes its answers with these; a remote Cairn decodes with them. Each
// codec is checked against the client's type at compile time (Exactly below), so a field added
// to an answer and not here fails the build instead of arriving as `any`.
import * as t from 'io-ts';
import { LIMIT_NAMES, PositionText, type SizeLimits } from '@cairn/sdk';
import type { StatusDocument } from '../status-document.js';
import type { DatasetVersions, DiffAnswer } from '../cairn.js';
import type { Impact } from '@cairn/datasets';

/** The head of the log and how far the projections have read it. */
export const StatusAnswer = t.type(
  { head: t.union([PositionText, t.null]), caughtUpTo: t.union([PositionText, t.null]), store: t.string },
  'Status',
);
export type StatusAnswer = t.TypeOf<typeof StatusAnswer>;

const nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null]);

export const ResolvedVersionAnswer = t.type(
  { dataset: t.string, versionId: t.string, ordinal: t.number, manifestId: t.string, position: PositionText },
  'ResolvedVersion',
);

export const DatasetVersionsAnswer = t.type(
  {
    dataset: t.string,
    current: nullable(t.string),
    versions: t.array(
      t.intersection([
        ResolvedVersionAnswer,
        t.type({
          merkleRoot: t.string,
          memberCount: t.number,
          builds: t.array(t.type({ position: PositionText, cause: t.string, causeEventId: t.string })),
        }),
      ]),
    ),
  },
  'DatasetVersions',
);

const EventRefAnswer = t.type({ eventId: t.string, position: PositionText }, 'EventRef');
const withRef = <P extends t.Props>(props: P, name: string) => t.intersection([EventRefAnswer, t.type(props)], name);

const DatasetVersionAnswer = t.type(
  { versionId: t.string, dataset: t.string, manifestId: t.string, merkleRoot: t.string, memberCount: t.number, position: PositionText },
  'DatasetVersion',
);

const DiffCauseAnswer = t.type({ kind: t.string, event: nullable(EventRefAnswer), reason: t.string }, 'DiffCause');

export const DiffAnswerCodec = t.type(
  {
    a: DatasetVersionAnswer,
    b: DatasetVersionAnswer,
    counts: t.type({ added: t.number, removed: t.number, changed: t.number, unchanged: t.number }),
    added: t.array(t.type({ cfId: t.string, cause: DiffCauseAnswer })),
    removed: t.array(t.type({ cfId: t.string, cause: DiffCauseAnswer })),
    changed: t.array(t.type({ from: t.string, to: t.string, cause: DiffCauseAnswer })),
    assets: t.array(t.type({ assetId: t.string, name: t.string, added: t.number, removed: t.number })),
    truncated: t.boolean,
    from: ResolvedVersionAnswer,
    to: ResolvedVersionAnswer,
  },
  'DiffAnswer',
);

const ErasureAnswer = withRef({ cfId: t.string, reason: t.string, author: t.string }, 'Erasure');
const Relation = t.keyof({ labels: null, validates: null, amends: null, supersedes: null }, 'labels | validates | amends | supersedes');

export const ImpactAnswer = t.type(
  {
    cfId: t.string,
    dependents: t.array(withRef({ kind: t.string, relation: Relation }, 'Dependent')),
    assets: t.array(withRef({ assetId: t.string, name: t.string }, 'ImpactAsset')),
    versions: t.array(withRef({ versionId: t.string, dataset: t.string, current: t.boolean }, 'ImpactVersion')),
    runs: t.array(withRef({ runId: t.string, versionId: t.string, modelHash: t.string }, 'ImpactRun')),
    models: t.array(t.string),
    erased: nullable(ErasureAnswer),
  },
  'Impact',
);

/** The size limits a store admits events under: every limit the SDK names, in bytes. */
const SizeLimitsAnswer = new t.Type<SizeLimits, SizeLimits, unknown>(
  'SizeLimits',
  (u): u is SizeLimits => typeof u === 'object' && u !== null && LIMIT_NAMES.every((n) => typeof (u as Record<string, unknown>)[n] === 'number'),
  (u, c) =>
    typeof u === 'object' && u !== null && LIMIT_NAMES.every((n) => typeof (u as Record<string, unknown>)[n] === 'number')
      ? t.success(u as SizeLimits)
      : t.failure(u, c),
  t.identity,
);

/** The document `cairn status --json` prints and GET /v1/status/counts sends. */
export const StatusDocumentAnswer = t.type(
  {
    store: t.string,
    head: nullable(t.string),
    events: t.number,
    contributors: t.number,
    cfs: t.type({ sample: t.number, label: t.number, validation: t.number }),
    datasets: t.number,
    datasetVersions: t.number,
    checkpoints: t.number,
    limits: SizeLimitsAnswer,
    projections: t.array(
      t.type({ name: t.string, checkpoint: nullable(t.string), caughtUp: t.boolean, failedEvents: t.number, firstFailure: nullable(t.string) }),
    ),
  },
  'StatusDocument',
);

// Compile-time: every decoded answer is a value of the client's type.
type Decodes<C extends t.Mixed, A> = (decoded: t.TypeOf<C>) => A;
export const answerTypesAgree: readonly [
  Decodes<typeof DatasetVersionsAnswer, DatasetVersions>,
  Decodes<typeof DiffAnswerCodec, DiffAnswer>,
  Decodes<typeof ImpactAnswer, Impact>,
  Decodes<typeof StatusDocumentAnswer, StatusDocument>,
] = [(d) => d, (d) => d, (d) => d, (d) => d];
