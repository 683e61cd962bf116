// A row as read from a JSONL or CSV file, before its fields are checked: its fields, or why the
// row could not even be read.
export interface RawRowAt {
  /** 1-based, counting every row of the file (targets name rows by this number). */
  readonly row: number;
  /** `line N` (JSONL) or `row N` (CSV). */
  readonly item: string;
  /** The physical line where the row starts. */
  readonly line: number;
}

export type RawRow = RawRowAt &
  ({ readonly fields: Record<string, unknown> } | { readonly invalid: { readonly field: string; readonly reason: string } });
