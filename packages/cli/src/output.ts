// Every query prints for people by default and, with --json, one stable JSON document on
// stdout. bigint positions are rendered as decimal strings in JSON (JSON has no int64).
export interface OutputOptions {
  readonly json: boolean;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/**
 * Deeper than anything the log can hold (the schemas nest JSON values at most 64 levels, and
 * envelopes add a few), so only raw user input that was refused ever reaches it.
 */
const MAX_DETAIL_DEPTH = 128;

/**
 * A copy of `value` that JSON.stringify can always print: bigints become decimal strings, and
 * whatever lies deeper than MAX_DETAIL_DEPTH is replaced by a note instead of overflowing the stack
 * (error details may carry the refused input itself, nested as deep as its author liked).
 */
export function boundedForJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DETAIL_DEPTH) return `(nested deeper than ${MAX_DETAIL_DEPTH} levels, not shown)`;
  if (Array.isArray(value)) return value.map((item) => boundedForJson(item, depth + 1));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty so a member named "__proto__" stays data.
    Object.defineProperty(out, key, { value: boundedForJson(item, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function emit<T>(value: T, options: OutputOptions, human: (value: T) => string): void {
  process.stdout.write(options.json ? `${toJson(value)}\n` : `${human(value)}\n`);
}

/** A fixed-width table for human output. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
