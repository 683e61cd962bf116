import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { croissantProblems } from './croissant-check.js';
import {
  filePaths,
  filesCroissant,
  filesManifest,
  filesMembersJsonl,
  insideDir,
  safeRelativePath,
  type MaterialisedFile,
} from './files.js';
import { toCroissant, type ExportMember, type VersionExport } from './formats.js';

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

/** d@1: a kept sample, an erased one and a label. */
const version: VersionExport = {
  dataset: 'd',
  ordinal: 1,
  versionId: 'v'.repeat(64),
  manifestId: 'm'.repeat(64),
  merkleRoot: 'r'.repeat(64),
  members: [
    sample('1'.repeat(64)),
    sample('2'.repeat(64)),
    { ...sample('3'.repeat(64)), kind: 'label', mediaType: null, commitment: null, commitmentScheme: null, size: null },
  ],
  erased: new Map([['2'.repeat(64), { eventId: 'e'.repeat(64), position: 42n, reason: 'takedown' }]]),
  licenses: ['MIT'],
  runs: [],
  time: '2026-01-01T00:00:00.000Z',
};
const hello = 'hello';
const files: MaterialisedFile[] = [
  {
    cfId: '1'.repeat(64),
    path: 'files/a.txt',
    sha256: createHash('sha256').update(hello).digest('hex'),
    md5Base64: createHash('md5').update(hello).digest('base64'),
    size: 5,
  },
];
const facts = { creators: [{ contributorId: 'alice-id', name: 'alice' }], datePublished: '2026-01-01T00:00:00.000Z' };
const croissant = () => filesCroissant(version, files, filesMembersJsonl(version, files), facts);

describe('paths inside the export folder', () => {
  it.each(['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\x', 'a//b', './a', 'a/\u0000b', ''])(
    'given the import path %j, then it is not used',
    (p) => expect(safeRelativePath(p)).toBeNull(),
  );

  it('given a plain relative path, then it is kept', () => expect(safeRelativePath('notes/a.txt')).toBe('notes/a.txt'));

  it('given two members with the same path (up to case) and one with a climbing path, then only the first keeps it, the others are named by CF id', () => {
    const got = filePaths([
      { cfId: 'a'.repeat(64), mediaType: 'text/plain', importPath: 'x/A.txt' },
      { cfId: 'b'.repeat(64), mediaType: 'text/plain', importPath: 'x/a.txt' },
      { cfId: 'c'.repeat(64), mediaType: 'image/png', importPath: '../../c.png' },
      { cfId: 'd'.repeat(64), mediaType: null },
    ]);
    expect([...got.values()]).toEqual([
      'files/x/A.txt',
      `files/${'b'.repeat(64)}.txt`,
      `files/${'c'.repeat(64)}.png`,
      `files/${'d'.repeat(64)}`,
    ]);
  });

  it("given an import path equal to another member's CF-id name, then it does not take that name", () => {
    const other = `${'f'.repeat(64)}.txt`;
    const got = filePaths([
      { cfId: 'e'.repeat(64), mediaType: 'text/plain', importPath: other },
      { cfId: 'f'.repeat(64), mediaType: 'text/plain' },
    ]);
    expect(new Set(got.values()).size).toBe(2);
    expect(got.get('f'.repeat(64))).toBe(`files/${other}`);
  });

  it('then insideDir refuses anything that resolves outside the folder, and the folder itself', () => {
    const dir = path.resolve('/tmp/out');
    expect(insideDir(dir, 'files/a.txt')).toBe(path.join(dir, 'files', 'a.txt'));
    expect(insideDir(dir, 'files/../../x')).toBeNull();
    expect(insideDir(dir, '/etc/passwd')).toBe(path.join(dir, 'etc', 'passwd'));
    expect(insideDir(dir, '.')).toBeNull();
  });
});

describe('the files manifest', () => {
  it('lists each file with its CF id and sha256, names the erased member with its erasure, and the label as not a file', () => {
    const m = filesManifest(version, files);
    expect(m['files']).toEqual([expect.objectContaining({ cfId: '1'.repeat(64), path: 'files/a.txt', sha256: files[0]!.sha256 })]);
    expect(m['erased']).toEqual([{ cfId: '2'.repeat(64), event: 'e'.repeat(64), position: '42', reason: 'takedown' }]);
    expect(m['notFiles']).toEqual([{ cfId: '3'.repeat(64), kind: 'label' }]);
  });
});

describe('Croissant checks (spec required properties; mlcroissant FileObject checks)', () => {
  it('given the metadata-only document `--format croissant` writes, then creator and datePublished are reported missing', () => {
    const problems = croissantProblems(toCroissant(version));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^creator:/), expect.stringMatching(/^datePublished:/)]));
  });

  it('given the files export document, then it has no problem, and its members.jsonl checksum is of the text given', () => {
    const doc = croissant();
    expect(croissantProblems(doc)).toEqual([]);
    const dist = doc['distribution'] as { '@id': string; sha256: string; contentUrl: string }[];
    expect(dist[0]!.sha256).toBe(createHash('sha256').update(filesMembersJsonl(version, files)).digest('hex'));
    expect(dist.map((d) => d.contentUrl)).toEqual(['members.jsonl', 'files/a.txt']);
    expect(JSON.stringify(doc)).not.toContain('/store/blobs');
  });

  it.each([
    ['sha256', 'at least one of md5, sha256'],
    ['contentUrl', 'contentUrl is mandatory'],
    ['encodingFormat', 'encodingFormat is mandatory'],
    ['@id', '@id is mandatory'],
  ])('given a FileObject without %s, then the check names it', (key, problem) => {
    const doc = croissant();
    const dist = doc['distribution'] as Record<string, unknown>[];
    delete dist[1]![key];
    expect(croissantProblems(doc)).toContainEqual(`distribution[1]: ${problem}`);
  });

  it('given a FileObject contained in another, then contentUrl and checksum are not required of it', () => {
    const doc = croissant();
    const dist = doc['distribution'] as Record<string, unknown>[];
    dist[1] = { ...dist[1], containedIn: { '@id': 'members.jsonl' }, contentUrl: undefined, sha256: undefined };
    expect(croissantProblems(JSON.parse(JSON.stringify(doc)))).toEqual([]);
  });

  it('given a duplicate @id, a creator without a name or a date that is not ISO 8601, then each is reported', () => {
    const doc: Record<string, unknown> = { ...croissant(), creator: [{ '@type': 'sc:Person' }], datePublished: 'yesterday' };
    (doc['distribution'] as Record<string, unknown>[])[1]!['@id'] = 'members.jsonl';
    expect(croissantProblems(doc)).toEqual([
      'creator[0]: an sc:Person or sc:Organization with a name',
      'datePublished: required, an ISO 8601 Date or DateTime',
      'distribution[1]: @id "members.jsonl" is not unique in the document',
    ]);
  });
});
