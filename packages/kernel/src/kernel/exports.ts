// The raw exports of build/kernel-*.wasm (assembly/index.ts). Addresses are byte offsets into
// the shared memory; wasm32 takes them as i32, so addresses above 2 GiB pass through ToInt32 and
// are read back as unsigned by the module.

export interface KernelExports {
  gemm(
    transB: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    i0: number,
    i1: number,
    n: number,
    k: number,
    scratch: number,
  ): void;
  gemmScratchBytes(): number;
  gram(x: number, ldx: number, n: number, k: number, g: number, a0: number, a1: number, accumulate: number, scratch: number): void;
  gramMirror(g: number, k: number): void;
  gramScratchBytes(): number;
  cholesky(g: number, k: number, ridge: number): number;
  choleskySolveRows(l: number, k: number, q: number, out: number, q0: number, q1: number, work: number): void;
  sketchTable(seed: number, d: number, k: number, s: number, weight: number, table: number): void;
  sketchRows(x: number, d: number, y: number, k: number, s: number, table: number, r0: number, r1: number): void;
  topKRows(s: number, n: number, kk: number, outIdx: number, outScore: number, r0: number, r1: number): void;
  addColumnSums(s: number, m: number, n: number, acc: number, c0: number, c1: number): void;
  addColumnSumsF64(v: number, m: number, n: number, acc: number, c0: number, c1: number): void;
  distanceRows(train: number, n: number, test: number, d: number, out: number, t0: number, t1: number): void;
  knnShapleyRows(
    train: number,
    trainLabels: number,
    n: number,
    test: number,
    testLabels: number,
    d: number,
    K: number,
    out: number,
    t0: number,
    t1: number,
    work: number,
  ): void;
}

export type KernelFunction = {
  [F in keyof KernelExports]: KernelExports[F] extends (...args: number[]) => unknown ? F : never;
}[keyof KernelExports];

/** One call of a kernel export, as posted to a worker. */
export interface KernelTask {
  readonly fn: KernelFunction;
  readonly args: readonly number[];
}
