// cairn diff, cairn why, cairn impact, cairn history: answers from the projection tables, each
// with the events behind it.
import type { Command } from 'commander';
import { diffToText, type CfHistory, type DiffAnswer, type Impact, type VersionDiff, type WhyResult } from '@cairn/client';
import { orFailRead } from '../session.js';
import { withReads, type ReadSession } from '../read-session.js';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf, named, short, show } from './common.js';

export type DiffJson = DiffAnswer;
export type WhyJson = WhyResult;

export async function diffOf(session: Pick<ReadSession, 'cairn'>, a: string, b: string, asOf?: string): Promise<DiffJson> {
  return orFailRead(await session.cairn.diff(a, b, asOfOf(asOf)));
}

export async function diffText(session: Pick<ReadSession, 'cairn'>, d: DiffJson): Promise<string> {
  const labels = await session.cairn.labels([...d.added, ...d.removed].map((e) => e.cfId).concat(d.changed.flatMap((c) => [c.from, c.to])));
  const lines = [
    `${d.from.dataset}@${d.from.ordinal} → ${d.to.dataset}@${d.to.ordinal}: +${d.counts.added} added, -${d.counts.removed} removed, ~${d.counts.changed} changed, ${d.counts.unchanged} unchanged`,
  ];
  // a rule's reason already starts with its name ("deprecated: ..."); do not say it twice
  const cause = (c: VersionDiff['added'][number]['cause']) =>
    `${c.reason.startsWith(`${c.kind}:`) ? '' : `${c.kind}: `}${c.reason}${c.event ? ` [event ${short(c.event.eventId, 8)} @${c.event.position}]` : ''}`;
  for (const e of d.added) lines.push(`  + ${named(labels, e.cfId)}  ${cause(e.cause)}`);
  for (const e of d.removed) lines.push(`  - ${named(labels, e.cfId)}  ${cause(e.cause)}`);
  for (const c of d.changed) lines.push(`  ~ ${named(labels, c.from)} → ${named(labels, c.to)}  ${cause(c.cause)}`);
  if (d.truncated) lines.push('  (only the first entries carry causes; counts are complete)');
  lines.push('', diffToText(d));
  return lines.join('\n');
}

/** `cf` is a CF id or a unique prefix of one. */
export async function whyOf(session: Pick<ReadSession, 'cairn'>, cf: string, ref: string, asOf?: string): Promise<WhyJson> {
  return orFailRead(await session.cairn.why(cf, ref, asOfOf(asOf)));
}

export async function whyText(session: Pick<ReadSession, 'cairn'>, w: WhyJson): Promise<string> {
  const ev = w.evidence;
  const labels = await session.cairn.labels([
    w.cfId,
    ...(ev ? [ev.author, ...ev.approvals.map((a) => a.validator), ...ev.rejections.map((a) => a.validator)] : []),
  ]);
  const lines = [
    `${named(labels, w.cfId)} is ${w.included ? 'IN' : 'NOT in'} ${w.ref.dataset}@${w.ref.ordinal} (${short(w.ref.versionId)})`,
    w.included ? `  because: ${w.reason}` : `  first failing rule: ${w.rule}: ${w.reason}`,
  ];
  if (ev) {
    lines.push(
      `  author ${named(labels, ev.author)}, source ${ev.source ?? '-'}, license ${ev.license ?? '-'}${ev.licenseAllowed === null ? '' : ev.licenseAllowed ? ' (allowed)' : ' (NOT allowed)'}`,
    );
    for (const a of ev.approvals) lines.push(`  approved by ${named(labels, a.validator)} [event ${short(a.eventId, 8)} @${a.position}]`);
    for (const r of ev.rejections) lines.push(`  rejected by ${named(labels, r.validator)} [event ${short(r.eventId, 8)} @${r.position}]`);
    if (ev.agreement !== null) lines.push(`  agreement ${ev.agreement.toFixed(2)}`);
    if (ev.replacedBy) lines.push(`  replaced by ${short(ev.replacedBy.eventId)} @${ev.replacedBy.position}`);
    if (ev.replaces) lines.push(`  stands in for ${short(ev.replaces.eventId)} @${ev.replaces.position}`);
    if (ev.deprecatedBy)
      lines.push(`  deprecated (${ev.deprecatedBy.reason}) [event ${short(ev.deprecatedBy.eventId, 8)} @${ev.deprecatedBy.position}]`);
    if (ev.duplicateOf) lines.push(`  duplicate of ${short(ev.duplicateOf.eventId)}`);
    if (ev.erasedBy)
      lines.push(
        `  erased [event ${short(ev.erasedBy.eventId, 8)} @${ev.erasedBy.position}]${ev.erasedBy.sample === w.cfId ? '' : ` with the sample it depends on, ${short(ev.erasedBy.sample)}`}`,
      );
  }
  if (w.erased && w.included)
    lines.push(
      `  note: erased since position ${w.erased.position} [event ${short(w.erased.eventId, 8)}]: a member of this version, its bytes can no longer be read`,
    );
  lines.push(`  decided by the build at position ${w.buildPosition}`);
  return lines.join('\n');
}

export async function impactOf(session: Pick<ReadSession, 'cairn'>, cf: string, asOf?: string): Promise<Impact> {
  return orFailRead(await session.cairn.impact(cf, asOfOf(asOf)));
}

export async function impactText(session: Pick<ReadSession, 'cairn'>, i: Impact): Promise<string> {
  const labels = await session.cairn.labels([i.cfId, ...i.dependents.map((d) => d.eventId)]);
  const lines = [`if ${named(labels, i.cfId)} is amended or erased:`];
  lines.push(
    `  ${i.dependents.length} dependent CFs${i.dependents.map((d) => `\n    ${d.relation.padEnd(10)} ${d.kind} ${named(labels, d.eventId)} @${d.position}`).join('')}`,
  );
  lines.push(`  ${i.assets.length} assets${i.assets.map((a) => `\n    ${a.name} (${short(a.assetId)})`).join('')}`);
  lines.push(
    `  ${i.versions.length} dataset versions${i.versions.map((v) => `\n    ${v.dataset} ${short(v.versionId)}${v.current ? ' (current)' : ''} @${v.position}`).join('')}`,
  );
  lines.push(
    `  ${i.runs.length} training runs${i.runs.map((r) => `\n    ${r.runId} on ${short(r.versionId)} → model ${short(r.modelHash)}`).join('')}`,
  );
  lines.push(`  ${i.models.length} models`);
  if (i.erased)
    lines.push(
      `  erased at position ${i.erased.position} [event ${short(i.erased.eventId, 8)}]: ${i.erased.reason}; the runs above trained on its bytes`,
    );
  return lines.join('\n');
}

export async function historyOf(session: Pick<ReadSession, 'cairn'>, cf: string, asOf?: string): Promise<CfHistory> {
  return orFailRead(await session.cairn.history(cf, asOfOf(asOf)));
}

export async function historyText(session: Pick<ReadSession, 'cairn'>, h: CfHistory): Promise<string> {
  const labels = await session.cairn.labels([...h.family.map((n) => n.id), ...h.steps.flatMap((s) => ('by' in s ? [s.by] : []))]);
  const lines = [`history of ${named(labels, h.cfId)} (${h.family.length} CFs in the family)`];
  for (const s of h.steps) {
    const at = `@${s.position}`.padEnd(6);
    if (s.action === 'contributed') lines.push(`  ${at} contributed  ${named(labels, s.cfId)}`);
    else if (s.action === 'amends' || s.action === 'supersedes')
      lines.push(`  ${at} ${s.action.padEnd(12)} ${named(labels, s.cfId)} ${s.action} ${named(labels, s.target)}`);
    else if (s.action === 'deprecated')
      lines.push(`  ${at} deprecated   ${named(labels, s.cfId)} by ${named(labels, s.by)}${s.reason ? `: ${s.reason}` : ''}`);
    else if (s.action === 'erased') lines.push(`  ${at} erased       ${named(labels, s.cfId)}${s.reason ? `: ${s.reason}` : ''}`);
  }
  lines.push(`  standing now: ${h.standing.map((id) => named(labels, id)).join(', ') || 'nothing (deprecated or erased)'}`);
  return lines.join('\n');
}

export function registerQueries(program: Command): void {
  program
    .command('diff <a> <b>')
    .description('what changed between two versions (NAME@A NAME@B): added, removed, changed CFs, each with its cause')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (a: string, b: string, opts: { asOf?: string }, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const d = await diffOf(session, a, b, opts.asOf);
        await show(session.json, d, (x) => diffText(session, x));
      });
    });

  program
    .command('why <cf>')
    .description(
      'why a CF is in a version (the rule and the events that satisfied it) or not (the first rule that failed, with the numbers)',
    )
    .requiredOption('--in <ref>', 'the version, NAME@VERSION')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (cf: string, opts: { in: string; asOf?: string }, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const w = await whyOf(session, cf, opts.in, opts.asOf);
        await show(session.json, w, (x) => whyText(session, x));
      });
    });

  program
    .command('impact <cf>')
    .description('what is affected if this CF is amended or erased: dependent CFs, assets, dataset versions, runs, models')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (cf: string, opts: { asOf?: string }, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const i = await impactOf(session, cf, opts.asOf);
        await show(session.json, i, (x) => impactText(session, x));
      });
    });

  program
    .command('history <cf>')
    .description('the amend / supersede / deprecate / erase chain of a CF, each step with its event')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (cf: string, opts: { asOf?: string }, command: Command) => {
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const h = await historyOf(session, cf, opts.asOf);
        await show(session.json, h, (x) => historyText(session, x));
      });
    });
}
