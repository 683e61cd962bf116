export {
  memberLine,
  toJsonl,
  toOpenLineage,
  toCroissant,
  type VersionExport,
  type ExportMember,
  type ErasedMember,
  type PublicationFacts,
} from './formats.js';
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
  WANDB_MANIFEST_FILE,
  type MaterialisedFile,
} from './files.js';
export { croissantProblems } from './croissant-check.js';
export {
  huggingFaceCard,
  huggingFaceRow,
  hubLicenses,
  mlflowDatasetInput,
  sizeCategory,
  wandbManifest,
  MLFLOW_DIGEST_CHARS,
} from './ecosystem.js';
export { openLineageProblems } from './openlineage-check.js';
