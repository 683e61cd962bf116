// The database handle type every store function takes. Projections declare their own table types;
// the store and the runner are agnostic of them. Here, below the runner, so storage needs nothing
// from the runner.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDB = any;
