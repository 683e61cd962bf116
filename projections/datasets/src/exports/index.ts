export { memberLine, toJsonl, toOpenLineage, toCroissant, type VersionExport, type ExportMember, type ErasedMember } from './formats.js';
