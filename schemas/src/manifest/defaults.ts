// Defaults are an authoring convenience only: decodeManifest fills them in, and the log stores
// the complete manifest, so a manifest id never depends on which defaults a reader assumes.
import type { Manifest } from './manifest.js';

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
} as const satisfies Omit<{ readonly [K in keyof Manifest]: unknown }, 'licensePolicy'>;

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

/**
 * Adds the defaults for absent fields, at any depth. Present fields (even wrong ones) are left
 * as they are, so the decoder still reports them where the author wrote them.
 */
export function withManifestDefaults(input: unknown): unknown {
  return fill(input, MANIFEST_DEFAULTS);
}
