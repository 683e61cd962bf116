// What changed between two versions: counts at a glance (a bar chart), then the added, removed
// and changed members grouped by the cause the server names, each with the event behind it.
import { getJson } from '../api.js';
import { freshness, useMoment } from '../context.js';
import { useAsync } from '../hooks.js';
import type { Cause, Diff } from '../types.js';
import { At, CfLink, Id, Link, Show } from '../ui.js';
import { causeText } from './dataset.js';

const BARS = [
  ['added', '#2e7d32'],
  ['removed', '#c62828'],
  ['changed', '#ef6c00'],
  ['unchanged', '#78909c'],
] as const;

export function CountsChart({ counts }: { counts: Diff['counts'] }) {
  const max = Math.max(1, ...BARS.map(([k]) => counts[k]));
  const width = 320;
  const row = 26;
  return (
    <figure class="chart">
      <svg
        role="img"
        aria-labelledby="counts-title"
        width={width + 140}
        height={BARS.length * row + 4}
        viewBox={`0 0 ${width + 140} ${BARS.length * row + 4}`}
      >
        <title id="counts-title">{BARS.map(([k]) => `${counts[k]} ${k}`).join(', ')}</title>
        {BARS.map(([k, colour], i) => (
          <g transform={`translate(0 ${i * row + 2})`} data-count={k}>
            <text x="0" y="16" class="chart-label">
              {k}
            </text>
            <rect x="90" y="2" height={row - 8} width={Math.max(counts[k] > 0 ? 2 : 0, (counts[k] / max) * width)} fill={colour} />
            <text x={96 + (counts[k] / max) * width} y="16" class="chart-value">
              {counts[k]}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

function CauseLine({ cause }: { cause: Cause }) {
  return (
    <span class="muted">
      {cause.reason}
      {cause.event !== null && (
        <>
          {' '}
          (event <Id id={cause.event.eventId} /> at position <At position={cause.event.position} />)
        </>
      )}
    </span>
  );
}

function byCause<T extends { cause: Cause }>(rows: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const r of rows) groups.set(r.cause.kind, [...(groups.get(r.cause.kind) ?? []), r]);
  return [...groups.entries()];
}

export function DiffView({ query }: { query: Readonly<Record<string, string>> }) {
  const moment = useMoment();
  const from = query.from ?? '';
  const to = query.to ?? '';
  const diff = useAsync(() => getJson<Diff>('/v1/diff', { from, to, asOf: moment.asOf }), [from, to, freshness(moment)]);
  return (
    <section aria-labelledby="diff-title">
      <h1 id="diff-title">
        What changed from {from} to {to}
      </h1>
      <Show loaded={diff} what="the diff">
        {(d) => (
          <>
            <p>
              <Link view="dataset" arg={d.from.dataset} query={{ v: String(d.from.ordinal ?? '') }}>
                {d.from.dataset}@{d.from.ordinal}
              </Link>{' '}
              (cut at <At position={d.from.position} />) →{' '}
              <Link view="dataset" arg={d.to.dataset} query={{ v: String(d.to.ordinal ?? '') }}>
                {d.to.dataset}@{d.to.ordinal}
              </Link>{' '}
              (cut at <At position={d.to.position} />)
            </p>
            <CountsChart counts={d.counts} />
            {d.truncated && <p class="muted">The lists are cut short; the counts are whole.</p>}
            {(['added', 'removed'] as const).map((side) => (
              <section aria-label={side}>
                <h2>
                  {side[0]!.toUpperCase() + side.slice(1)} ({d.counts[side]})
                </h2>
                {byCause(d[side]).map(([kind, rows]) => (
                  <>
                    <h3>by {causeText(kind)}</h3>
                    <ul>
                      {rows.map((r) => (
                        <li>
                          <CfLink id={r.cfId} /> <CauseLine cause={r.cause} />
                        </li>
                      ))}
                    </ul>
                  </>
                ))}
              </section>
            ))}
            <section aria-label="changed">
              <h2>Changed ({d.counts.changed})</h2>
              {byCause(d.changed).map(([kind, rows]) => (
                <>
                  <h3>by {causeText(kind)}</h3>
                  <ul>
                    {rows.map((r) => (
                      <li>
                        <CfLink id={r.from} /> → <CfLink id={r.to} /> <CauseLine cause={r.cause} />
                      </li>
                    ))}
                  </ul>
                </>
              ))}
            </section>
          </>
        )}
      </Show>
    </section>
  );
}
