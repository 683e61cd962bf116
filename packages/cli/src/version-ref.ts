// NAME@VERSION references are resolved by @cairn/client (Cairn.resolveVersion); the types and the
// pure helpers are re-exported here for the commands that still name them.
export { parseVersionRef, distinctVersions, type VersionRef, type ResolvedVersion, type RefError as VersionRefError } from '@cairn/client';
export type { AsOf } from '@cairn/projector';
