// cairn licenses NAME@V (the license set, obligations and conflicts under the auditable rules of
// projections' license-rules.json) and cairn card NAME@V (a Markdown provenance card).
import type { Command } from 'commander';
import type { LicenseReport } from '@cairn/datasets';
import { table } from '../output.js';
import { orFailRead, withSession, type Session } from '../session.js';
import type { CardFacts, ResolvedVersion } from '@cairn/client';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf, named, show, short } from './common.js';

export type LicensesJson = LicenseReport & { readonly ref: ResolvedVersion };

export function licensesText(x: LicensesJson, labels: ReadonlyMap<string, string>): string {
  const o = x.obligations;
  return [
    `licenses of ${x.ref.dataset}@${x.ref.ordinal} (${short(x.ref.versionId)}): ${x.licenses.join(', ') || '(none)'}`,
    table(
      ['expression', 'members', 'resolved to'],
      x.expressions.map((e) => [e.expression, String(e.members), e.resolvedTo.join(' + ')]),
    ),
    ...(x.unknown.length > 0 ? [`not in the rules (check by hand): ${x.unknown.join(', ')}`] : []),
    'obligations',
    `  attribution     ${o.attribution.map((a) => `${named(labels, a.contributor)} (${a.members} members: ${a.licenses.join(', ')})`).join('; ') || '-'}`,
    `  share-alike     ${o.shareAlike.join(', ') || '-'}`,
    `  non-commercial  ${o.nonCommercial.join(', ') || '-'}`,
    `  no-derivatives  ${o.noDerivatives.join(', ') || '-'}`,
    x.conflicts.length === 0
      ? 'conflicts: none'
      : `conflicts:\n${x.conflicts.map((c) => `  [${c.rule}] ${c.licenses.join(' vs ')}: ${c.comment}`).join('\n')}`,
  ].join('\n');
}

export async function licensesOf(session: Session, ref: string, asOf?: string): Promise<LicensesJson> {
  return orFailRead(await session.cairn.licenses(ref, asOfOf(asOf)));
}

export async function cardFacts(session: Session, ref: string, asOf?: string): Promise<CardFacts> {
  return orFailRead(await session.cairn.cardFacts(ref, asOfOf(asOf)));
}

const DIFF_LINES = 20;

export function cardMarkdown(c: CardFacts, labels: ReadonlyMap<string, string>): string {
  const v = c.origin.version;
  const mdTable = (head: readonly string[], rows: readonly (readonly string[])[]) =>
    [
      `| ${head.join(' | ')} |`,
      `| ${head.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${r.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`),
    ].join('\n');
  const o = c.licenses.obligations;
  const s = c.validation;
  const lines = [
    `# ${c.ref.dataset}@${c.ref.ordinal} — provenance card`,
    '',
    `- **version id** \`${v.versionId}\``,
    `- **Merkle root** \`${v.merkleRoot}\` (RFC 6962 over the member CF ids in id order)`,
    `- **manifest** \`${v.manifestId}\``,
    `- **first cut** at log position ${v.position}${c.origin.build ? `; last cut by ${c.origin.build.cause} at ${c.origin.build.position}` : ''}`,
    `- **members** ${v.memberCount} (${c.kinds.map((k) => `${k.members} ${k.kind}s`).join(', ') || 'none'})`,
    ...(c.erased.length === 0
      ? []
      : [
          `- **erased** ${c.erased.length} members erased since this version was cut; their bytes can no longer be read (see Erased members)`,
        ]),
    '',
    ...(c.erased.length === 0
      ? []
      : [
          '## Erased members',
          '',
          mdTable(
            ['member', 'erased by event', 'at position', 'reason'],
            c.erased.map((e) => [`\`${e.cfId}\``, `\`${e.eventId}\``, String(e.position), e.reason]),
          ),
          '',
        ]),
    '## Contributors',
    '',
    mdTable(
      ['contributor', 'id', 'members'],
      c.origin.contributors.map((x) => [labels.get(x.contributor) ?? '', `\`${x.contributor}\``, String(x.members)]),
    ),
    '',
    '## Sources',
    '',
    mdTable(
      ['source', 'members'],
      c.origin.sources.map((x) => [x.source, String(x.members)]),
    ),
    '',
    '## Licenses and obligations',
    '',
    mdTable(
      ['expression', 'members', 'resolved to'],
      c.licenses.expressions.map((e) => [e.expression, String(e.members), e.resolvedTo.join(' + ')]),
    ),
    '',
    `- attribution required for: ${o.attribution.map((a) => `${named(labels, a.contributor)} (${a.licenses.join(', ')})`).join('; ') || 'nobody'}`,
    `- share-alike: ${o.shareAlike.join(', ') || 'none'}; non-commercial: ${o.nonCommercial.join(', ') || 'none'}; no-derivatives: ${o.noDerivatives.join(', ') || 'none'}`,
    `- conflicts: ${c.licenses.conflicts.map((x) => `[${x.rule}] ${x.licenses.join(' vs ')} — ${x.comment}`).join('; ') || 'none'}`,
    ...(c.licenses.unknown.length > 0 ? [`- not covered by the rules (check by hand): ${c.licenses.unknown.join(', ')}`] : []),
    '',
    '## Validation',
    '',
    `${s.validations} validations by ${s.validators} validators cover ${s.membersValidated} of ${v.memberCount} members: ${s.approvals} approvals, ${s.rejections} rejections, ${s.scores} scores${s.meanScore === null ? '' : ` (mean ${s.meanScore.toFixed(3)})`}.`,
    '',
    '## Manifest',
    '',
    '```json',
    JSON.stringify(c.manifest, null, 2),
    '```',
    '',
    '## Changes from the previous version',
    '',
  ];
  if (c.previous === null) lines.push('This is the first version of the dataset.');
  else {
    const d = c.previous.diff;
    lines.push(
      `From ${c.ref.dataset}@${c.previous.ref.ordinal} (\`${short(c.previous.ref.versionId, 16)}\`): +${d.counts.added} added, -${d.counts.removed} removed, ~${d.counts.changed} changed, ${d.counts.unchanged} unchanged.`,
      '',
    );
    const entries = [
      ...d.added.map((e) => `- added \`${short(e.cfId, 16)}\`: ${e.cause.kind} — ${e.cause.reason}`),
      ...d.removed.map((e) => `- removed \`${short(e.cfId, 16)}\`: ${e.cause.kind} — ${e.cause.reason}`),
      ...d.changed.map((e) => `- changed \`${short(e.from, 16)}\` → \`${short(e.to, 16)}\`: ${e.cause.kind} — ${e.cause.reason}`),
    ];
    lines.push(...entries.slice(0, DIFF_LINES));
    if (entries.length > DIFF_LINES) lines.push(`- … and ${entries.length - DIFF_LINES} more (cairn diff)`);
  }
  return lines.join('\n');
}

export function registerLicensesCard(program: Command): void {
  program
    .command('licenses <ref>')
    .description('the license set of NAME@VERSION, the obligations its members carry and the conflicts between them')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (ref: string, opts: { asOf?: string }, command: Command) => {
      await withSession(globalsOf(command), async (session) => {
        await session.catchUp();
        const l = await licensesOf(session, ref, opts.asOf);
        await show(session.json, l, async (x) =>
          licensesText(x, await session.cairn.labels(x.obligations.attribution.map((a) => a.contributor))),
        );
      });
    });

  program
    .command('card <ref>')
    .description(
      'a Markdown provenance card of NAME@VERSION: counts, contributors, sources, licenses, validation, manifest, Merkle root, diff to the previous version',
    )
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (ref: string, opts: { asOf?: string }, command: Command) => {
      await withSession(globalsOf(command), async (session) => {
        await session.catchUp();
        const facts = await cardFacts(session, ref, opts.asOf);
        const labels = await session.cairn.labels(facts.origin.contributors.map((c) => c.contributor));
        await show(session.json, { ...facts, markdown: cardMarkdown(facts, labels) }, (x) => x.markdown);
      });
    });
}
