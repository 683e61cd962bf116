// A sample's content, for a reader with the right key: the user gives their keyring file in the
// page (read by the browser, never uploaded), the page signs GET /v1/cfs/{cf}/content with it
// (sign-request.ts) and shows text or an image. The server sends bytes only to the sample's
// author or a contributor with the reader role; any refusal is explained. An erased sample is
// said to be erased and its content is never asked for.
import { useState } from 'preact/hooks';
import { sha256 } from '@noble/hashes/sha2.js';
import { seg } from '../api.js';
import type { CfShow } from '../types.js';
import { Id } from '../ui.js';
import { readKeyFile, signGet, type ReaderKey } from '../sign-request.js';

/** Bytes shown as text or an image at most (a preview, not a download). */
const MAX_PREVIEW = 2 * 1024 * 1024;

// The key chosen stays in this page's memory for the visit (never stored, never sent).
let rememberedKey: ReaderKey | null = null;

type Preview =
  | { readonly state: 'idle' }
  | { readonly state: 'loading' }
  | { readonly state: 'text'; readonly text: string }
  | { readonly state: 'image'; readonly src: string }
  | { readonly state: 'other'; readonly size: number }
  | { readonly state: 'refused'; readonly message: string };

const base64 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

/** Whether the ledger says the sample was erased (then its bytes are gone and never asked for). */
export const isErased = (cf: CfShow): boolean => [...cf.later, ...cf.targetedBy].some((e) => e.type === 'SampleErased');

async function readContent(cfId: string, mediaType: string, key: ReaderKey): Promise<Preview> {
  const url = new URL(`/v1/cfs/${seg(cfId)}/content`, window.location.href).toString();
  const response = await fetch(url, { headers: { ...signGet(url, key), accept: 'application/octet-stream' } });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const p = (await response.json()) as { detail?: string };
      detail = p.detail ?? detail;
    } catch {
      // not a problem document: the status says enough
    }
    const who = key.name ?? key.contributorId.slice(0, 12);
    const why =
      response.status === 403
        ? `the key of ${who} may not read this sample (only its author or a contributor with the reader role may): ${detail}`
        : response.status === 401
          ? `the server refused the signature made with the key of ${who}: ${detail}`
          : response.status === 410
            ? 'the sample was erased: its bytes are gone'
            : detail;
    return { state: 'refused', message: why };
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = response.headers.get('content-digest') ?? '';
  if (digest !== `sha-256=:${base64(sha256(bytes))}:`)
    return { state: 'refused', message: 'the bytes sent do not match their Content-Digest' };
  if (bytes.length > MAX_PREVIEW) return { state: 'other', size: bytes.length };
  if (mediaType.startsWith('text/') || mediaType === 'application/json') return { state: 'text', text: new TextDecoder().decode(bytes) };
  if (/^image\/(png|jpeg|gif|webp)$/.test(mediaType)) return { state: 'image', src: `data:${mediaType};base64,${base64(bytes)}` };
  return { state: 'other', size: bytes.length };
}

export function PreviewSection({ cf }: { cf: CfShow }) {
  const [key, setKey] = useState<ReaderKey | null>(rememberedKey);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview>({ state: 'idle' });
  const mediaType = typeof cf.payload.mediaType === 'string' ? cf.payload.mediaType : 'application/octet-stream';
  const erased = isErased(cf);
  const show = (k: ReaderKey) => {
    setPreview({ state: 'loading' });
    readContent(cf.cfId, mediaType, k).then(setPreview, (e: unknown) =>
      setPreview({ state: 'refused', message: e instanceof Error ? e.message : String(e) }),
    );
  };
  return (
    <section aria-labelledby="preview-title" class="preview">
      <h2 id="preview-title">Content</h2>
      {erased ? (
        <p role="status" class="erased">
          erased: this sample's bytes were erased, so the page does not ask for them.
        </p>
      ) : (
        <>
          <p class="muted">
            The content is sent only to the sample's author or a contributor with the reader role, on a request signed with their key.
            Choose your keyring file (<code>NAME.json</code>): it is read in this browser and never uploaded; only a signature is sent.
          </p>
          <label>
            Keyring file{' '}
            <input
              type="file"
              accept=".json,application/json"
              onChange={async (e) => {
                const file = (e.currentTarget as HTMLInputElement).files?.[0];
                if (file === undefined) return;
                const read = readKeyFile(await file.text());
                if ('error' in read) {
                  setKeyError(read.error);
                  return;
                }
                setKeyError(null);
                rememberedKey = read.key;
                setKey(read.key);
                setPreview({ state: 'idle' });
              }}
            />
          </label>
          {keyError !== null && (
            <p role="alert" class="error">
              keyring file: {keyError}
            </p>
          )}
          {key === null ? (
            <p role="status" class="muted preview-why">
              No key given: the preview needs the key of a contributor allowed to read this sample.
            </p>
          ) : (
            <p>
              Key of {key.name ?? 'contributor'} <Id id={key.contributorId} />{' '}
              <button type="button" onClick={() => show(key)}>
                Show content
              </button>
            </p>
          )}
          {preview.state === 'loading' && (
            <p role="status" class="muted">
              Reading the content…
            </p>
          )}
          {preview.state === 'refused' && (
            <p role="alert" class="error preview-why">
              Not shown: {preview.message}
            </p>
          )}
          {preview.state === 'text' && (
            <pre class="content" aria-label="content preview" tabIndex={0}>
              {preview.text}
            </pre>
          )}
          {preview.state === 'image' && <img class="content" src={preview.src} alt={`the content of sample ${cf.cfId.slice(0, 12)}`} />}
          {preview.state === 'other' && (
            <p role="status">
              {preview.size} bytes of {mediaType}: not previewed here (use <code>cairn cat</code>).
            </p>
          )}
        </>
      )}
    </section>
  );
}
