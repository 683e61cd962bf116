// The manifest's amendments.carryLabelsAndValidations, on (the default) and off: a sample amended
// without new content keeps the labels and validations of what it amends; one with new bytes,
// or one that supersedes, starts unreviewed. The live index must decide the same as indexFacts.
import { describe, expect, it } from '@jest/globals';
import { assembleVersion } from './assemble.js';
import { explain } from './explain.js';
import { FactLog, idOf } from './fact-builders.js';
import { indexFacts } from './index-facts.js';
import { LiveIndex } from './live-index.js';
import { DEFAULT_RULES, type AssemblyRules } from './rules.js';

const MANIFEST = idOf('manifest');
const CARRY: AssemblyRules = { ...DEFAULT_RULES, minApprovals: 1, minAgreement: 0.5 };
const NO_CARRY: AssemblyRules = { ...CARRY, carryLabelsAndValidations: false };

const build = (log: FactLog, rules: AssemblyRules) => assembleVersion(indexFacts(log.facts()), rules, MANIFEST);
const decisionOf = (log: FactLog, name: string, rules: AssemblyRules) => {
  const d = explain(build(log, rules), idOf(name));
  if (d === null) throw new Error(`${name} not in the log`);
  return d;
};

/** alice's sample s1, approved by bob and labelled "class" by carol, then amended by `by` (same bytes unless `newContent`). */
function approvedThenAmended(options: { by?: string; newContent?: boolean; supersede?: boolean } = {}) {
  const log = new FactLog();
  const original = log.sample('s1', 'alice', { license: 'MIT', commitment: idOf('bytes-1') });
  const approval = log.validate('v1', 'bob', ['s1'], 'approve');
  const label = log.label('l1', 'carol', ['s1'], 'class');
  const link = options.supersede ? { supersedes: 's1' } : { amends: 's1' };
  const amendment = log.sample('s1b', options.by ?? 'alice', {
    license: 'Apache-2.0',
    commitment: idOf(options.newContent ? 'bytes-2' : 'bytes-1'),
    ...link,
  });
  return { log, original, approval, label, amendment };
}

describe('amendments.carryLabelsAndValidations', () => {
  it('given an approved, labelled sample amended without new content, when carrying (the default), then the amendment is a member on the original approval and label', () => {
    const { log, original, approval, label, amendment } = approvedThenAmended();
    const rules = { ...CARRY, requiredLabelTypes: ['class'] };
    expect(build(log, rules).members).toEqual([amendment.cfId]);
    const d = decisionOf(log, 's1b', rules);
    expect(d.included).toBe(true);
    expect(d.evidence.approvals).toEqual([{ validator: idOf('bob'), eventId: approval.cfId, position: approval.position }]);
    expect(d.evidence.labels).toEqual([{ eventId: label.cfId, position: label.position }]);
    expect(d.evidence.carriedFrom).toEqual([{ eventId: original.cfId, position: original.position }]);
    expect(d.reason).toBe(
      `included: approvals 1 >= 1, agreement 1.00 >= 0.50, label types [class] cover [class]; labels and validations carried from ${original.cfId} (amended without new content)`,
    );
  });

  it('given the same amendment, when the manifest turns carrying off, then it is excluded as unapproved and the reason names what was not carried', () => {
    const { log, original } = approvedThenAmended();
    expect(build(log, NO_CARRY).members).toEqual([]);
    const d = decisionOf(log, 's1b', NO_CARRY);
    expect(d).toMatchObject({ included: false, rule: 'minApprovals' });
    expect(d.reason).toBe(
      `approvals 0 < 1; 1 validation and 1 label of ${original.cfId} not carried (the manifest does not carry them: amendments.carryLabelsAndValidations is false)`,
    );
    expect(d.evidence.carriedFrom).toEqual([]);
    expect(d.evidence.notCarried).toMatchObject({ eventId: original.cfId, why: 'manifest', validations: 1, labels: 1 });
  });

  it('given a sample amended with new bytes, when carrying, then it starts unreviewed: excluded, its reason naming the amended sample and what was left behind', () => {
    const { log, original } = approvedThenAmended({ newContent: true });
    expect(build(log, CARRY).members).toEqual([]);
    const d = decisionOf(log, 's1b', CARRY);
    expect(d.reason).toBe(`approvals 0 < 1; 1 validation and 1 label of ${original.cfId} not carried (amended with new content)`);
    expect(d.evidence.notCarried).toMatchObject({ why: 'new-content' });
    const labelled = decisionOf(log, 's1b', { ...CARRY, minApprovals: 0, requiredLabelTypes: ['class'] });
    expect(labelled.reason).toBe(
      `missing label types [class] (has []); 1 validation and 1 label of ${original.cfId} not carried (amended with new content)`,
    );
  });

  it('given a sample superseded by one with the same bytes, then supersession carries nothing', () => {
    const { log } = approvedThenAmended({ supersede: true });
    const d = decisionOf(log, 's1b', CARRY);
    expect(d.rule).toBe('minApprovals');
    expect(d.evidence.notCarried).toMatchObject({ why: 'supersedes' });
  });

  it('given a chain of two metadata-only amendments, then the reviews of every link count, and a later approval by the same validator replaces the earlier vote', () => {
    const { log } = approvedThenAmended();
    log.sample('s1c', 'alice', { commitment: idOf('bytes-1'), amends: 's1b' });
    log.validate('v2', 'dave', ['s1b'], 'approve');
    expect(decisionOf(log, 's1c', { ...CARRY, minApprovals: 2 }).evidence.approvals.map((a) => a.validator)).toEqual([
      idOf('dave'),
      idOf('bob'),
    ]);
    log.validate('v3', 'bob', ['s1c'], 'reject');
    const d = decisionOf(log, 's1c', { ...CARRY, minApprovals: 1, minAgreement: 0.6 });
    expect(d).toMatchObject({ rule: 'minAgreement', reason: 'agreement 0.50 < 0.60 (1 approve, 1 reject)' });
  });

  it('given a chain whose middle link brought new bytes, then the chain stops there', () => {
    const { log, amendment } = approvedThenAmended({ newContent: true });
    log.validate('v2', 'dave', ['s1b'], 'approve');
    log.sample('s1c', 'alice', { commitment: idOf('bytes-2'), amends: 's1b' });
    const d = decisionOf(log, 's1c', { ...CARRY, minApprovals: 2 });
    expect(d.evidence.approvals.map((a) => a.validator)).toEqual([idOf('dave')]);
    expect(d.evidence.carriedFrom.map((r) => r.eventId)).toEqual([amendment.cfId]);
    expect(d.evidence.notCarried).toMatchObject({ eventId: idOf('s1'), why: 'new-content' });
  });

  it("given a curator's amendment of alice's sample, then alice's own approval of the original still does not count", () => {
    const log = new FactLog();
    log.sample('s1', 'alice', { commitment: idOf('bytes-1') });
    log.validate('v1', 'alice', ['s1'], 'approve');
    log.sample('s1b', 'curator', { commitment: idOf('bytes-1'), amends: 's1' });
    const d = decisionOf(log, 's1b', CARRY);
    expect(d).toMatchObject({ rule: 'minApprovals', reason: 'approvals 0 < 1' });
  });

  it('given approvals counted on labels, then the labels of the amended sample and their validations count too', () => {
    const { log } = approvedThenAmended();
    log.validate('v2', 'dave', ['l1'], 'approve');
    const rules = { ...CARRY, approvalsOn: 'labels' as const };
    expect(decisionOf(log, 's1b', rules).evidence.approvals.map((a) => a.validator)).toEqual([idOf('dave')]);
    expect(decisionOf(log, 's1b', { ...rules, carryLabelsAndValidations: false }).rule).toBe('minApprovals');
  });

  it('given the live index, then it decides the same as indexFacts, carrying on and off, and the same prefix gives the same version id', () => {
    const { log } = approvedThenAmended();
    log.sample('s2', 'alice', { commitment: idOf('bytes-3') });
    log.validate('v2', 'bob', ['s2'], 'approve');
    log.sample('s2b', 'alice', { commitment: idOf('bytes-4'), amends: 's2' });
    for (const rules of [CARRY, NO_CARRY]) {
      const reference = build(log, rules);
      const live = assembleVersion(LiveIndex.of(log.facts()).snapshot(), rules, MANIFEST);
      expect(live.members).toEqual(reference.members);
      expect(live.versionId).toBe(reference.versionId);
      expect(build(log, rules).versionId).toBe(reference.versionId);
    }
    expect(build(log, CARRY).members).toEqual([idOf('s1b')]);
    expect(build(log, NO_CARRY).members).toEqual([]);
  });
});
