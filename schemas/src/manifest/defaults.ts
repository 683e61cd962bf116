// Defaults are an authoring convenience only: decodeManifest fills them in, and the log stores
// the complete manifest, so a manifest id never depends on which defaults a reader assumes.
// Rules added after the first manifests were defined (LATER_DEFAULTS) are the exception: they
// are stored only when they differ from their default and an absent one reads as its default,
// so a manifest file defined before such a rule existed keeps its id when defined again.
import type { Manifest } from './manifest.js';

type Required<T> = { readonly [K in keyof T]-?: unknown };

/**
 * Every rule's default. licensePolicy has none on purpose: which licenses a dataset may carry is
 * a decision its author must write down.
 */
export const MANIFEST_DEFAULTS = {
  candidates: { kinds: ['sample'], sources: 'any', assets: 'any' },
  minApprovals: { count: 1, scope: 'sample' },
  minAgreement: 0.5,
  scoreThreshold: 0.5,
  labels: { required: [] },
  dedup: 'content-commitment',
  excludeDeprecated: true,
  amendments: { carryLabelsAndValidations: true },
} as const satisfies Omit<Required<Manifest>, 'licensePolicy'>;

/** The rules stored only when they differ from their default (see the head of this file). */
export const LATER_DEFAULTS = ['amendments'] as const satisfies readonly (keyof Manifest)[];

/** The amendment policy a stored manifest means: its own, or the default when it has none. */
export function amendmentPolicyOf(manifest: Manifest): NonNullable<Manifest['amendments']> {
  return manifest.amendments ?? MANIFEST_DEFAULTS.amendments;
}

function isPlainRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

function fill(input: unknown, defaults: unknown): unknown {
  // A copy, so a caller mutating its decoded manifest cannot change the defaults.
  if (input === undefined) return structuredClone(defaults);
  if (!isPlainRecord(input) || !isPlainRecord(defaults)) return input;
  const out: Record<string, unknown> = { ...input };
  for (const [key, value] of Object.entries(defaults)) out[key] = fill(input[key], value);
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (isPlainRecord(a) && isPlainRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  return a === b;
}

/**
 * Adds the defaults for absent fields, at any depth. Present fields (even wrong ones) are left
 * as they are, so the decoder still reports them where the author wrote them. A later rule
 * (LATER_DEFAULTS) that ends up equal to its default is left out, so it does not change the id.
 */
export function withManifestDefaults(input: unknown): unknown {
  const filled = fill(input, MANIFEST_DEFAULTS);
  if (!isPlainRecord(filled)) return filled;
  for (const key of LATER_DEFAULTS) if (sameJson(filled[key], MANIFEST_DEFAULTS[key])) delete filled[key];
  return filled;
}
