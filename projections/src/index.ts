export type { Projection, ProjectedEvent, AnyDB } from './runner/projection.js';
