// The benchmark contract: every figure is one row, and a row that has a baseline measured in
// the same run carries the ratio value/baseline (higher is better unless the unit says "s"/"ms").
export interface BenchResult {
  readonly group: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number;
  readonly ratio?: number;
}

export interface BenchContext {
  /** Postgres server for the Postgres figures (CAIRN_BENCH_PG_URL); absent means skip them. */
  readonly pgUrl: string | undefined;
  /** --quick: a CI-sized run, for the groups that have one (pipeline: 100k CFs instead of 1M). */
  readonly quick?: boolean;
  /** Progress and notes go to stderr so `--json` output stays clean. */
  log(message: string): void;
}

export interface BenchGroup {
  readonly group: string;
  readonly description: string;
  run(context: BenchContext): Promise<readonly BenchResult[]>;
}

export function row(group: string, name: string, value: number, unit: string, baseline?: number): BenchResult {
  return baseline === undefined ? { group, name, value, unit } : { group, name, value, unit, baseline, ratio: value / baseline };
}
