import { describe, expect, it } from '@jest/globals';
import { hubLicenses, huggingFaceCard, huggingFaceRow, mlflowDatasetInput, sizeCategory, wandbManifest } from './ecosystem.js';
import { toOpenLineage, type ExportMember, type VersionExport } from './formats.js';
import { openLineageProblems } from './openlineage-check.js';

const sample = (cfId: string, overrides: Partial<ExportMember> = {}): ExportMember => ({
  cfId,
  kind: 'sample',
  contributor: 'alice-id',
  source: 'wiki',
  license: 'MIT',
  commitment: 'c'.repeat(64),
  commitmentScheme: 'sha256',
  mediaType: 'text/plain',
  size: 5,
  ...overrides,
});

const version: VersionExport = {
  dataset: 'd',
  ordinal: 2,
  versionId: 'ab'.repeat(32),
  manifestId: 'm'.repeat(64),
  merkleRoot: 'r'.repeat(64),
  members: [sample('1'.repeat(64)), sample('2'.repeat(64), { source: 'forum' })],
  erased: new Map([['2'.repeat(64), { eventId: 'e'.repeat(64), position: 42n, reason: 'takedown' }]]),
  licenses: ['MIT', 'LicenseRef-Custom'],
  runs: [{ runId: 'run-1', modelHash: 'h'.repeat(64), eventId: 'f'.repeat(64) }],
  time: '2026-01-01T00:00:00.000Z',
};

/** The card's YAML header as written: `key: <JSON>` lines between `---` fences (JSON is YAML 1.2 flow). */
function cardHeader(card: string): Record<string, unknown> {
  const lines = card.split('\n');
  expect(lines[0]).toBe('---');
  const end = lines.indexOf('---', 1);
  expect(end).toBeGreaterThan(0);
  return Object.fromEntries(
    lines.slice(1, end).map((l) => {
      const at = l.indexOf(': ');
      return [l.slice(0, at), JSON.parse(l.slice(at + 2)) as unknown];
    }),
  );
}

describe('Hugging Face dataset card', () => {
  it.each([
    [0, 'n<1K'],
    [999, 'n<1K'],
    [1000, '1K<n<10K'],
    [250_000, '100K<n<1M'],
    [2e12, 'n>1T'],
  ])('given %d rows, then size_categories is %s', (rows, bucket) => expect(sizeCategory(rows)).toBe(bucket));

  it('given MIT and a license the Hub does not list, then license is [mit, other] and license_name names the other', () => {
    expect(hubLicenses(['MIT', 'LicenseRef-Custom'])).toEqual({ license: ['mit', 'other'], other: ['LicenseRef-Custom'] });
    const h = cardHeader(huggingFaceCard(version, 1));
    expect(h['license']).toEqual(['mit', 'other']);
    expect(h['license_name']).toBe('LicenseRef-Custom');
  });

  it('then the header carries size_categories, source_datasets, the version id and a train split on data/train.jsonl', () => {
    const h = cardHeader(huggingFaceCard(version, 1));
    expect(h).toMatchObject({
      size_categories: ['n<1K'],
      source_datasets: ['forum', 'wiki'],
      version_id: version.versionId,
      configs: [{ config_name: 'default', data_files: [{ split: 'train', path: 'data/train.jsonl' }] }],
    });
  });

  it('then the body names the erased member with its erasure', () => {
    expect(huggingFaceCard(version, 1)).toContain(`${'2'.repeat(64)}: erased by ${'e'.repeat(64)} at position 42 (takedown)`);
  });

  it('given a text sample and a binary one, then both rows have the same columns, text or base64 filled', () => {
    const text = huggingFaceRow(sample('1'.repeat(64)), new TextEncoder().encode('hé'), 's');
    const png = huggingFaceRow(sample('3'.repeat(64), { mediaType: 'image/png' }), new Uint8Array([1, 2]), 's');
    expect(Object.keys(text)).toEqual(Object.keys(png));
    expect([text['text'], text['content_base64']]).toEqual(['hé', null]);
    expect([png['text'], png['content_base64']]).toEqual([null, 'AQI=']);
  });
});

describe('MLflow dataset input (the record mlflow.log_input stores)', () => {
  it('then it has the entity fields MLflow requires, within its size limits, source/schema/profile as JSON text', () => {
    const input = mlflowDatasetInput(version) as {
      dataset: Record<string, string>;
      tags: { key: string; value: string }[];
    };
    const d = input.dataset;
    expect(Object.keys(d).sort()).toEqual(['digest', 'name', 'profile', 'schema', 'source', 'source_type']);
    expect(d['name']!.length).toBeLessThanOrEqual(500);
    expect(d['digest']!.length).toBeLessThanOrEqual(36);
    expect(version.versionId.startsWith(d['digest']!)).toBe(true);
    expect(d['source']!.length).toBeLessThanOrEqual(65535);
    expect(JSON.parse(d['source']!)).toEqual({ uri: `cairn:d@${version.versionId}`, dataset: 'd', version_id: version.versionId });
    expect(JSON.parse(d['profile']!)).toMatchObject({ num_rows: 1, erased: 1 });
    expect(JSON.parse(d['schema']!)).toHaveProperty('mlflow_colspec');
    expect(input.tags).toEqual([{ key: 'mlflow.data.context', value: 'training' }]);
  });
});

describe('Weights & Biases artifact manifest v1', () => {
  it('then contents maps each path to its base64 MD5 digest and size, in path order', () => {
    const m = wandbManifest([
      { path: 'files/b.txt', md5Base64: 'Yg==', size: 1 },
      { path: 'files/a.txt', md5Base64: 'YQ==', size: 2 },
    ]);
    expect(m).toEqual({
      version: 1,
      storagePolicy: 'wandb-storage-policy-v1',
      storagePolicyConfig: { storageLayout: 'V2' },
      contents: { 'files/a.txt': { digest: 'YQ==', size: 2 }, 'files/b.txt': { digest: 'Yg==', size: 1 } },
    });
    expect(Object.keys(m['contents'] as object)).toEqual(['files/a.txt', 'files/b.txt']);
  });
});

describe('OpenLineage 2-0-2 checks', () => {
  const [datasetEvent, runEvent] = toOpenLineage(version) as [Record<string, unknown>, Record<string, unknown>];

  it("given today's export, then the DatasetEvent and the RunEvent have no problem", () => {
    expect(openLineageProblems(datasetEvent)).toEqual([]);
    expect(openLineageProblems(runEvent)).toEqual([]);
  });

  it('given a RunEvent without producer, with a run id that is not a UUID and an unknown eventType, then each is reported', () => {
    const bad = { ...runEvent, producer: undefined, eventType: 'DONE', run: { runId: 'run-1' } };
    expect(openLineageProblems(JSON.parse(JSON.stringify(bad)))).toEqual([
      'producer: required, a URI',
      'eventType: one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER',
      'run.runId: required, a UUID',
    ]);
  });

  it('given a dataset facet without _producer, or the version facet without datasetVersion, then it is reported', () => {
    const facets = (datasetEvent['dataset'] as { facets: Record<string, Record<string, unknown>> }).facets;
    const bad = {
      ...datasetEvent,
      dataset: {
        namespace: 'cairn',
        name: 'd',
        facets: { version: { ...facets['version'], datasetVersion: undefined, _producer: 'not a uri' } },
      },
    };
    expect(openLineageProblems(JSON.parse(JSON.stringify(bad)))).toEqual([
      'dataset.facets.version._producer: required, a URI',
      'dataset.facets.version.datasetVersion: required, a string',
    ]);
  });

  it('given an event with a dataset and a job but no run, then it is both a DatasetEvent and a JobEvent, which oneOf refuses', () => {
    const { run: _run, ...noRun } = runEvent;
    expect(openLineageProblems({ ...noRun, dataset: datasetEvent['dataset'] })).toEqual([
      'the event must be exactly one of RunEvent, DatasetEvent, JobEvent (it matches DatasetEvent and JobEvent)',
    ]);
  });

  it('given an eventTime that is not a date-time, then it is reported', () => {
    expect(openLineageProblems({ ...datasetEvent, eventTime: '2026-01-01' })).toEqual(['eventTime: required, an RFC 3339 date-time']);
  });
});
