export * from './assemble/index.js';
export { rulesFromManifest } from './assemble/rules.js';
export { datasetsProjection, DATASETS_PROJECTION } from './projection.js';
export { DATASETS_TABLES, T as DATASETS_TABLE_NAMES } from './tables.js';
export { evidenceToJson, evidenceFromJson } from './evidence-json.js';
