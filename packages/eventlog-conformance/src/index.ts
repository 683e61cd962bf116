export { eventLogConformanceSuite } from './suite.js';
export type { ConformanceFactory, ConformanceOptions, ConformanceSubject, RawSqlSession } from './subject.js';
