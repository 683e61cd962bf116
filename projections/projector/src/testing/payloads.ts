// Valid payloads for projection tests and benchmarks, varied by a seed so every CF has its own id.
import { createHash } from 'node:crypto';
import type { JsonValue } from '@cairn/eventlog';

type Payload = { readonly [key: string]: JsonValue };

/** A deterministic 64-hex digest of a label (content commitments, model hashes, ...). */
export function testDigest(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

export function samplePayload(seed: string | number, extra: Payload = {}): Payload {
  return {
    commitment: { scheme: 'sha256', value: testDigest(`sample-bytes-${seed}`) },
    mediaType: 'text/plain',
    size: 1024,
    license: 'MIT',
    source: `https://example.org/corpus/${seed}`,
    ...extra,
  };
}

export function labelPayload(targets: readonly string[], value: JsonValue, extra: Payload = {}): Payload {
  return { targets: [...targets], labelType: 'class', value, ...extra };
}

export function validationPayload(targets: readonly string[], verdict: 'approve' | 'reject', extra: Payload = {}): Payload {
  return { targets: [...targets], verdict, rationale: `${verdict}d on review`, ...extra };
}
