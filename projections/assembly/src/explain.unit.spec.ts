// plainDecisionKey lets a cut explain one included CF per key instead of each: so every included
// CF with a key must have the decision explainIndex gives every other CF with that key, but for
// the CF's own facts (its id and position, author and source).
import { describe, expect, it } from '@jest/globals';
import { assembleVersion } from './assemble.js';
import { explainIndex, plainDecisionKey, type Decision } from './explain.js';
import { FactLog, idOf } from './fact-builders.js';
import { indexFacts } from './index-facts.js';
import { DEFAULT_RULES, type AssemblyRules } from './rules.js';

/** Samples of every kind of involvement, and many with none, under several licenses, sources and authors. */
function mixedLog(): FactLog {
  const log = new FactLog();
  const licenses = ['MIT', 'Apache-2.0', 'MIT OR GPL-3.0', 'GPL-3.0', null];
  for (let i = 0; i < 40; i++)
    log.sample(`s${i}`, ['alice', 'bob', 'carol'][i % 3]!, { license: licenses[i % licenses.length]!, source: i % 2 ? 'web' : 'books' });
  log.label('l1', 'dave', ['s1']);
  log.validate('v1', 'erin', ['s2'], 'approve');
  log.validate('v2', 'erin', ['l1'], 'approve');
  log.asset('a1', ['s3', 's4']);
  log.sample('s5b', 'alice', { amends: 's5', commitment: `content:s5` });
  log.sample('s6b', 'alice', { amends: 's6' });
  log.sample('s7b', 'bob', { supersedes: 's7' });
  log.deprecate('s8');
  log.sample('dup', 'carol', { commitment: idOf('content:s9') });
  log.sample('label-target', 'alice');
  log.label('l2', 'dave', ['label-target'], 'box');
  return log;
}

const RULE_SETS: [string, Partial<AssemblyRules>][] = [
  ['the defaults', {}],
  ['a license policy', { allowedLicenses: ['MIT', 'Apache-2.0'] }],
  ['agreement, labels on either, deprecated kept', { minAgreement: 0.5, approvalsOn: 'either', excludeDeprecated: false }],
  ['required label types and no carrying', { requiredLabelTypes: [], carryLabelsAndValidations: false, dedupBy: 'none' }],
];

/** A decision without the CF's own facts, which a stored member row leaves out. */
function alike(d: Decision): unknown {
  const { cf: _cf, author: _author, source: _source, ...evidence } = d.evidence;
  return { included: d.included, rule: d.rule, reason: d.reason, evidence };
}

describe('plain decisions', () => {
  it.each(RULE_SETS)(
    'given a mixed log under %s, when CFs share a plain decision key, then explainIndex decides them alike',
    (_name, rules) => {
      const log = mixedLog();
      const version = assembleVersion(indexFacts(log.facts()), { ...DEFAULT_RULES, ...rules }, idOf('manifest'));
      const first = new Map<string, Decision>();
      let shared = 0;
      let keyless = 0;
      for (let c = 0; c < version.index.cfs.count; c++) {
        const key = plainDecisionKey(version, c);
        const d = explainIndex(version, c);
        if (key === null) {
          if (d.included) keyless++;
          continue;
        }
        expect(d.included).toBe(true);
        const seen = first.get(key);
        if (seen === undefined) first.set(key, d);
        else {
          shared++;
          expect(alike(d)).toEqual(alike(seen));
        }
      }
      // the claim was put to the test: keys shared, and involved CFs left to explainIndex
      expect(shared).toBeGreaterThan(10);
      expect(keyless).toBeGreaterThan(0);
    },
  );

  it('given samples involving other events, then none has a plain decision key', () => {
    const log = mixedLog();
    const version = assembleVersion(
      indexFacts(log.facts()),
      { ...DEFAULT_RULES, excludeDeprecated: false, dedupBy: 'none' },
      idOf('manifest'),
    );
    for (const name of ['s1', 's2', 's3', 's4', 's5b', 's6b', 's7b', 's8', 'label-target'])
      expect([name, plainDecisionKey(version, version.index.indexOf.get(idOf(name)))]).toEqual([name, null]);
    expect(plainDecisionKey(version, version.index.indexOf.get(idOf('s10')))).not.toBeNull();
  });
});
