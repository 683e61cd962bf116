export { openProjectionStore, quoteSchema, type ProjectionStore, type ProjectionStoreOptions } from './store.js';
export { positionFromDb, nullablePositionFromDb, positionToDb } from './positions.js';
export { canonicalDump, type CanonicalDumpOptions } from './canonical-dump.js';
export { textArrayLiteral, integerArrayLiteral } from './array-literal.js';
export { copyField } from './copy.js';
