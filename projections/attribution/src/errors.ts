// Expected failures of the attribution projection and its queries, as values with a stable `_tag`
// (the CLI maps them to exit codes). Inside apply() they become thrown Errors carrying the same
// message, so the runner stops with ProjectionFailed naming the run and the artifact.
import type { NpyError } from '@cairn/kernel';
import type { CfFactsUnavailable } from './cf-facts.js';

export type ArtifactError =
  | { readonly _tag: 'ArtifactMissing'; readonly contentHash: string; readonly message: string }
  | { readonly _tag: 'ArtifactCorrupt'; readonly contentHash: string; readonly actualHash: string; readonly message: string };

export type GradientArtifactError =
  | ArtifactError
  | { readonly _tag: 'ArtifactUnreadable'; readonly contentHash: string; readonly npy: NpyError; readonly message: string }
  | {
      readonly _tag: 'ArtifactShapeMismatch';
      readonly contentHash: string;
      readonly field: 'rows' | 'dims';
      readonly recorded: number;
      readonly actual: number;
      readonly message: string;
    };

export type AttributionQueryError =
  | { readonly _tag: 'RunNotFound'; readonly runId: string; readonly message: string }
  | { readonly _tag: 'RunNotScored'; readonly runId: string; readonly reason: string; readonly message: string }
  | {
      readonly _tag: 'VersionMismatch';
      readonly runId: string;
      readonly expected: string;
      readonly actual: string;
      readonly message: string;
    }
  | {
      readonly _tag: 'QueryShapeMismatch';
      readonly runId: string;
      readonly expectedDims: number;
      readonly actualDims: number;
      readonly message: string;
    }
  | { readonly _tag: 'InvalidTopK'; readonly topK: number; readonly message: string }
  | { readonly _tag: 'ModelUnfit'; readonly runId: string; readonly reason: string; readonly message: string }
  /** The log could not be read for the top CFs' facts. */
  | CfFactsUnavailable
  | ({ readonly runId: string } & GradientArtifactError);
