// A blob, key or tree-head store failed: the error both store ports (blob-store, key-store) return,
// in a module of its own so neither port has to import the other for it.
export interface StorageError {
  readonly _tag: 'StorageError';
  readonly store: 'blobs' | 'keys' | 'tree-heads';
  readonly operation: string;
  readonly address: string;
  readonly reason: string;
}

export function storageError(store: StorageError['store'], operation: string, address: string, cause: unknown): StorageError {
  return { _tag: 'StorageError', store, operation, address, reason: cause instanceof Error ? cause.message : String(cause) };
}
