import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { decodeManifest, formatDecodeFailure } from '../decode/decode.js';
import { exampleManifest } from '../examples.js';
import { MANIFEST_DEFAULTS, amendmentPolicyOf } from './defaults.js';
import { Manifest } from './manifest.js';

function linesOf(u: unknown): string[] {
  const result = decodeManifest(u);
  if (E.isRight(result)) throw new Error('expected the manifest to be rejected');
  return formatDecodeFailure(result.left).split('\n');
}

describe('decodeManifest', () => {
  it('given only a license policy, then every other rule takes its stated default', () => {
    expect(decodeManifest({ licensePolicy: { allowed: ['MIT'] } })).toEqual(
      E.right({
        candidates: { kinds: ['sample'], sources: 'any', assets: 'any' },
        minApprovals: { count: 1, scope: 'sample' },
        minAgreement: 0.5,
        scoreThreshold: 0.5,
        labels: { required: [] },
        licensePolicy: { allowed: ['MIT'] },
        dedup: 'content-commitment',
        excludeDeprecated: true,
      }),
    );
  });

  it('given part of a nested rule, then only the missing parts take defaults', () => {
    const result = decodeManifest({ licensePolicy: { allowed: ['MIT'] }, candidates: { kinds: ['label'] }, minApprovals: { count: 3 } });
    expect(E.isRight(result) && [result.right.candidates, result.right.minApprovals]).toEqual([
      { kinds: ['label'], sources: 'any', assets: 'any' },
      { count: 3, scope: 'sample' },
    ]);
  });

  it('given a decoded manifest, when its result is mutated, then the defaults do not change', () => {
    const result = decodeManifest({ licensePolicy: { allowed: ['MIT'] } });
    if (E.isRight(result)) (result.right.candidates.kinds as string[]).push('label');
    expect(MANIFEST_DEFAULTS.candidates.kinds).toEqual(['sample']);
  });

  it('given no license policy, then it is required: a dataset states which licenses it may carry', () => {
    expect(linesOf({})).toEqual([
      'Manifest.licensePolicy: expected a license policy ({ "allowed": [SPDX license ids] }, required: it has no default), got undefined',
    ]);
  });

  it('given a complete manifest, then it decodes unchanged, and the stored form needs no defaults', () => {
    const manifest = exampleManifest();
    expect(decodeManifest(manifest)).toEqual(E.right(manifest));
    expect(E.isRight(Manifest.decode(manifest))).toBe(true);
  });

  it('given the stored (complete) form is required, then a manifest with a missing rule is not a Manifest', () => {
    const { dedup: _dedup, ...incomplete } = exampleManifest();
    expect(E.isLeft(Manifest.decode(incomplete))).toBe(true);
  });

  it.each([
    [{ minAgreement: 1.2 }, 'Manifest.minAgreement: expected a probability (a number from 0 to 1), got 1.2'],
    [{ scoreThreshold: '0.5' }, 'Manifest.scoreThreshold: expected a probability (a number from 0 to 1), got "0.5"'],
    [{ minApprovals: { count: -1 } }, 'Manifest.minApprovals.count: expected a non-negative integer, got -1'],
    [{ minApprovals: { scope: 'all' } }, 'Manifest.minApprovals.scope: expected one of "sample", "labels", "either", got "all"'],
    [
      { candidates: { kinds: [] } },
      'Manifest.candidates.kinds: expected a non-empty list of distinct candidate kinds ("sample", "label"), got []',
    ],
    [{ candidates: { sources: [] } }, 'Manifest.candidates.sources: expected "any" or a non-empty list of distinct sources, got []'],
    [{ candidates: { assets: ['x'] } }, 'Manifest.candidates.assets[0]: expected a SHA-256 digest (64 lowercase hex), got "x"'],
    [
      { labels: { required: ['class', 'class'] } },
      'Manifest.labels.required: expected a list of distinct label types, got ["class","class"]',
    ],
    [{ dedup: 'exact' }, 'Manifest.dedup: expected one of "content-commitment", "none", got "exact"'],
    [{ excludeDeprecated: 'yes' }, 'Manifest.excludeDeprecated: expected a boolean, got "yes"'],
    [{ licensePolicy: { allowed: [] } }, 'Manifest.licensePolicy.allowed: expected a non-empty list of distinct SPDX license ids, got []'],
    [
      { licensePolicy: { allowed: ['MIT OR GPL-3.0-only'] } },
      'Manifest.licensePolicy.allowed[0]: expected a single SPDX license id (e.g. "MIT", "Apache-2.0", "LicenseRef-internal"), without AND/OR, got "MIT OR GPL-3.0-only"',
    ],
    [{ minAprovals: { count: 2 } }, 'Manifest: unexpected field "minAprovals"'],
    [{ amendments: { carryLabelsAndValidations: 'yes' } }, 'Manifest.amendments.carryLabelsAndValidations: expected a boolean, got "yes"'],
    [{ amendments: { carryReviews: false } }, 'Manifest.amendments: unexpected field "carryReviews"'],
  ])('given %j, then the failure reads: %s', (change, line) => {
    expect(linesOf({ licensePolicy: { allowed: ['MIT'] }, ...change })).toEqual([line]);
  });

  it('given a license with an exception, then it is one allowed license', () => {
    expect(
      E.isRight(decodeManifest({ licensePolicy: { allowed: ['GPL-2.0-only WITH Classpath-exception-2.0', 'LicenseRef-internal'] } })),
    ).toBe(true);
  });

  it('given not an object, then the manifest as a whole is rejected', () => {
    expect(linesOf('strict')).toEqual(['Manifest: expected a manifest object, got "strict"']);
  });

  describe('the amendment policy (a rule added after manifests were first defined)', () => {
    const base = { licensePolicy: { allowed: ['MIT'] } };

    it('given no amendments rule, then it is left out of the stored form (the id of an older manifest file is unchanged) and reads as carrying', () => {
      const result = decodeManifest(base);
      expect(E.isRight(result) && 'amendments' in result.right).toBe(false);
      expect(E.isRight(result) && amendmentPolicyOf(result.right)).toEqual({ carryLabelsAndValidations: true });
    });

    it('given the default written out, then the stored form is the same as when it is omitted (same rules, same id)', () => {
      expect(decodeManifest({ ...base, amendments: { carryLabelsAndValidations: true } })).toEqual(decodeManifest(base));
      expect(decodeManifest({ ...base, amendments: {} })).toEqual(decodeManifest(base));
    });

    it('given carrying turned off, then the stored form says so', () => {
      const result = decodeManifest({ ...base, amendments: { carryLabelsAndValidations: false } });
      expect(E.isRight(result) && result.right.amendments).toEqual({ carryLabelsAndValidations: false });
      expect(E.isRight(result) && amendmentPolicyOf(result.right)).toEqual({ carryLabelsAndValidations: false });
    });
  });
});
