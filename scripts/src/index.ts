export type { BenchResult, BenchContext, BenchGroup } from './bench/types.js';
export { row } from './bench/types.js';
