// The shapes of the answers the page reads, as the server sends them (the client's values
// printed as `cairn --json` prints them; positions are decimal strings). Only what is shown.
export interface VersionRef {
  readonly dataset: string;
  readonly versionId: string;
  readonly ordinal: number | null;
  readonly manifestId: string;
  readonly position: string;
}
export interface VersionFacts {
  readonly versionId: string;
  readonly dataset: string;
  readonly manifestId: string;
  readonly merkleRoot: string;
  readonly memberCount: number;
  readonly position: string;
}
export interface Build {
  readonly position: string;
  readonly cause: string;
  readonly causeEventId: string | null;
}
export interface VersionEntry extends VersionFacts {
  readonly ordinal: number;
  readonly builds: readonly Build[];
}
export interface DatasetVersions {
  readonly dataset: string;
  readonly current: string | null;
  readonly versions: readonly VersionEntry[];
}
export interface DatasetListEntry {
  readonly name: string;
  readonly position: string;
  readonly versions: number;
  readonly latestVersionId: string | null;
}
export interface Member {
  readonly cfId: string;
  readonly kind: string;
  readonly contributor: string;
  readonly source: string | null;
  readonly license: string | null;
  readonly labelType: string | null;
  readonly reason: string;
}
export interface VersionShow {
  readonly dataset: string;
  readonly versionId: string;
  readonly ordinal: number | null;
  readonly version: VersionFacts;
  readonly build: Build | null;
  readonly contributors: readonly { contributor: string; members: number }[];
  readonly sources: readonly { source: string; members: number }[];
  readonly licenses: readonly { license: string; members: number }[];
  readonly members: readonly Member[];
  readonly total: number;
  readonly nextCursor: string | null;
}
export interface Licenses {
  readonly expressions: readonly { expression: string; members: number; resolvedTo: readonly string[] }[];
  readonly licenses: readonly string[];
  readonly unknown: readonly string[];
  readonly obligations: Readonly<Record<string, readonly { contributor: string; members: number; licenses: readonly string[] }[]>>;
  readonly conflicts: readonly unknown[];
}
export interface Cause {
  readonly kind: string;
  readonly event: { readonly eventId: string; readonly position: string } | null;
  readonly reason: string;
}
export interface Diff {
  readonly counts: { readonly added: number; readonly removed: number; readonly changed: number; readonly unchanged: number };
  readonly added: readonly { cfId: string; cause: Cause }[];
  readonly removed: readonly { cfId: string; cause: Cause }[];
  readonly changed: readonly { from: string; to: string; cause: Cause }[];
  readonly truncated: boolean;
  readonly from: VersionRef;
  readonly to: VersionRef;
}
export interface LogEvent {
  readonly eventId: string;
  readonly type: string;
  readonly signer: string;
  readonly position: string;
  readonly recordedAt: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
}
export interface CfShow extends LogEvent {
  readonly cfId: string;
  readonly kind: string;
  readonly later: readonly LogEvent[];
  readonly targetedBy: readonly LogEvent[];
  readonly replacedBy: readonly (LogEvent & { readonly how: 'amends' | 'supersedes' })[];
  readonly versions: readonly { dataset: string; versionId: string; position: string; reason: string; ordinal: number | null }[];
  readonly names: Readonly<Record<string, string>>;
}
export interface Why {
  readonly cfId: string;
  readonly version: VersionFacts;
  readonly included: boolean;
  readonly rule: string | null;
  readonly reason: string;
  readonly erased: unknown;
  readonly ref: VersionRef;
}
export interface Impact {
  readonly dependents: readonly { eventId: string; position: string; kind: string; relation: string }[];
  readonly assets: readonly { assetId?: string; id?: string }[];
  readonly versions: readonly { versionId: string; dataset: string; position: string; current: boolean }[];
  readonly runs: readonly Readonly<Record<string, unknown>>[];
  readonly models: readonly Readonly<Record<string, unknown>>[];
  readonly erased: unknown;
}
export interface HistoryStep {
  readonly action: string;
  readonly cfId: string;
  readonly target?: string;
  readonly eventId: string;
  readonly position: string;
  readonly reason?: string;
}
export interface History {
  readonly cfId: string;
  readonly standing: readonly string[];
  readonly steps: readonly HistoryStep[];
}
export interface TraceNode {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly position: string | null;
  readonly state: string | null;
  readonly depth: number;
}
export interface TraceEdge {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly position: string;
}
export interface Trace {
  readonly root: string;
  readonly nodes: readonly TraceNode[];
  readonly edges: readonly TraceEdge[];
  readonly truncated?: boolean;
}
export interface Status {
  readonly head: string | null;
  readonly caughtUpTo: string | null;
}

/**
 * A library answer as the server sends it: log positions (bigint) and times become strings, the
 * rest is as the library types it. The page uses the client's own answer types through this
 * rather than typing them again.
 */
export type Wire<T> = T extends string
  ? string // branded ids (CfId …) are plain strings on the wire
  : T extends bigint
    ? string
    : T extends Date
      ? string
      : T extends readonly (infer U)[]
        ? readonly Wire<U>[]
        : T extends object
          ? { readonly [K in keyof T]: Wire<T[K]> }
          : T;
