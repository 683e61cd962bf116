// Signed HTTP requests: RFC 9421 (HTTP Message Signatures) with Ed25519 (section 3.3.6), in the one
// profile Cairn's server accepts and its clients (TypeScript and Python) write:
//
//   Signature-Input: sig1=("@method" "@authority" "@path" "@query");created=<unix s>;
//                    nonce="<base64url, 16+ random bytes>";keyid="<contributor id>";alg="ed25519"
//   Signature: sig1=:<base64 of the 64-byte signature>:
//
// A request with a body (POST, PUT, PATCH) also covers `content-digest` (RFC 9530, sha-256), so
// the signature reaches the body. The signature base is built per RFC 9421 section 2.5. The
// server's part (key lookup, freshness window, replay store, roles) lives with the server; this
// module only builds, signs, parses and checks bytes, so every client and the server share it.
import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { sign } from './ed25519.js';
import { verifyFast } from './ed25519-fast.js';
import { parseDictionary, serializeInnerList, type SfBareItem, type SfInnerList } from './http-signature-fields.js';
import { isSha256Hex, sha256 } from './sha256.js';

export const SIGNATURE_LABEL = 'sig1';
export const SIGNATURE_ALG = 'ed25519';
/** What every signed request covers, in the order the profile writes them. */
export const REQUEST_COMPONENTS = ['@method', '@authority', '@path', '@query'] as const;
export const CONTENT_DIGEST = 'content-digest';
/** Methods whose requests carry a body, so their signatures also cover `content-digest`. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

export const methodHasBody = (method: string): boolean => BODY_METHODS.has(method.toUpperCase());

/** The parts of a request a signature covers, as the request line and headers give them. */
export interface SignedRequestTarget {
  readonly method: string;
  /** The Host header (or URL host), any case; compared lower-cased (RFC 9421 section 2.2.3). */
  readonly authority: string;
  /** The raw absolute path, without the query. */
  readonly path: string;
  /** The raw query string without its "?" (empty when there is none). */
  readonly query: string;
  /** The Content-Digest header, when the request has one. */
  readonly contentDigest?: string;
}

/** Why a signature was refused: the part of the request at fault, and the reason. */
export interface SignatureRefusal {
  readonly _tag: 'SignatureRefusal';
  readonly part: string;
  readonly reason: string;
}

const refusal = (part: string, reason: string): SignatureRefusal => ({ _tag: 'SignatureRefusal', part, reason });

/** A Signature-Input / Signature pair read, not yet verified. */
export interface RequestSignature {
  /** The contributor id that claims to have signed. */
  readonly keyid: string;
  /** Unix seconds the signer claims. */
  readonly created: number;
  readonly nonce: string;
  readonly expires?: number;
  readonly components: readonly string[];
  /** The `@signature-params` value: the inner list serialized (RFC 8941 section 4.1.1.1). */
  readonly signatureParams: string;
  readonly signature: Uint8Array;
}

/** `component value` for each covered component; undefined for one the request does not have. */
function componentValue(name: string, target: SignedRequestTarget): string | undefined {
  switch (name) {
    case '@method':
      return target.method.toUpperCase();
    case '@authority':
      return target.authority.toLowerCase();
    case '@path':
      return target.path;
    case '@query':
      // RFC 9421 section 2.2.7: "?" and the query, or "?" alone when there is none.
      return `?${target.query}`;
    case CONTENT_DIGEST:
      return target.contentDigest?.trim();
    default:
      return undefined;
  }
}

/**
 * The signature base (RFC 9421 section 2.5): a line `"<name>": <value>` per covered component,
 * then `"@signature-params": <params>`, joined by LF with no trailing LF.
 */
export function signatureBase(components: readonly (readonly [string, string])[], signatureParams: string): string {
  return [...components.map(([name, value]) => `"${name}": ${value}`), `"@signature-params": ${signatureParams}`].join('\n');
}

/** The Content-Digest field value (RFC 9530) of a body: `sha-256=:<base64>:`. */
export function contentDigestOf(body: Uint8Array): string {
  return `sha-256=:${Buffer.from(sha256(body)).toString('base64')}:`;
}

/** The sha-256 a Content-Digest field value carries (other algorithms are ignored), if any. */
export function contentDigestSha256(field: string): Uint8Array | undefined {
  const parsed = parseDictionary(field);
  if (E.isLeft(parsed)) return undefined;
  const member = parsed.right.get('sha-256');
  return member?.kind === 'item' && member.item instanceof Uint8Array && member.item.length === 32 ? member.item : undefined;
}

/** Whether a Content-Digest field value carries the body's sha-256. */
export function contentDigestMatches(field: string, body: Uint8Array): boolean {
  const claimed = contentDigestSha256(field);
  return claimed !== undefined && Buffer.from(claimed).equals(Buffer.from(sha256(body)));
}

export interface RequestSigner {
  readonly contributorId: string;
  /** 32-byte Ed25519 secret key (RFC 8032 seed). */
  readonly secretKey: Uint8Array;
}

export interface SignRequestOptions {
  /** Unix seconds (default: now). */
  readonly created?: number;
  /** base64url of 16+ random bytes (default: 16 fresh random bytes). */
  readonly nonce?: string;
}

/**
 * The headers that sign `request` for `signer`: signature-input, signature, and content-digest for
 * a method with a body. The URL is the one the request goes to; its host is the authority and
 * its path and query are taken as the WHATWG URL parser (which fetch uses too) spells them.
 */
export function signRequest(
  request: { readonly method: string; readonly url: string | URL; readonly body?: Uint8Array },
  signer: RequestSigner,
  options: SignRequestOptions = {},
): Record<string, string> {
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  const headers: Record<string, string> = {};
  const components: string[] = [...REQUEST_COMPONENTS];
  if (methodHasBody(request.method)) {
    headers[CONTENT_DIGEST] = contentDigestOf(request.body ?? new Uint8Array());
    components.push(CONTENT_DIGEST);
  }
  const target: SignedRequestTarget = {
    method: request.method,
    authority: url.host,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    ...(headers[CONTENT_DIGEST] === undefined ? {} : { contentDigest: headers[CONTENT_DIGEST] }),
  };
  const list: SfInnerList = {
    items: components,
    params: [
      ['created', options.created ?? Math.floor(Date.now() / 1000)],
      ['nonce', options.nonce ?? randomBytes(16).toString('base64url')],
      ['keyid', signer.contributorId],
      ['alg', SIGNATURE_ALG],
    ],
  };
  const params = serializeInnerList(list);
  const base = signatureBase(
    components.map((name) => [name, componentValue(name, target)!] as const),
    params,
  );
  const signature = sign(new TextEncoder().encode(base), signer.secretKey);
  headers['signature-input'] = `${SIGNATURE_LABEL}=${params}`;
  headers['signature'] = `${SIGNATURE_LABEL}=:${Buffer.from(signature).toString('base64')}:`;
  return headers;
}

const NONCE = /^[A-Za-z0-9_-]{22,128}$/; // 22 base64url characters carry 16 bytes

function param(params: SfInnerList['params'], name: string): SfBareItem | undefined {
  return params.find(([k]) => k === name)?.[1];
}

/**
 * Reads the `sig1` signature of a request from its Signature-Input and Signature fields, and
 * checks that it covers what the profile asks (`content-digest` too when `hasBody`).
 */
export function parseRequestSignature(
  signatureInput: string | undefined,
  signatureField: string | undefined,
  hasBody: boolean,
): E.Either<SignatureRefusal, RequestSignature> {
  if (signatureInput === undefined || signatureInput.trim() === '') return E.left(refusal('Signature-Input', 'missing'));
  if (signatureField === undefined || signatureField.trim() === '') return E.left(refusal('Signature', 'missing'));
  const input = parseDictionary(signatureInput);
  if (E.isLeft(input)) return E.left(refusal('Signature-Input', `malformed: ${input.left}`));
  const entry = input.right.get(SIGNATURE_LABEL);
  if (entry === undefined) return E.left(refusal('Signature-Input', `malformed: no signature labelled ${SIGNATURE_LABEL}`));
  if (entry.kind !== 'inner') return E.left(refusal('Signature-Input', `malformed: ${SIGNATURE_LABEL} is not an inner list`));
  const list = entry.list;
  const covered = new Set(list.items);
  if (covered.size !== list.items.length) return E.left(refusal('Signature-Input', 'malformed: a component is covered twice'));
  const required = hasBody ? [...REQUEST_COMPONENTS, CONTENT_DIGEST] : [...REQUEST_COMPONENTS];
  const absent = required.filter((c) => !covered.has(c));
  if (absent.length > 0) return E.left(refusal('Signature-Input', `malformed: does not cover ${absent.map((c) => `"${c}"`).join(', ')}`));
  const unknown = list.items.filter((c) => !(REQUEST_COMPONENTS as readonly string[]).includes(c) && c !== CONTENT_DIGEST);
  if (unknown.length > 0) return E.left(refusal('Signature-Input', `malformed: covers unsupported component "${unknown[0]}"`));

  const created = param(list.params, 'created');
  if (typeof created !== 'number' || !Number.isInteger(created) || created < 0)
    return E.left(refusal('created', 'malformed: expected a non-negative integer of unix seconds'));
  const expires = param(list.params, 'expires');
  if (expires !== undefined && (typeof expires !== 'number' || !Number.isInteger(expires)))
    return E.left(refusal('expires', 'malformed: expected an integer of unix seconds'));
  const nonce = param(list.params, 'nonce');
  if (typeof nonce !== 'string' || !NONCE.test(nonce))
    return E.left(refusal('nonce', 'malformed: expected a quoted base64url string of at least 16 random bytes'));
  const keyid = param(list.params, 'keyid');
  if (typeof keyid !== 'string' || !isSha256Hex(keyid))
    return E.left(refusal('keyid', 'malformed: expected a quoted contributor id (64 lowercase hex digits)'));
  const alg = param(list.params, 'alg');
  if (alg !== undefined && alg !== SIGNATURE_ALG) return E.left(refusal('alg', `unsupported: only "${SIGNATURE_ALG}" is accepted`));

  const sigs = parseDictionary(signatureField);
  if (E.isLeft(sigs)) return E.left(refusal('Signature', `malformed: ${sigs.left}`));
  const sig = sigs.right.get(SIGNATURE_LABEL);
  if (sig?.kind !== 'item' || !(sig.item instanceof Uint8Array))
    return E.left(refusal('Signature', `malformed: no byte sequence labelled ${SIGNATURE_LABEL}`));
  if (sig.item.length !== 64) return E.left(refusal('Signature', `malformed: an Ed25519 signature is 64 bytes, got ${sig.item.length}`));
  return E.right({
    keyid,
    created,
    nonce,
    ...(expires === undefined ? {} : { expires: expires as number }),
    components: list.items,
    signatureParams: serializeInnerList(list),
    signature: sig.item,
  });
}

/** The bytes `signature` signs for `target`; refused when a covered header is missing. */
export function requestSignatureBase(signature: RequestSignature, target: SignedRequestTarget): E.Either<SignatureRefusal, Uint8Array> {
  const lines: (readonly [string, string])[] = [];
  for (const name of signature.components) {
    const value = componentValue(name, target);
    if (value === undefined) return E.left(refusal(name === CONTENT_DIGEST ? 'Content-Digest' : name, 'missing from the request'));
    lines.push([name, value]);
  }
  return E.right(new TextEncoder().encode(signatureBase(lines, signature.signatureParams)));
}

/** Ed25519 verification of a request's signature base (strict verdict, native speed). */
export function verifyRequestSignature(base: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return verifyFast(signature, base, publicKey);
}
