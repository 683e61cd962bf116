// Read access to an index's CFs by log-order number. The rules and the answers read a few fields
// of a CF; behind this, indexFacts keeps the CfFact objects it was given, while the live index
// keeps columns (a CfFact object, its position BigInt and targets array cost ~200 bytes a CF,
// which a process holding a million-CF index for its lifetime does not want to pay).
import type { CfFact } from './facts.js';

export interface CfTable {
  readonly count: number;
  id(c: number): string;
  author(c: number): string;
  position(c: number): bigint;
  source(c: number): string | null;
  license(c: number): string | null;
  commitment(c: number): string | null;
  labelType(c: number): string | null;
  amends(c: number): string | null;
  verdict(c: number): number | null;
}

class FactsTable implements CfTable {
  constructor(private readonly cfs: readonly CfFact[]) {}
  get count(): number {
    return this.cfs.length;
  }
  id(c: number): string {
    return this.cfs[c]!.cfId;
  }
  author(c: number): string {
    return this.cfs[c]!.author;
  }
  position(c: number): bigint {
    return this.cfs[c]!.position;
  }
  source(c: number): string | null {
    return this.cfs[c]!.source;
  }
  license(c: number): string | null {
    return this.cfs[c]!.license;
  }
  commitment(c: number): string | null {
    return this.cfs[c]!.commitment;
  }
  labelType(c: number): string | null {
    return this.cfs[c]!.labelType;
  }
  amends(c: number): string | null {
    return this.cfs[c]!.amends;
  }
  verdict(c: number): number | null {
    return this.cfs[c]!.verdict;
  }
}

export function cfTableOf(cfs: readonly CfFact[]): CfTable {
  return new FactsTable(cfs);
}
