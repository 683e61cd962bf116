export { memberLine, toJsonl, toOpenLineage, toCroissant, type VersionExport, type ExportMember, type ErasedMember } from './formats.js';
export {
  filePaths,
  filesCroissant,
  filesManifest,
  filesMembersJsonl,
  insideDir,
  safeRelativePath,
  CROISSANT_FILE,
  FILES_DIR,
  MANIFEST_FILE,
  MEMBERS_FILE,
  type MaterialisedFile,
  type PublicationFacts,
} from './files.js';
export { croissantProblems } from './croissant-check.js';
