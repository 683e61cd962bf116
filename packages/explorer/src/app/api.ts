// The only way the page reads: GET the server's HTTP API (same origin). A refusal is the
// server's RFC 9457 problem document, shown by its detail; nothing is queried any other way.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Query = Readonly<Record<string, string | number | undefined | null>>;

export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const q = params.toString();
  return q === '' ? path : `${path}?${q}`;
}

async function get(path: string, query: Query, accept: string): Promise<Response> {
  const response = await fetch(apiUrl(path, query), { headers: { accept } });
  if (response.ok) return response;
  let detail = `${response.status} ${response.statusText}`;
  try {
    const p = (await response.json()) as { detail?: string; title?: string };
    detail = p.detail ?? p.title ?? detail;
  } catch {
    // not a problem document: the status line says enough
  }
  throw new ApiError(response.status, detail);
}

export const getJson = async <T>(path: string, query: Query = {}): Promise<T> =>
  (await get(path, query, 'application/json')).json() as Promise<T>;

export const getText = async (path: string, query: Query = {}, accept = 'text/plain'): Promise<string> =>
  (await get(path, query, accept)).text();

/** A path segment (dataset names, refs and ids may hold characters a URL reserves). */
export const seg = (s: string): string => encodeURIComponent(s);
