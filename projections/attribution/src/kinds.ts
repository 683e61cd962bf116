// Value types the attribution tables hold (see AttributionDatabase), in a module of their own so
// that tables.ts can name them without importing the modules that read the tables.

/** What a GradientsRecorded's train rows are, as it declared. */
export type GradientKind = 'output-gradients' | 'loss-gradients';

/** Rows left out of KNN-Shapley because their CF has no label of the run's type. */
export interface LabelExclusions {
  readonly labelType: string;
  readonly trainRows: number;
  readonly queryRows: number;
  /** The first NAMED_EXCLUSIONS (labels.ts) unlabelled CFs of each split, in row order. */
  readonly trainCfs: readonly string[];
  readonly queryCfs: readonly string[];
}
