// exportText: a version as the text `cairn export --format F` writes, the same for every surface.
import { describe, expect, it } from '@jest/globals';
import type { ExportMember, VersionExport } from '@cairn/datasets';
import { exportText } from './export-text.js';

const sample = (cfId: string): ExportMember => ({
  cfId,
  kind: 'sample',
  contributor: 'alice-id',
  source: 'wiki',
  license: 'MIT',
  commitment: 'c'.repeat(64),
  commitmentScheme: 'sha256',
  mediaType: 'text/plain',
  size: 5,
});

const version: VersionExport = {
  dataset: 'd',
  ordinal: 2,
  versionId: 'ab'.repeat(32),
  manifestId: 'm'.repeat(64),
  merkleRoot: 'r'.repeat(64),
  members: [sample('1'.repeat(64)), sample('2'.repeat(64))],
  erased: new Map([['2'.repeat(64), { eventId: 'e'.repeat(64), position: 42n, reason: 'takedown' }]]),
  licenses: ['MIT'],
  runs: [{ runId: 'run-1', modelHash: 'h'.repeat(64), eventId: 'f'.repeat(64) }],
  time: '2026-01-01T00:00:00.000Z',
};

describe('exportText', () => {
  it('given a version of two members, when exported as jsonl, then there is one JSON line per member, in member order', () => {
    const lines = exportText(version, 'jsonl').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as { cfId: string }).cfId)).toEqual(['1'.repeat(64), '2'.repeat(64)]);
  });

  it('given a version with a run, when exported as openlineage, then each event is one line of compact JSON', () => {
    const text = exportText(version, 'openlineage');
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(JSON.stringify(JSON.parse(line))).toBe(line);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('given a version, when exported as croissant or mlflow, then it is one indented JSON document ending in a newline, naming the dataset', () => {
    for (const format of ['croissant', 'mlflow'] as const) {
      const text = exportText(version, format);
      expect(text.endsWith('}\n')).toBe(true);
      expect(text.split('\n')[1]).toMatch(/^ {2}"/);
      expect(text).toContain('"d');
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
  });
});
