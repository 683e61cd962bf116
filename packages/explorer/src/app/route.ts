// The page's address: `#/<view>/<arg>?query`, with `asOf` (a log position or an ISO time) in
// the query of every view, so a link shows the same past to anyone who opens it.
export interface Route {
  readonly view: string;
  readonly arg: string;
  readonly query: Readonly<Record<string, string>>;
  readonly asOf: string | undefined;
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = text.split('?', 2);
  const parts = pathPart.split('/').filter((p) => p !== '');
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(queryPart)) query[k] = v;
  const asOf =
    query.asOf !== undefined && /^(\d+|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/.test(query.asOf) ? query.asOf : undefined;
  return { view: parts[0] ?? '', arg: decodeURIComponent(parts.slice(1).join('/')), query, asOf };
}

/** The hash of a view; `asOf` is carried unless given as null. */
export function href(view: string, arg = '', query: Readonly<Record<string, string | undefined>> = {}, asOf?: string | null): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
  if (asOf !== undefined && asOf !== null) params.set('asOf', asOf);
  const q = params.toString();
  return `#/${view}${arg === '' ? '' : `/${encodeURIComponent(arg)}`}${q === '' ? '' : `?${q}`}`;
}
