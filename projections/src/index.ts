export * from './runner/index.js';
export * from './storage/index.js';
