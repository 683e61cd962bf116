// cairn show CF: everything the ledger knows about one CF (the answer is showCf's, in
// @cairn/datasets), and with --bytes the sample's plaintext through the SDK.
import { printSampleBytes } from '../sample-bytes.js';
import type { Command } from 'commander';
import { cfPrefixOf, isFullCfId, type CfShowAnswer, type ShownEvent } from '@cairn/client';
import { messageOf, orFail, usage } from '../fail.js';
import { emit } from '../output.js';
import { cfArg, orFailRead, withSession } from '../session.js';
import { withReads, type ReadSession } from '../read-session.js';
import { globalsOf, short } from './common.js';
import { signerFor } from './datasets.js';

export type ShowJson = CfShowAnswer;

/** `cf` is a CF id or a unique prefix of one. */
export async function showOf(session: Pick<ReadSession, 'cairn' | 'catchUp'>, cf: string): Promise<ShowJson> {
  await session.catchUp();
  return orFailRead(await session.cairn.show(cf));
}

const value = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function showText(s: ShowJson): string {
  const who = (id: string) => (s.names[id] !== undefined ? `${s.names[id]} (${short(id, 8)})` : short(id, 16));
  const oneLine = (e: ShownEvent) => {
    const p = e.payload;
    const what =
      e.type === 'LabelContributed'
        ? `label ${value(p['labelType'])} = ${value(p['value'])}`
        : e.type === 'ValidationContributed'
          ? `validation ${value(p['verdict'])}${p['score'] !== undefined ? ` ${value(p['score'])}` : ''}`
          : e.type;
    const why = ['reason', 'note', 'rationale'].filter((k) => p[k] !== undefined).map((k) => value(p[k]));
    return `${what} by ${who(e.signer)} at ${e.position}${why.length > 0 ? `: ${why.join(' - ')}` : ''}  [${e.eventId}]`;
  };
  const lines = [
    `${s.kind} ${s.cfId}`,
    `  signer       ${who(s.signer)}`,
    `  position     ${s.position} (recorded ${s.recordedAt.toISOString()})`,
    ...(s.importId !== null ? [`  import id    ${s.importId}`] : []),
    ...Object.entries(s.payload).map(
      ([k, v]) =>
        `  ${k.padEnd(12)} ${k === 'commitment' && typeof v === 'object' && v !== null ? `${value((v as Record<string, unknown>)['scheme'])} ${value((v as Record<string, unknown>)['value'])}` : value(v)}`,
    ),
  ];
  const section = (title: string, items: readonly string[]) => (items.length === 0 ? [] : [`  ${title}:`, ...items.map((i) => `    ${i}`)]);
  lines.push(...section('labels and validations', s.targetedBy.map(oneLine)));
  lines.push(
    ...section(
      'replaced by',
      s.replacedBy.map((e) => `${e.how === 'amends' ? 'amendment' : 'supersession'} ${e.eventId} by ${who(e.signer)} at ${e.position}`),
    ),
  );
  lines.push(...section('later', s.later.map(oneLine)));
  lines.push(
    ...section(
      'member of',
      s.versions.map((v) => `${v.dataset}@${v.ordinal ?? '?'} ${short(v.versionId, 16)}  ${v.reason}`),
    ),
  );
  if (s.versions.length === 0) lines.push('  member of no dataset version');
  return lines.join('\n');
}

export function registerShow(program: Command): void {
  program
    .command('show <cf>')
    .description(
      "everything the ledger knows about a CF: payload (attributes, license, source, media type, size, commitment), signer, position, import row id, the labels and validations on it, amendments, deprecation and erasure, and the dataset versions it is in; --bytes prints the sample's bytes",
    )
    .option('--bytes', "print the sample's bytes instead (raw on stdout, base64 in --json)")
    .option('--as <name>', 'the reader, with --bytes')
    .option('--out <file>', 'with --bytes: write the bytes to this file')
    .action(async (cf: string, opts: { bytes?: boolean; as?: string; out?: string }, command: Command) => {
      // A malformed id fails before the store is opened.
      if (!isFullCfId(cf)) orFailRead(cfPrefixOf(cf, 'CF'));
      if (!opts.bytes && (opts.as !== undefined || opts.out !== undefined))
        usage(opts.out !== undefined ? '--out' : '--as', 'goes with --bytes');
      if (opts.bytes && opts.as === undefined) usage('--as', 'reading sample bytes needs a reader (--as NAME)');
      if (!opts.bytes) {
        await withReads(globalsOf(command), async (session) => emit(await showOf(session, cf), { json: session.json }, showText));
        return;
      }
      await withSession(globalsOf(command), async (session) => {
        const cfId = await cfArg(session, cf);
        // People read sample bytes as a reader (the SDK's read-authority rule): the author, or a
        // contributor holding the reader role (curators and admins do).
        const reader = await signerFor(session, opts.as!);
        const bytes = orFail(await session.ledger.samples.readAs(cfId, reader), messageOf);
        await printSampleBytes(session, cfId, bytes, opts.out);
      });
    });
}
