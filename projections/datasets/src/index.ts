// @cairn/datasets: the datasets projection (CFs, manifests, builds, versions, members and their
// evidence), the answers that read its tables, and the export formats. The one door of this package.
export { datasetsProjection, createDatasetsProjection, DATASETS_PROJECTION, type DatasetsProjectionOptions } from './projection.js';
export { DATASETS_TABLES, T as DATASETS_TABLE_NAMES, asDatasetsHandle, type DatasetsDatabase } from './tables.js';
export { evidenceToJson, evidenceFromJson, type StoredCf } from './evidence-json.js';
export { LiveIndexes } from './live-indexes.js';
export { loadFacts } from './load-facts.js';
export * from './answers/index.js';
export * from './exports/index.js';
export { Ledger, manifestOf } from './testing/ledger.js';
export { forgeVersionRoot } from './testing/tamper.js';
