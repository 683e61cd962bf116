// Every query prints for people by default and, with --json, one stable JSON document on
// stdout. bigint positions are rendered as decimal strings in JSON (JSON has no int64).
export interface OutputOptions {
  readonly json: boolean;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

export function emit<T>(value: T, options: OutputOptions, human: (value: T) => string): void {
  process.stdout.write(options.json ? `${toJson(value)}\n` : `${human(value)}\n`);
}

/** A fixed-width table for human output. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
