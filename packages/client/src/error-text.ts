// One sentence for a tagged error from the packages below, for answers that carry a reason as text
// (a sample that cannot be read names why inside a reproduce check).
export function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>;
    if (typeof e.message === 'string') return e.message;
    if (e._tag === 'RuleViolation') return `[${String(e.rule)}] ${String(e.field)}: ${String(e.reason)}`;
    if (typeof e.reason === 'string') return `${String(e._tag)}: ${e.reason}`;
    if (typeof e._tag === 'string')
      return `${e._tag}: ${JSON.stringify(error, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
  }
  return String(error);
}
