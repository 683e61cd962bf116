// The facts of the log that dataset assembly needs, in log order. The datasets projection
// loads them from its tables (as of a position); tests and the benchmark build them directly.
export type CfKind = 'sample' | 'label' | 'validation';

export interface CfFact {
  /** The CF id (= its event id). */
  readonly cfId: string;
  readonly kind: CfKind;
  /** Contributor id of the signer. */
  readonly author: string;
  readonly position: bigint;
  readonly source: string | null;
  /** SPDX license expression (samples). */
  readonly license: string | null;
  /** Content commitment (the sample's content hash), the dedup key. */
  readonly commitment: string | null;
  /** CFs a label or validation is about. */
  readonly targets: readonly string[];
  readonly amends: string | null;
  readonly supersedes: string | null;
  /** Labels only: the label type ("class", "toxicity"), for the manifest's label requirements. */
  readonly labelType: string | null;
  /** Validations only: approve = 1, reject = 0, a score in [0, 1] as given; null otherwise. */
  readonly verdict: number | null;
}

export interface DeprecationFact {
  readonly cfId: string;
  readonly eventId: string;
  readonly position: bigint;
  readonly reason: string;
}

/** A sample whose bytes were erased (SampleErased): it, and what depends on it, leaves assembly. */
export interface ErasureFact {
  readonly cfId: string;
  readonly eventId: string;
  readonly position: bigint;
}

export interface AssetFact {
  readonly assetId: string;
  readonly eventId: string;
  readonly position: bigint;
  readonly members: readonly string[];
}

export interface AssemblyFacts {
  /** In log order (strictly increasing position). */
  readonly cfs: readonly CfFact[];
  readonly deprecations: readonly DeprecationFact[];
  readonly assets: readonly AssetFact[];
  /** In log order; absent = none. */
  readonly erasures?: readonly ErasureFact[];
}
