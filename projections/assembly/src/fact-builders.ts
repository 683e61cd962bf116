// Builders for assembly facts in tests and the benchmark: ids are derived from a name so a
// test reads "sample s1 by alice" while the facts carry real 64-char hex ids.
import { createHash } from 'node:crypto';
import type { AssemblyFacts, AssetFact, CfFact, DeprecationFact } from './facts.js';

export const idOf = (name: string): string => createHash('sha256').update(name).digest('hex');

export class FactLog {
  private position = 0n;
  readonly cfs: CfFact[] = [];
  readonly deprecations: DeprecationFact[] = [];
  readonly assets: AssetFact[] = [];

  private next(): bigint {
    this.position += 1n;
    return this.position;
  }

  private cf(name: string, fields: Partial<CfFact> & Pick<CfFact, 'kind' | 'author'>): CfFact {
    const fact: CfFact = {
      cfId: idOf(name),
      position: this.next(),
      source: null,
      license: null,
      commitment: null,
      targets: [],
      amends: null,
      supersedes: null,
      verdict: null,
      labelType: null,
      ...fields,
    };
    this.cfs.push(fact);
    return fact;
  }

  sample(
    name: string,
    author: string,
    fields: { license?: string | null; source?: string | null; commitment?: string | null; amends?: string; supersedes?: string } = {},
  ): CfFact {
    return this.cf(name, {
      kind: 'sample',
      author: idOf(author),
      license: fields.license === undefined ? 'MIT' : fields.license,
      source: fields.source === undefined ? 'web' : fields.source,
      commitment: fields.commitment === undefined ? idOf(`content:${name}`) : fields.commitment,
      amends: fields.amends ? idOf(fields.amends) : null,
      supersedes: fields.supersedes ? idOf(fields.supersedes) : null,
    });
  }

  label(name: string, author: string, targets: readonly string[], labelType = 'class', amends?: string): CfFact {
    return this.cf(name, {
      kind: 'label',
      author: idOf(author),
      labelType,
      targets: targets.map(idOf),
      amends: amends ? idOf(amends) : null,
    });
  }

  validate(name: string, validator: string, targets: readonly string[], verdict: 'approve' | 'reject' | number): CfFact {
    const v = verdict === 'approve' ? 1 : verdict === 'reject' ? 0 : verdict;
    return this.cf(name, { kind: 'validation', author: idOf(validator), targets: targets.map(idOf), verdict: v });
  }

  deprecate(target: string, reason = 'takedown'): DeprecationFact {
    const position = this.next();
    const d = { cfId: idOf(target), eventId: idOf(`deprecation:${target}:${position}`), position, reason };
    this.deprecations.push(d);
    return d;
  }

  asset(name: string, members: readonly string[]): AssetFact {
    const a = { assetId: idOf(name), eventId: idOf(`asset-event:${name}`), position: this.next(), members: members.map(idOf) };
    this.assets.push(a);
    return a;
  }

  /** The facts up to and including `position` (all when absent). */
  facts(position?: bigint): AssemblyFacts {
    const upTo = <T extends { position: bigint }>(xs: readonly T[]): T[] =>
      position === undefined ? [...xs] : xs.filter((x) => x.position <= position);
    return { cfs: upTo(this.cfs), deprecations: upTo(this.deprecations), assets: upTo(this.assets) };
  }
}
