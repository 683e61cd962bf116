// Signing a request in the browser, in the one RFC 9421 profile the server accepts (the same
// headers @cairn/core's signRequest writes for the CLI): Ed25519 over the method, authority, path
// and query, with a fresh nonce. The key is read from the user's own keyring file in the page and
// never leaves it: only the signature is sent. @noble/ed25519 with @noble/hashes' SHA-512, so no
// WebCrypto is needed (absent on plain-http origins other than localhost).
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export interface ReaderKey {
  readonly contributorId: string;
  /** The 32-byte Ed25519 secret key (RFC 8032 seed). */
  readonly secretKey: Uint8Array;
  /** The keyring entry's name, when it has one. */
  readonly name: string | null;
}

const HEX64 = /^[0-9a-f]{64}$/;

const hexBytes = (hex: string): Uint8Array =>
  Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));

/** A keyring file (`<keyring>/NAME.json`: contributorId and secretKey, both 64 hex) read, or why it is not one. */
export function readKeyFile(text: string): { readonly key: ReaderKey } | { readonly error: string } {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    return { error: 'the file is not JSON: give the keyring file (NAME.json) the CLI wrote' };
  }
  const f = (typeof file === 'object' && file !== null ? file : {}) as Record<string, unknown>;
  const id = typeof f.contributorId === 'string' ? f.contributorId.toLowerCase() : '';
  const secret = typeof f.secretKey === 'string' ? f.secretKey.toLowerCase() : '';
  if (!HEX64.test(id)) return { error: 'contributorId: expected 64 hex characters' };
  if (!HEX64.test(secret)) return { error: 'secretKey: expected 64 hex characters (the 32-byte Ed25519 key)' };
  return { key: { contributorId: id, secretKey: hexBytes(secret), name: typeof f.name === 'string' ? f.name : null } };
}

const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const base64url = (bytes: Uint8Array): string => base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The signature-input and signature headers of a GET of `url` (absolute) by `key`. */
export function signGet(url: string, key: ReaderKey, now: number = Date.now(), nonceBytes?: Uint8Array): Record<string, string> {
  const u = new URL(url);
  const nonce = base64url(nonceBytes ?? crypto.getRandomValues(new Uint8Array(16)));
  const params = `("@method" "@authority" "@path" "@query");created=${Math.floor(now / 1000)};nonce="${nonce}";keyid="${key.contributorId}";alg="ed25519"`;
  const base = [
    `"@method": GET`,
    `"@authority": ${u.host.toLowerCase()}`,
    `"@path": ${u.pathname}`,
    `"@query": ?${u.search.replace(/^\?/, '')}`,
    `"@signature-params": ${params}`,
  ].join('\n');
  const signature = ed.sign(new TextEncoder().encode(base), key.secretKey);
  return { 'signature-input': `sig1=${params}`, signature: `sig1=:${base64(signature)}:` };
}
