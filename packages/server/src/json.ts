// The server's JSON is the CLI's --json document: bigint positions as decimal strings (JSON has
// no int64), so the same question answers the same bytes through either surface.
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** The same, on one line (a server-sent event's data). */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
