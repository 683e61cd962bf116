// What an import reads, before anything is appended: the items that can become CFs, the entries
// that are not imported by design (duplicates, symlinks, hidden files…), and the invalid rows.

interface ItemBase {
  /** Where it came from, for people: a relative path, or `line N` / `row N`. */
  readonly item: string;
  /** 1-based row number in a JSONL / CSV file (0 for a folder's files). */
  readonly row: number;
  /** The row's own name (`id` field) that later rows may target. */
  readonly ref?: string;
}

export type ImportItem =
  | (ItemBase & {
      readonly kind: 'sample';
      readonly bytes: Uint8Array;
      readonly mediaType: string;
      readonly license: string;
      readonly source: string;
      readonly personalData: boolean;
      readonly attributes?: Record<string, unknown>;
    })
  | (ItemBase & {
      readonly kind: 'label';
      readonly targets: readonly TargetRef[];
      readonly labelType: string;
      readonly value: unknown;
      readonly rationale?: string;
    })
  | (ItemBase & {
      readonly kind: 'validation';
      readonly targets: readonly TargetRef[];
      readonly verdict: 'approve' | 'reject' | 'score';
      readonly score?: number;
      readonly rationale: string;
    });

/** A label or validation target: a CF already in the log, a row of this file by number, or by its `id`. */
export type TargetRef = { readonly cfId: string } | { readonly row: number } | { readonly ref: string };

/** Not imported, with the reason; `field` names the row's field when the row was invalid. */
export interface Skipped {
  readonly item: string;
  readonly reason: string;
  readonly field?: string;
}

/** A row that cannot become a CF: where (line), which field, and why. */
export interface InvalidRow {
  readonly item: string;
  /** The physical line of the file (1-based) where the row starts. */
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

export interface ImportDefaults {
  readonly license?: string;
  readonly source?: string;
  readonly mediaType?: string;
  readonly personalData?: boolean;
}

export interface ReadItems {
  readonly format: 'folder' | 'jsonl' | 'csv';
  /** How many items of each kind can become CFs. */
  readonly counts: Readonly<Record<ImportItem['kind'], number>>;
  /** The items of one kind, in the order read; a file's rows are read again for each call. */
  readonly itemsOf: (kind: ImportItem['kind']) => AsyncIterable<ImportItem> | Iterable<ImportItem>;
  readonly skipped: readonly Skipped[];
  readonly invalid: readonly InvalidRow[];
}

export const invalidText = (r: InvalidRow): string => `${r.item}: ${r.field}: ${r.reason}`;
