import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { assembleVersion, type AssembledVersion } from './assemble.js';
import { explain } from './explain.js';
import { idOf } from './fact-builders.js';
import type { AssemblyFacts, AssetFact, CfFact, DeprecationFact } from './facts.js';
import { indexFacts } from './index-facts.js';
import { LiveIndex } from './live-index.js';
import { DEFAULT_RULES, type AssemblyRules } from './rules.js';

// A random log over a few authors, contents and licenses, where every reference (amends,
// supersedes, targets, deprecations, asset members) names any op of the log: an earlier CF, a later
// one (a forward reference) or something that is never a CF. `cut` marks a prefix to compare at.
type Op =
  | {
      readonly t: 'sample';
      readonly author: number;
      readonly license: string | null;
      readonly source: string;
      readonly content: number;
      readonly replaces: Ref;
    }
  | {
      readonly t: 'label';
      readonly author: number;
      readonly targets: readonly number[];
      readonly labelType: string;
      readonly replaces: Ref;
    }
  | {
      readonly t: 'validation';
      readonly author: number;
      readonly targets: readonly number[];
      readonly verdict: number;
      readonly replaces: Ref;
    }
  | { readonly t: 'deprecate'; readonly target: number }
  | { readonly t: 'asset'; readonly members: readonly number[] }
  | { readonly t: 'cut' };
type Ref = { readonly how: 'amends' | 'supersedes'; readonly to: number } | null;

const MAX_OPS = 40;
const ref = fc.option(fc.record({ how: fc.constantFrom<'amends' | 'supersedes'>('amends', 'supersedes'), to: fc.nat(MAX_OPS) }), {
  freq: 3,
});
const author = fc.nat(3);
const targets = fc.array(fc.nat(MAX_OPS), { minLength: 1, maxLength: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('sample' as const),
      author,
      license: fc.constantFrom('MIT', 'GPL-3.0-only', 'MIT OR GPL-3.0-only', null),
      source: fc.constantFrom('web', 'forum'),
      content: fc.nat(4),
      replaces: ref,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('label' as const),
      author,
      targets,
      labelType: fc.constantFrom('class', 'toxicity'),
      replaces: ref,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('validation' as const),
      author,
      targets,
      verdict: fc.constantFrom(0, 1, 0.25, 0.5, 0.75),
      replaces: ref,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deprecate' as const), target: fc.nat(MAX_OPS) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('asset' as const), members: fc.array(fc.nat(MAX_OPS), { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'cut' as const }) },
);

const cfName = (k: number) => `cf-${k}`;

/** The facts of each op, as the projection's tables would hold them, with their positions. */
function factsOf(ops: readonly Op[]): { cfs: CfFact[]; deprecations: DeprecationFact[]; assets: AssetFact[] } {
  const out = { cfs: [] as CfFact[], deprecations: [] as DeprecationFact[], assets: [] as AssetFact[] };
  ops.forEach((o, k) => {
    const position = BigInt(k + 1);
    const cf = (fields: Partial<CfFact> & Pick<CfFact, 'kind' | 'author'>, replaces: Ref): void => {
      out.cfs.push({
        cfId: idOf(cfName(k)),
        kind: fields.kind,
        author: fields.author,
        position,
        source: fields.source ?? null,
        license: fields.license ?? null,
        commitment: fields.commitment ?? null,
        targets: fields.targets ?? [],
        amends: replaces?.how === 'amends' ? idOf(cfName(replaces.to)) : null,
        supersedes: replaces?.how === 'supersedes' ? idOf(cfName(replaces.to)) : null,
        labelType: fields.labelType ?? null,
        verdict: fields.verdict ?? null,
      });
    };
    const who = (a: number) => idOf(`author-${a}`);
    const ids = (ks: readonly number[]) => ks.map((t) => idOf(cfName(t)));
    switch (o.t) {
      case 'sample':
        return cf(
          { kind: 'sample', author: who(o.author), license: o.license, source: o.source, commitment: idOf(`content-${o.content}`) },
          o.replaces,
        );
      case 'label':
        return cf({ kind: 'label', author: who(o.author), targets: ids(o.targets), labelType: o.labelType }, o.replaces);
      case 'validation':
        return cf({ kind: 'validation', author: who(o.author), targets: ids(o.targets), verdict: o.verdict }, o.replaces);
      case 'deprecate':
        out.deprecations.push({ cfId: idOf(cfName(o.target)), eventId: idOf(`deprecation-${k}`), position, reason: 'takedown' });
        return;
      case 'asset':
        out.assets.push({ assetId: idOf(`asset-${k}`), eventId: idOf(`asset-${k}`), position, members: ids(o.members) });
        return;
      case 'cut':
        return;
    }
  });
  return out;
}

const upTo = (facts: AssemblyFacts, position: bigint): AssemblyFacts => ({
  cfs: facts.cfs.filter((x) => x.position <= position),
  deprecations: facts.deprecations.filter((x) => x.position <= position),
  assets: facts.assets.filter((x) => x.position <= position),
});

function rulesFor(facts: AssemblyFacts): AssemblyRules[] {
  return [
    DEFAULT_RULES,
    {
      ...DEFAULT_RULES,
      kinds: ['sample', 'label'],
      minApprovals: 1,
      minAgreement: 0.5,
      approvalsOn: 'either',
      allowedLicenses: ['MIT'],
      requiredLabelTypes: ['class'],
    },
    { ...DEFAULT_RULES, assets: facts.assets.filter((_, k) => k % 2 === 0).map((a) => a.assetId), sources: ['web'], approveScore: 0.7 },
    { ...DEFAULT_RULES, excludeDeprecated: false, dedupBy: 'none', approvalsOn: 'labels', minApprovals: 1, minAgreement: 0.6 },
  ];
}

/** Everything a version says: id, root, members with leaf hashes, and every CF's decision with its evidence. */
function answers(version: AssembledVersion, ids: readonly string[]) {
  return {
    versionId: version.versionId,
    merkleRoot: version.merkleRoot,
    members: version.members,
    leafHashes: Buffer.from(version.memberLeafHashes).toString('hex'),
    decisions: ids.map((id) => explain(version, id)),
  };
}

/** Feeds the ops' facts to a live index in log order; at each cut (and the end) compares with indexFacts. */
function expectSameAsReference(ops: readonly Op[]): void {
  const facts = factsOf(ops);
  const live = new LiveIndex();
  const rules = rulesFor(facts);
  const manifest = idOf('manifest');
  const compare = (position: bigint) => {
    const prefix = upTo(facts, position);
    const reference = indexFacts(prefix);
    // ids the rules never saw too: explain must say null for both
    const ids = [...prefix.cfs.map((c) => c.cfId), idOf(cfName(MAX_OPS + 1))];
    for (const r of rules) {
      expect(answers(assembleVersion(live.snapshot(), r, manifest), ids)).toEqual(answers(assembleVersion(reference, r, manifest), ids));
    }
  };
  let [c, d, a] = [0, 0, 0];
  ops.forEach((o, k) => {
    const position = BigInt(k + 1);
    if (facts.cfs[c]?.position === position) live.addCf(facts.cfs[c++]!);
    if (facts.deprecations[d]?.position === position) live.addDeprecation(facts.deprecations[d++]!);
    if (facts.assets[a]?.position === position) live.addAsset(facts.assets[a++]!);
    if (o.t === 'cut') compare(position);
  });
  compare(BigInt(ops.length));
}

describe('live assembly index', () => {
  it('given any log of samples, labels, validations, amendments, supersessions, deprecations and assets, then at every cut it assembles exactly what indexFacts does', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: MAX_OPS }), (ops) => expectSameAsReference(ops)),
      { numRuns: 300 },
    );
  });

  it('given references to CFs that arrive later, then they count once the CF is there, as indexFacts resolves them over the whole prefix', () => {
    expectSameAsReference([
      { t: 'label', author: 1, targets: [3], labelType: 'class', replaces: null },
      { t: 'validation', author: 2, targets: [3, 3], verdict: 1, replaces: null },
      { t: 'deprecate', target: 5 },
      { t: 'sample', author: 0, license: 'MIT', source: 'web', content: 0, replaces: null },
      { t: 'asset', members: [5, 5, 3] },
      { t: 'sample', author: 0, license: 'MIT', source: 'web', content: 1, replaces: null },
      { t: 'cut' },
      { t: 'sample', author: 0, license: 'MIT', source: 'web', content: 0, replaces: { how: 'amends', to: 3 } },
    ]);
  });

  it('given thousands of candidates, then the sorted order merged in steps and the leaf hashes made in chunks equal a from-scratch build', () => {
    const ops: Op[] = [];
    for (let k = 0; k < 12_000; k++) {
      ops.push({ t: 'sample', author: k % 4, license: 'MIT', source: 'web', content: k % 3000, replaces: null });
      if (k % 5000 === 4999) ops.push({ t: 'cut' });
    }
    const facts = factsOf(ops);
    const live = LiveIndex.of(upTo(facts, 7000n));
    for (const cf of facts.cfs) if (cf.position > 7000n) live.addCf(cf);
    const reference = assembleVersion(indexFacts(facts), DEFAULT_RULES, idOf('m'));
    const version = assembleVersion(live.snapshot(), DEFAULT_RULES, idOf('m'));
    expect(version.members).toEqual(reference.members);
    expect(version.versionId).toBe(reference.versionId);
  });

  it('given a CF added twice, then the first statement stands, as in the projection tables', () => {
    const live = new LiveIndex();
    const first: CfFact = {
      cfId: idOf('s'),
      kind: 'sample',
      author: 'a',
      position: 1n,
      source: 'web',
      license: 'MIT',
      commitment: 'c',
      targets: [],
      amends: null,
      supersedes: null,
      labelType: null,
      verdict: null,
    };
    live.addCf(first);
    live.addCf({ ...first, position: 2n, license: 'GPL-3.0-only' });
    expect(live.size).toBe(1);
    expect(live.snapshot().cfs.license(0)).toBe('MIT');
  });
});
