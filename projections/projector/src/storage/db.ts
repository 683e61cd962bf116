// The database of a store whose tables belong to more than one projection, as the runner (which
// hands each projection its own transaction) and a reader of several projections see it.
// Each projection types its own tables (LineageDatabase, ...), and every function of this package
// types the runner's (RunnerDatabase) or takes a Kysely<TDB> of the caller's. But Kysely<DB> is
// invariant in DB: Kysely<LineageDatabase & DatasetsDatabase> is not a Kysely<LineageDatabase>,
// and Projection<LineageDatabase> and Projection<DatasetsDatabase> have no common type with a
// typed DB. A list of projections of different databases, and one handle passed to the readers of
// each, need this one untyped default; it is the type argument nothing else may use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SomeProjectionsDatabase = any;
