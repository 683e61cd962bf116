// What a folder export (`cairn export --format files|huggingface`) needs of a version, as the
// server streams it (GET /v1/versions/{ref}/export-facts, JSON Lines): a first line with the
// version's own facts (licenses, runs, publication, the members erased so far), then one line per
// member with the facts its files are written from and the import path its sample was signed
// with. The client decodes each line as it arrives; the sample bytes are asked for one by one.
import * as t from 'io-ts';
import { PositionText } from '@cairn/sdk';
import type { ErasedMember, ExportMember, PublicationFacts, VersionExport } from '@cairn/datasets';
import { nullable } from './answers.js';

const ErasureLine = t.type({ cfId: t.string, eventId: t.string, position: PositionText, reason: t.string }, 'ExportErasure');

export const ExportFactsHeader = t.type(
  {
    dataset: t.string,
    ordinal: t.number,
    versionId: t.string,
    manifestId: t.string,
    merkleRoot: t.string,
    licenses: t.array(t.string),
    runs: t.array(t.type({ runId: t.string, modelHash: t.string, eventId: t.string })),
    time: t.string,
    publication: t.type({
      creators: t.array(t.type({ contributorId: t.string, name: t.string })),
      datePublished: t.string,
    }),
    /** How many member lines follow. */
    members: t.number,
    erased: t.array(ErasureLine),
  },
  'ExportFactsHeader',
);
export type ExportFactsHeader = t.TypeOf<typeof ExportFactsHeader>;

export const ExportFactsMember = t.type(
  {
    cfId: t.string,
    kind: t.string,
    contributor: t.string,
    source: nullable(t.string),
    license: nullable(t.string),
    commitment: nullable(t.string),
    commitmentScheme: nullable(t.string),
    mediaType: nullable(t.string),
    size: nullable(t.number),
    /** The path a folder import signed the sample with (attributes.path), as it is: filePaths judges it. */
    importPath: t.unknown,
  },
  'ExportFactsMember',
);
export type ExportFactsMember = t.TypeOf<typeof ExportFactsMember>;

/** The first line, from a version's facts (`members` is only counted here: each member is a line of its own). */
export function exportFactsHeader(x: VersionExport, publication: PublicationFacts): t.OutputOf<typeof ExportFactsHeader> {
  return ExportFactsHeader.encode({
    dataset: x.dataset,
    ordinal: x.ordinal,
    versionId: x.versionId,
    manifestId: x.manifestId,
    merkleRoot: x.merkleRoot,
    licenses: [...x.licenses],
    runs: x.runs.map((r) => ({ ...r })),
    time: x.time,
    publication: { creators: publication.creators.map((c) => ({ ...c })), datePublished: publication.datePublished },
    members: x.members.length,
    erased: [...x.erased].map(([cfId, e]) => ({ cfId, ...e })),
  });
}

/** A member's line. */
export function exportFactsMember(m: ExportMember, importPath: unknown): ExportFactsMember {
  return {
    cfId: m.cfId,
    kind: m.kind,
    contributor: m.contributor,
    source: m.source,
    license: m.license,
    commitment: m.commitment,
    commitmentScheme: m.commitmentScheme,
    mediaType: m.mediaType,
    size: m.size,
    importPath: importPath ?? null,
  };
}

/** The version's facts back from the first line and the member lines. */
export function versionExportOf(header: ExportFactsHeader, members: readonly ExportMember[]): VersionExport {
  const erased = new Map<string, ErasedMember>(header.erased.map(({ cfId, ...e }) => [cfId, e]));
  return {
    dataset: header.dataset,
    ordinal: header.ordinal,
    versionId: header.versionId,
    manifestId: header.manifestId,
    merkleRoot: header.merkleRoot,
    members,
    erased,
    licenses: header.licenses,
    runs: header.runs,
    time: header.time,
    publication: header.publication,
  };
}
