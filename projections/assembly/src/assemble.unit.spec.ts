import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { merkleRootOfLeafHashes as coreMerkleRoot, toHex } from '@cairn/core';
import { assembleVersion, datasetVersionId } from './assemble.js';
import { explain } from './explain.js';
import { FactLog, idOf } from './fact-builders.js';
import { indexFacts } from './index-facts.js';
import { DEFAULT_RULES, type AssemblyRules } from './rules.js';

const MANIFEST = idOf('manifest');
const build = (log: FactLog, rules: Partial<AssemblyRules> = {}, position?: bigint) =>
  assembleVersion(indexFacts(log.facts(position)), { ...DEFAULT_RULES, ...rules }, MANIFEST);
const decisionOf = (log: FactLog, name: string, rules: Partial<AssemblyRules> = {}) => {
  const d = explain(build(log, rules), idOf(name));
  if (d === null) throw new Error(`${name} not in the log`);
  return d;
};

describe('assembly rules', () => {
  it('given a sample and a label, when the manifest takes samples only, then the label is excluded by kind', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.label('l1', 'bob', ['s1']);
    const d = decisionOf(log, 'l1');
    expect(d).toMatchObject({ included: false, rule: 'kind', reason: 'kind label is not a candidate kind [sample]' });
    expect(decisionOf(log, 's1').included).toBe(true);
  });

  it('given samples from two sources, when only one source is allowed, then the other is excluded by source', () => {
    const log = new FactLog();
    log.sample('s1', 'alice', { source: 'web' });
    log.sample('s2', 'alice', { source: 'forum' });
    expect(decisionOf(log, 's2', { sources: ['web'] })).toMatchObject({ rule: 'source', reason: 'source forum not in [web]' });
    expect(decisionOf(log, 's1', { sources: ['web'] }).included).toBe(true);
  });

  it('given one approval by a validator and one by the author, when two are required, then approvals 1 < 2', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    const v = log.validate('v1', 'bob', ['s1'], 'approve');
    log.validate('v2', 'alice', ['s1'], 'approve');
    const d = decisionOf(log, 's1', { minApprovals: 2 });
    expect(d).toMatchObject({ included: false, rule: 'minApprovals', reason: 'approvals 1 < 2' });
    expect(d.evidence.approvals).toEqual([{ validator: idOf('bob'), eventId: v.cfId, position: v.position }]);
  });

  it('given the same validator approving twice, when two approvals are required, then they count once', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.validate('v1', 'bob', ['s1'], 'approve');
    log.validate('v2', 'bob', ['s1'], 'approve');
    expect(decisionOf(log, 's1', { minApprovals: 2 }).reason).toBe('approvals 1 < 2');
  });

  it('given a validator who approved then rejected, then only the latest verdict counts', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.validate('v1', 'bob', ['s1'], 'approve');
    const later = log.validate('v2', 'bob', ['s1'], 'reject');
    const d = decisionOf(log, 's1', { minApprovals: 1 });
    expect(d.reason).toBe('approvals 0 < 1');
    expect(d.evidence.rejections.map((r) => r.eventId)).toEqual([later.cfId]);
  });

  it('given two approvals and two rejections, when agreement 0.66 is required, then agreement 0.50 < 0.66', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.validate('v1', 'bob', ['s1'], 'approve');
    log.validate('v2', 'carol', ['s1'], 'approve');
    log.validate('v3', 'dave', ['s1'], 'reject');
    log.validate('v4', 'erin', ['s1'], 0.2);
    const d = decisionOf(log, 's1', { minApprovals: 2, minAgreement: 0.66 });
    expect(d).toMatchObject({ rule: 'minAgreement', reason: 'agreement 0.50 < 0.66 (2 approve, 2 reject)' });
    expect(d.evidence.agreement).toBe(0.5);
  });

  it('given no verdicts, when an agreement is required, then the agreement rule passes (minApprovals covers unreviewed)', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    expect(decisionOf(log, 's1', { minAgreement: 0.5 })).toMatchObject({
      included: true,
      reason: 'included: approvals 0 >= 0, agreement n/a (no verdicts)',
    });
  });

  it('given approvals on the label, when approvals count on labels, then they count for the sample but not the label author', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.label('l1', 'bob', ['s1']);
    log.validate('v1', 'carol', ['l1'], 'approve');
    log.validate('v2', 'bob', ['l1'], 'approve');
    log.validate('v3', 'dave', ['s1'], 'approve');
    expect(decisionOf(log, 's1', { minApprovals: 1, approvalsOn: 'labels' }).evidence.approvals.map((a) => a.validator)).toEqual([
      idOf('carol'),
    ]);
    expect(decisionOf(log, 's1', { minApprovals: 2, approvalsOn: 'either' }).included).toBe(true);
    expect(decisionOf(log, 's1', { minApprovals: 2, approvalsOn: 'sample' }).reason).toBe('approvals 1 < 2');
  });

  it('given a sample labelled "class" only, when "class" and "toxicity" are required, then toxicity is missing', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.label('l1', 'bob', ['s1'], 'class');
    log.label('l2', 'carol', ['s1'], 'toxicity');
    log.deprecate('l2');
    expect(decisionOf(log, 's1', { requiredLabelTypes: ['class', 'toxicity'] })).toMatchObject({
      rule: 'labels',
      reason: 'missing label types [toxicity] (has [class])',
    });
    expect(decisionOf(log, 's1', { requiredLabelTypes: ['class'] }).included).toBe(true);
  });

  it('given a deprecated sample, when the manifest keeps deprecated CFs, then it is included', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.deprecate('s1');
    expect(decisionOf(log, 's1', { excludeDeprecated: false }).included).toBe(true);
  });

  it('given licenses MIT, GPL-3.0-only and "GPL-3.0-only OR MIT", when MIT and Apache-2.0 are allowed, then only GPL alone fails', () => {
    const log = new FactLog();
    log.sample('s1', 'alice', { license: 'MIT' });
    log.sample('s2', 'alice', { license: 'GPL-3.0-only' });
    log.sample('s3', 'alice', { license: 'GPL-3.0-only OR MIT' });
    log.sample('s4', 'alice', { license: null });
    const rules = { allowedLicenses: ['MIT', 'Apache-2.0'] };
    expect(decisionOf(log, 's1', rules).included).toBe(true);
    expect(decisionOf(log, 's2', rules)).toMatchObject({
      rule: 'license',
      reason: 'license GPL-3.0-only not satisfiable by [MIT, Apache-2.0]',
    });
    expect(decisionOf(log, 's3', rules).included).toBe(true);
    expect(decisionOf(log, 's4', rules).reason).toBe('no license; allowed [MIT, Apache-2.0]');
  });

  it('given two samples with the same commitment, then the earliest wins and the loser names the winner', () => {
    const log = new FactLog();
    const first = log.sample('s1', 'alice', { commitment: idOf('same bytes') });
    log.sample('s2', 'bob', { commitment: idOf('same bytes') });
    const d = decisionOf(log, 's2');
    expect(d).toMatchObject({
      rule: 'dedup',
      reason: `duplicate of ${first.cfId} (commitment ${idOf('same bytes')}, earlier at position 1)`,
    });
    expect(decisionOf(log, 's2', { dedupBy: 'none' }).included).toBe(true);
  });

  it('given the earliest duplicate fails a rule, then the next copy that passes wins', () => {
    const log = new FactLog();
    log.sample('s1', 'alice', { commitment: idOf('same'), license: 'GPL-3.0-only' });
    log.sample('s2', 'bob', { commitment: idOf('same') });
    const rules = { allowedLicenses: ['MIT'] };
    expect(decisionOf(log, 's1', rules).rule).toBe('license');
    expect(decisionOf(log, 's2', rules).included).toBe(true);
  });

  it('given a deprecated sample, then it is excluded with the deprecation event and reason', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    const dep = log.deprecate('s1', 'dispute');
    const d = decisionOf(log, 's1');
    expect(d).toMatchObject({ rule: 'deprecated', reason: `deprecated by ${dep.eventId} at position 2: dispute` });
  });

  it('given a sample amended with new content, then the amendment stands in its place and validations count for the CF they reference', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.validate('v1', 'bob', ['s1'], 'approve');
    const amendment = log.sample('s1b', 'alice', { amends: 's1' });
    const rules = { minApprovals: 1 };
    expect(decisionOf(log, 's1', rules).reason).toBe(`amended by ${amendment.cfId} at position 3`);
    expect(decisionOf(log, 's1b', rules).reason).toBe(
      `approvals 0 < 1; 1 validation and 0 labels of ${idOf('s1')} not carried (amended with new content)`,
    );
    log.validate('v2', 'carol', ['s1b'], 'approve');
    expect(build(log, rules).members).toEqual([amendment.cfId]);
  });

  it('given a deprecated validation, then it no longer counts', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.validate('v1', 'bob', ['s1'], 'approve');
    log.deprecate('v1');
    expect(decisionOf(log, 's1', { minApprovals: 1 }).reason).toBe('approvals 0 < 1');
  });

  it('given a manifest naming an asset, then only its members (or their amendments) are candidates', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.sample('s2', 'alice');
    const asset = log.asset('a1', ['s1']);
    log.sample('s1b', 'alice', { amends: 's1' });
    const rules = { assets: [asset.assetId] };
    expect(decisionOf(log, 's2', rules).rule).toBe('asset');
    expect(decisionOf(log, 's1b', rules).included).toBe(true);
  });

  it('checks rules in order: a deprecated, unlicensed, unapproved sample is excluded as deprecated', () => {
    const log = new FactLog();
    log.sample('s1', 'alice', { license: 'GPL-3.0-only' });
    log.deprecate('s1');
    expect(decisionOf(log, 's1', { allowedLicenses: ['MIT'], minApprovals: 3 }).rule).toBe('deprecated');
  });
});

describe('dataset version identity', () => {
  const rfc6962Root = (ids: string[]): string => {
    const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    const mth = (leaves: Buffer[]): Buffer => {
      if (leaves.length === 0) return h();
      if (leaves.length === 1) return h(Buffer.from([0]), leaves[0]!);
      let k = 1;
      while (k * 2 < leaves.length) k *= 2;
      return h(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
    };
    return mth(ids.map((id) => Buffer.from(id, 'hex'))).toString('hex');
  };

  it('given any member count, then the root is the RFC 6962 MTH of the sorted member ids', () => {
    for (const n of [0, 1, 2, 3, 5, 8, 13, 33]) {
      const log = new FactLog();
      for (let i = 0; i < n; i++) log.sample(`s${i}`, 'alice');
      const version = build(log);
      expect(version.members).toEqual(log.cfs.map((c) => c.cfId).sort());
      expect(version.merkleRoot).toBe(rfc6962Root([...version.members]));
      expect(version.merkleRoot).toBe(toHex(coreMerkleRoot(version.memberLeafHashes)));
    }
  });

  it('given the same log prefix and manifest twice, then the version id is the same, and derived from manifest and root', () => {
    const make = () => {
      const log = new FactLog();
      for (let i = 0; i < 50; i++) log.sample(`s${i}`, i % 2 ? 'alice' : 'bob', { license: i % 3 ? 'MIT' : 'GPL-3.0-only' });
      for (let i = 0; i < 50; i += 2) log.validate(`v${i}`, 'carol', [`s${i}`], 'approve');
      return build(log, { minApprovals: 1, allowedLicenses: ['MIT'] });
    };
    const a = make();
    const b = make();
    expect(a.versionId).toBe(b.versionId);
    expect(a.members).toEqual(b.members);
    expect(a.versionId).toBe(datasetVersionId(MANIFEST, a.merkleRoot));
    expect(a.members.length).toBeGreaterThan(0);
  });

  it('given a position cut, then the version is the assembly of that prefix only', () => {
    const log = new FactLog();
    log.sample('s1', 'alice');
    log.sample('s2', 'alice');
    expect(build(log, {}, 1n).members).toEqual([idOf('s1')]);
  });
});
