// The Markdown provenance card of one version (`cairn card`, the server's GET .../card): a pure
// rendering of the card's facts and the contributors' names, so both surfaces print one card.
import type { CardFacts } from './reads.js';

const short = (id: string, n = 12): string => (id.length > n ? `${id.slice(0, n)}…` : id);

function named(labels: ReadonlyMap<string, string>, id: string): string {
  const label = labels.get(id);
  return label === undefined ? short(id) : `${label} (${short(id, 8)})`;
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
