export * from './runner/index.js';
export * from './storage/index.js';
export * from './lineage/index.js';
export * from './testing/index.js';
export * from './datasets/index.js';
export * from './answers/index.js';
export * from './attribution/index.js';
export * from './exports/index.js';
