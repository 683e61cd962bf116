// Pictures of a diff, for people who would rather see than read: a Mermaid flowchart (renders in
// GitHub and most docs tools) and a compact text bar chart for terminals.
import type { VersionDiff } from './diff.js';

const short = (id: string): string => id.slice(0, 12);

export function diffToMermaid(d: VersionDiff): string {
  const lines = [
    'flowchart LR',
    `  A["${d.a.dataset} ${short(d.a.versionId)}<br/>${d.a.memberCount} members"]`,
    `  B["${d.b.dataset} ${short(d.b.versionId)}<br/>${d.b.memberCount} members"]`,
    `  A -- "${d.counts.unchanged} unchanged" --> B`,
  ];
  if (d.counts.removed > 0) lines.push(`  A -- "${d.counts.removed} removed" --> R(("removed"))`);
  if (d.counts.added > 0) lines.push(`  N(("added")) -- "${d.counts.added} added" --> B`);
  if (d.counts.changed > 0) lines.push(`  A -. "${d.counts.changed} amended/superseded" .-> B`);
  const causes = new Map<string, number>();
  for (const e of [...d.removed, ...d.added]) causes.set(e.cause.kind, (causes.get(e.cause.kind) ?? 0) + 1);
  [...causes].sort(([x], [y]) => (x < y ? -1 : 1)).forEach(([kind, n], i) => lines.push(`  C${i}["${kind}: ${n}"]:::cause`));
  lines.push('  classDef cause fill:#f6f6f6,stroke:#999');
  return lines.join('\n') + '\n';
}

export function diffToText(d: VersionDiff, width = 40): string {
  const total = Math.max(1, d.counts.unchanged + d.counts.added + d.counts.removed + d.counts.changed);
  const bar = (n: number, ch: string) => ch.repeat(n === 0 ? 0 : Math.max(1, Math.round((n / total) * width)));
  const row = (label: string, n: number, ch: string) => `${label.padEnd(10)} ${bar(n, ch).padEnd(width)} ${n}`;
  return (
    [
      `${short(d.a.versionId)} (${d.a.memberCount}) -> ${short(d.b.versionId)} (${d.b.memberCount})`,
      row('unchanged', d.counts.unchanged, '='),
      row('added', d.counts.added, '+'),
      row('removed', d.counts.removed, '-'),
      row('changed', d.counts.changed, '~'),
      ...d.assets.map((a) => `asset ${a.name}: +${a.added} -${a.removed}`),
    ].join('\n') + '\n'
  );
}
