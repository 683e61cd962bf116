// The server's event stream (`GET /v1/live`): `position` when the ledger has a new head,
// `version` for each dataset version cut. The browser's EventSource reconnects by itself.
export interface VersionCut {
  readonly dataset: string;
  readonly versionId: string;
  readonly ordinal: number | null;
  readonly position: string;
  readonly cause: string;
}

export function followLive(onHead: (head: bigint) => void, onVersion: (cut: VersionCut) => void): () => void {
  if (typeof EventSource === 'undefined') return () => undefined;
  const source = new EventSource('/v1/live');
  source.addEventListener('position', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as { position?: string };
    if (typeof data.position === 'string' && /^\d+$/.test(data.position)) onHead(BigInt(data.position));
  });
  source.addEventListener('version', (e) => onVersion(JSON.parse((e as MessageEvent<string>).data) as VersionCut));
  return () => source.close();
}
