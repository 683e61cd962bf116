// The export shapes (JSONL, OpenLineage, Croissant) are a pure mapping in @cairn/datasets, so
// every surface writes the same files; these names stay for the CLI's own modules.
export { memberLine, toJsonl, toOpenLineage, toCroissant, type VersionExport, type ErasedMember } from '@cairn/client';
