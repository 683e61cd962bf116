// Expected failures of the attribution math, as values with a stable `_tag`.

/** The Cholesky pivot at `pivot` (0-based) was not positive: G + λI is not numerically SPD. */
export interface NotPositiveDefinite {
  readonly _tag: 'NotPositiveDefinite';
  readonly pivot: number;
  readonly reason: string;
}

export function notPositiveDefinite(pivot: number, ridge: number): NotPositiveDefinite {
  return {
    _tag: 'NotPositiveDefinite',
    pivot,
    reason: `pivot ${pivot} of G + ${ridge}·I is not positive (the matrix is not positive definite in f64; raise the ridge)`,
  };
}
