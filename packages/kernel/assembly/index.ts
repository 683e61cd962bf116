// The kernel's raw exports. Everything works on caller-managed linear memory (pointers and
// lengths): no allocator, no managed objects and no data segments, so several instances can
// share one imported memory across threads.
export { gemm, gemmScratchBytes } from './gemm';
export { gram, gramMirror, gramScratchBytes } from './gram';
export { cholesky, choleskySolveRows } from './cholesky';
export { sketchTable, sketchRows } from './sketch';
export { topKRows, addColumnSums, addColumnSumsF64 } from './topk';
export { distanceRows, knnShapleyRows } from './knn';
