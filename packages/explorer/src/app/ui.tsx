// Small pieces every view uses: ids shown short with the whole id a tooltip away, states of a read.
import type { ComponentChildren } from 'preact';
import type { Loaded } from './hooks.js';
import { href } from './route.js';
import { useMoment } from './context.js';

export const short = (id: string, n = 12): string => (id.length > n ? `${id.slice(0, n)}…` : id);

export function Id({ id, n }: { id: string; n?: number }) {
  return (
    <code class="id" title={id}>
      {short(id, n)}
    </code>
  );
}

/** A link to a view that keeps the moment shown. */
export function Link({
  view,
  arg,
  query,
  children,
  label,
}: {
  view: string;
  arg?: string;
  query?: Record<string, string | undefined>;
  children: ComponentChildren;
  label?: string;
}) {
  const { asOf } = useMoment();
  return (
    <a href={href(view, arg, query, asOf)} aria-label={label}>
      {children}
    </a>
  );
}

export const CfLink = ({ id }: { id: string }) => (
  // The name holds what is shown (the short id) and then the whole id.
  <Link view="cf" arg={id} label={`${short(id)} CF ${id}`}>
    <Id id={id} />
  </Link>
);

export function Show<T>({ loaded, children, what }: { loaded: Loaded<T>; what: string; children: (value: T) => ComponentChildren }) {
  if (loaded.state === 'loading')
    return (
      <p class="muted" role="status">
        Loading {what}…
      </p>
    );
  if (loaded.state === 'error')
    return (
      <p class="error" role="alert">
        {what}: {loaded.message}
      </p>
    );
  return <>{children(loaded.value)}</>;
}

/** A position link: the same view as of that log position. */
export function At({ position }: { position: string }) {
  return (
    <a href={atPosition(position)} title={`see the ledger as of position ${position}`}>
      {position}
    </a>
  );
}

function atPosition(position: string): string {
  const hash = window.location.hash.replace(/^#/, '');
  const [path = '/', q = ''] = hash.split('?', 2);
  const params = new URLSearchParams(q);
  params.set('asOf', position);
  return `#${path}?${params.toString()}`;
}

export interface Column<T> {
  readonly head: string;
  readonly cell: (row: T) => ComponentChildren;
  /** A number: right-aligned. */
  readonly num?: boolean;
}

/**
 * A table of counted things (licenses, contributors, sources, credit shares): one component for
 * all of them. With `bar`, each row also draws its value as a bar against the largest, a chart
 * that stays a table for screen readers.
 */
export function CountTable<T>({
  caption,
  columns,
  rows,
  bar,
}: {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  bar?: { readonly head: string; readonly value: (row: T) => number; readonly text: (row: T) => string };
}) {
  const max = bar === undefined ? 0 : Math.max(0, ...rows.map(bar.value));
  return (
    <table class="counts">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col">{c.head}</th>
          ))}
          {bar !== undefined && <th scope="col">{bar.head}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            {columns.map((c) => (
              <td class={c.num === true ? 'num' : undefined}>{c.cell(r)}</td>
            ))}
            {bar !== undefined && (
              <td class="bar-cell">
                <span class="track" aria-hidden="true">
                  <span class="bar" style={{ width: `${max > 0 ? Math.max(0, (bar.value(r) / max) * 100) : 0}%` }} />
                </span>
                <span class="bar-text">{bar.text(r)}</span>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
