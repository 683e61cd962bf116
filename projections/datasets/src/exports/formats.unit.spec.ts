import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { croissantProblems } from './croissant-check.js';
import { toCroissant, toJsonl, toOpenLineage, type ExportMember, type VersionExport } from './formats.js';

const sample = (cfId: string, overrides: Partial<ExportMember> = {}): ExportMember => ({
  cfId,
  kind: 'sample',
  contributor: 'alice',
  source: 'wiki',
  license: 'CC-BY-4.0',
  commitment: 'c'.repeat(64),
  commitmentScheme: 'sha256',
  mediaType: 'text/plain',
  size: 12,
  ...overrides,
});
const label: ExportMember = {
  cfId: '3'.repeat(64),
  kind: 'label',
  contributor: 'bob',
  source: null,
  license: null,
  commitment: null,
  commitmentScheme: null,
  mediaType: null,
  size: null,
};

/** Version d@1 with a kept sample, an erased sample, a personal-data sample (HMAC commitment) and a label; one run trained on it. */
const version: VersionExport = {
  dataset: 'd',
  ordinal: 1,
  versionId: 'v'.repeat(64),
  manifestId: 'm'.repeat(64),
  merkleRoot: 'r'.repeat(64),
  members: [
    sample('1'.repeat(64)),
    sample('2'.repeat(64)),
    label,
    sample('4'.repeat(64), { commitmentScheme: 'hmac-sha256', mediaType: null, size: null }),
  ],
  erased: new Map([['2'.repeat(64), { eventId: 'e'.repeat(64), position: 42n, reason: 'takedown' }]]),
  licenses: ['CC-BY-4.0'],
  runs: [{ runId: 'run-1', modelHash: 'h'.repeat(64), eventId: 'f'.repeat(64) }],
  time: '2026-01-01T00:00:00.000Z',
};

/** Parsed JSON walked by key in assertions (the exports are plain JSON documents). */
interface Doc {
  readonly [key: string]: Doc;
}

const lines = (x: VersionExport) =>
  toJsonl(x)
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('JSONL export', () => {
  it('given a version, then each member is one line, in order, with its blob address (its CF id, never a folder of the store) unless it has no bytes', () => {
    const out = lines(version);
    expect(out[0]!.blob).toEqual({ address: '1'.repeat(64) });
    expect(out.map((l) => l.cfId)).toEqual(version.members.map((m) => m.cfId));
    expect(out[0]).toMatchObject({
      blob: { address: '1'.repeat(64) },
      erased: null,
      commitment: { scheme: 'sha256', value: 'c'.repeat(64) },
      dataset: 'd',
      versionId: version.versionId,
    });
    expect(out[2]).toMatchObject({ kind: 'label', blob: null, commitment: null });
  });

  it('given an erased member, then its line has no blob and names the erasure', () => {
    expect(lines(version)[1]).toMatchObject({ blob: null, erased: { event: 'e'.repeat(64), position: '42', reason: 'takedown' } });
  });
});

describe('OpenLineage export (spec 2-0-2)', () => {
  it('given a version with a run, then a DatasetEvent then a COMPLETE RunEvent from the version to the model', () => {
    const [dataset, run] = toOpenLineage(version) as unknown as [Doc, Doc];
    expect(dataset.schemaURL).toBe('https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent');
    expect(dataset).toMatchObject({
      dataset: {
        facets: {
          version: { datasetVersion: version.versionId },
          cairn_erasures: { erased: [{ cfId: '2'.repeat(64), event: 'e'.repeat(64), position: '42', reason: 'takedown' }] },
        },
      },
    });
    expect(run).toMatchObject({
      eventType: 'COMPLETE',
      job: { namespace: 'cairn', name: 'train/run-1' },
      inputs: [dataset.dataset],
      outputs: [{ namespace: 'cairn-models', name: 'h'.repeat(64) }],
    });
  });

  it('names a run by a UUID (RFC 9562 version 8, RFC 4122 variant) that is the same for the same run id', () => {
    const runId = (toOpenLineage(version)[1] as { run: { runId: string } }).run.runId;
    expect(runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((toOpenLineage(version)[1] as { run: { runId: string } }).run.runId).toBe(runId);
  });

  it('given no erasures, then the dataset carries no erasure facet', () => {
    const [dataset] = toOpenLineage({ ...version, erased: new Map() }) as unknown as [Doc];
    expect(Object.keys(dataset.dataset!.facets!)).toEqual(['version']);
  });
});

describe('Croissant 1.0 export', () => {
  const c = toCroissant(version) as unknown as Doc;

  it('lists members.jsonl with its sha256 and one FileObject per readable sha256-committed sample, never for erased bytes', () => {
    const files = c.distribution as unknown as Doc[];
    expect(files[0]).toMatchObject({ '@id': 'members.jsonl', sha256: createHash('sha256').update(toJsonl(version)).digest('hex') });
    expect(files.slice(1).map((f) => f['@id'])).toEqual(['1'.repeat(64)]);
  });

  it("points a sample's FileObject at its CF, whose decrypted bytes the checksum is of, never at the store's ciphertext", () => {
    const files = c.distribution as unknown as Doc[];
    expect(files.slice(1).map((f) => f.contentUrl)).toEqual([`cairn:cf/${'1'.repeat(64)}`]);
    expect(JSON.stringify(c)).not.toContain('/blobs');
  });

  it('gives a sample its sha256 commitment as checksum; an HMAC-committed one (personal data, no public checksum) is a members.jsonl line only', () => {
    const files = c.distribution as unknown as Doc[];
    expect(files[1]).toMatchObject({ sha256: 'c'.repeat(64), contentSize: '12 B', encodingFormat: 'text/plain' });
    expect(files.map((f) => f['@id'])).not.toContain('4'.repeat(64));
    expect(toJsonl(version)).toContain('4'.repeat(64));
  });

  it('given the publication facts, then the document has every property the spec requires of a dataset; without them it says what is missing', () => {
    const published = toCroissant({
      ...version,
      publication: { creators: [{ contributorId: 'a'.repeat(64), name: 'ada' }], datePublished: '2026-12-01T00:00:00.000Z' },
    });
    expect(published).toMatchObject({ creator: [{ '@type': 'sc:Person', name: 'ada' }], datePublished: '2026-12-01T00:00:00.000Z' });
    expect(croissantProblems(published)).toEqual([]);
    expect(croissantProblems(c)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^creator: /), expect.stringMatching(/^datePublished: /)]),
    );
  });

  it('names the erased members as missing data, and says nothing of it when none are erased', () => {
    expect(c['rai:dataCollectionMissingData']).toBe(
      `1 members erased since this version was cut; their bytes can no longer be read: ${'2'.repeat(64)} (erased by ${'e'.repeat(64)} at position 42)`,
    );
    expect(toCroissant({ ...version, erased: new Map() })).not.toHaveProperty('rai:dataCollectionMissingData');
    expect(c).toMatchObject({
      name: 'd',
      version: version.versionId,
      conformsTo: 'http://mlcommons.org/croissant/1.0',
      license: ['https://spdx.org/licenses/CC-BY-4.0.html'],
    });
  });
});
