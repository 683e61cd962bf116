// The edge lists of the assembly index (labels and validations of each CF), shared by the index and
// the erasure marks without either importing the other.
/** Adjacency in compressed-sparse-row form: the sources pointing at CF t are idx[start[t]..start[t+1]). */
export interface Adjacency {
  readonly start: Int32Array;
  readonly idx: Int32Array;
}
