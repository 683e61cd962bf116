// cairn manifest define, cairn dataset define|build|versions|show.
import type { Command } from 'commander';
import type { MemberPage, ResolvedVersion } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail, usage } from '../fail.js';
import { emit, table } from '../output.js';
import { orFailRead, type Session } from '../session.js';
import { withReads } from '../read-session.js';
import { withWrites, type WriteSession } from '../write-session.js';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf, orFailAppend, short } from './common.js';
import { receiptJson, type ReceiptJson } from './receipt.js';
import { MANIFEST_HELP } from '../manifest-help.js';
import { isSha256Hex } from '@cairn/core';
import { readJsonFile } from '../files.js';

export interface BuildJson {
  readonly dataset: string;
  readonly manifestId: string;
  readonly receipt: ReceiptJson;
  /** The version this build cut (null if the projections have not cut it). */
  readonly version: (ResolvedVersion & { readonly merkleRoot: string; readonly memberCount: number }) | null;
  /** True when the cut is the version the dataset was already at: nothing changed since it. */
  readonly unchanged: boolean;
}

export async function signerFor(session: Pick<Session, 'keyring'>, name: string) {
  return orFail(await session.keyring.signer(name), (e) => e.message);
}

/** NAME@VERSION (ordinal, latest, or version id prefix) as of --as-of, or the failure saying why it names nothing. */
export async function resolveVersionArg(session: Session, text: string, asOf?: unknown): Promise<ResolvedVersion> {
  return orFailRead(await session.cairn.resolveVersion(text, asOfOf(asOf)));
}

export async function defineManifest(session: Pick<WriteSession, 'keyring' | 'ledger'>, manifest: unknown, signerName: string) {
  const signer = await signerFor(session, signerName);
  const r = orFail(await session.ledger.manifests.define(manifest, signer), messageOf);
  return { manifestId: r.manifestId, receipt: receiptJson(r.receipt) };
}

export async function buildDataset(
  session: Pick<WriteSession, 'keyring' | 'ledger' | 'buildResult'>,
  dataset: string,
  manifestId: string,
  signerName: string,
): Promise<BuildJson> {
  const signer = await signerFor(session, signerName);
  const receipt = orFail(await session.ledger.datasets.requestBuild(dataset, manifestId, signer), messageOf);
  const built = await session.buildResult(dataset, receipt.id);
  return { dataset, manifestId, receipt: receiptJson(receipt), version: built.version, unchanged: built.unchanged };
}

export const buildText = (b: BuildJson): string =>
  b.version === null
    ? `build requested at position ${b.receipt.position}; no version cut yet`
    : b.unchanged
      ? `no change since ${b.dataset}@${b.version.ordinal} = ${b.version.versionId}\n  ${b.version.memberCount} members, manifest ${short(b.manifestId)}; the log up to position ${b.receipt.position} assembles to the same version`
      : `${b.dataset}@${b.version.ordinal} = ${b.version.versionId}\n  ${b.version.memberCount} members, Merkle root ${b.version.merkleRoot}, manifest ${short(b.manifestId)}`;

export function registerDatasets(program: Command): void {
  const manifest = program.command('manifest').description('the rules that decide inclusion');
  manifest
    .command('define <file>')
    .description('define a manifest from a JSON file (defaults filled in); prints its id, the hash of its canonical JSON')
    .requiredOption('--as <name>', 'the signer: a curator or a dataset maintainer (rule manifest-authority)')
    .addHelpText('after', MANIFEST_HELP)
    .action(async (file: string, opts: { as: string }, command: Command) => {
      let parsed: unknown;
      try {
        parsed = await readJsonFile(file);
      } catch (cause) {
        fail(ExitCode.usage, `${file}: not a readable JSON file (${cause instanceof Error ? cause.message : String(cause)})`);
      }
      await withWrites(globalsOf(command), async (session) => {
        const m = await defineManifest(session, parsed, opts.as);
        emit(m, { json: session.json }, (x) => `manifest ${x.manifestId}\n  defined at position ${x.receipt.position}`);
      });
    });

  const dataset = program.command('dataset').description('named datasets and their versions');
  dataset
    .command('define <name>')
    .description('define a dataset name')
    .requiredOption('--as <name>', 'the signer: a curator, who then maintains the dataset (rule dataset-authority)')
    .option('--description <text>', 'what the dataset is for')
    .action(async (name: string, opts: { as: string; description?: string }, command: Command) => {
      await withWrites(globalsOf(command), async (session) => {
        const signer = await signerFor(session, opts.as);
        const r = await orFailAppend(session, await session.ledger.datasets.define(name, signer, opts.description));
        emit(receiptJson(r), { json: session.json }, (x) => `dataset ${name} defined at position ${x.position}`);
      });
    });

  dataset
    .command('build <name>')
    .description(
      'ask for a build: the manifest applied to the log up to this request cuts a version; each request is new, so building again after new facts cuts a new version, and when the log assembles to the current version it says "no change since NAME@N" (--json: unchanged: true)',
    )
    .requiredOption('--manifest <id>', 'the manifest id')
    .requiredOption('--as <name>', "the signer: one of the dataset's maintainers or a curator (rule build-authority)")
    .action(async (name: string, opts: { manifest: string; as: string }, command: Command) => {
      await withWrites(globalsOf(command), async (session) => {
        const b = await buildDataset(session, name, opts.manifest, opts.as);
        emit(b, { json: session.json }, buildText);
      });
    });

  dataset
    .command('versions <name>')
    .description('every version of the dataset, in the order first cut (NAME@1, NAME@2, ...)')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (name: string, opts: { asOf?: string }, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        emit(orFailRead(await session.cairn.datasetVersions(name, asOfOf(opts.asOf))), { json: session.json }, (x) =>
          x.versions.length === 0
            ? `dataset ${name} has no versions`
            : table(
                ['version', 'id', 'members', 'manifest', 'first cut at', 'cause'],
                x.versions.map((v) => [
                  `${name}@${v.ordinal}${v.versionId === x.current ? ' *' : ''}`,
                  short(v.versionId, 16),
                  String(v.memberCount),
                  short(v.manifestId),
                  String(v.position),
                  v.builds[0]?.cause ?? '',
                ]),
              ),
        );
      });
    });

  dataset
    .command('show <ref>')
    .description(
      'one version (NAME@VERSION): Merkle root, manifest, contributors, sources, licenses, and its members a page at a time (CF id order)',
    )
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .option('--limit <n>', 'members per page (0 lists none)', String(DEFAULT_MEMBER_PAGE))
    .option('--offset <n>', 'skip this many members first')
    .option('--after <cf>', 'start after this member CF id (the `next` of the previous page)')
    .action(async (ref: string, opts: { asOf?: string; limit: string; offset?: string; after?: string }, command: Command) => {
      const page = memberPageOf(opts);
      await withReads(globalsOf(command), async (session) => {
        // The server pages with its own cursor, pinned to the first page's moment (GET /v1/versions/{ref}).
        if (session.remote !== undefined && (page.after !== undefined || page.offset !== undefined))
          usage(page.after !== undefined ? '--after' : '--offset', 'not over HTTP: a server is read from the first page (raise --limit)');
        await session.catchUp();
        const out = orFailRead(await session.cairn.datasetShow(ref, page, asOfOf(opts.asOf)));
        emit(out, { json: session.json }, (x) =>
          [
            `${x.dataset}@${x.ordinal}  ${x.versionId}`,
            `  members      ${x.version.memberCount}`,
            `  Merkle root  ${x.version.merkleRoot}`,
            `  manifest     ${x.version.manifestId}`,
            `  first cut at position ${x.version.position}${x.build ? `, last cut by ${x.build.cause} at ${x.build.position}` : ''}`,
            `  contributors ${x.contributors.map((c) => `${short(c.contributor)} (${c.members})`).join(', ') || '-'}`,
            `  sources      ${x.sources.map((s) => `${s.source} (${s.members})`).join(', ') || '-'}`,
            `  licenses     ${x.licenses.map((l) => `${l.license} (${l.members})`).join(', ') || '-'}`,
            ...membersText(x.dataset, x.ordinal, x),
          ].join('\n'),
        );
      });
    });
}

export const DEFAULT_MEMBER_PAGE = 50;

function memberPageOf(opts: { limit: string; offset?: string; after?: string }): { limit: number; offset?: number; after?: string } {
  const count = (flag: string, text: string): number =>
    /^\d{1,9}$/.test(text) ? Number(text) : usage(flag, `expected a whole number of members, got ${JSON.stringify(text)}`);
  const limit = count('--limit', opts.limit);
  if (opts.after !== undefined && opts.offset !== undefined) usage('--after', 'give --after or --offset, not both');
  if (opts.after !== undefined && !isSha256Hex(opts.after))
    usage('--after', `expected a member CF id (64 lowercase hex), got ${JSON.stringify(opts.after)}`);
  return {
    limit,
    ...(opts.offset !== undefined ? { offset: count('--offset', opts.offset) } : {}),
    ...(opts.after !== undefined ? { after: opts.after } : {}),
  };
}

function membersText(dataset: string, ordinal: number, page: MemberPage): string[] {
  if (page.limit === 0) return [];
  if (page.members.length === 0) return [`  no members listed (${page.offset} of ${page.total} skipped)`];
  const first = page.offset + 1;
  const last = page.offset + page.members.length;
  return [
    `  members ${first}-${last} of ${page.total}:`,
    ...table(
      ['cf', 'kind', 'license', 'source', 'why in'],
      page.members.map((m) => [m.cfId, m.kind, m.license ?? '-', m.source ?? '-', m.reason]),
    )
      .split('\n')
      .map((line) => `    ${line}`),
    ...(page.next !== null ? [`  more: cairn dataset show ${dataset}@${ordinal} --after ${page.next}`] : []),
  ];
}
