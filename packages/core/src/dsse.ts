// DSSE (Dead Simple Signing Envelope, secure-systems-lab/dsse, protocol v1): the signature covers
// PAE(payloadType, payload), never the JSON around it, so an envelope cannot be re-typed.
import { sign, verify } from './ed25519.js';

export interface DsseEnvelope {
  readonly payload: string;
  readonly payloadType: string;
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[];
}

const utf8 = new TextEncoder();

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN = byte length in ASCII decimal. */
export function pae(payloadType: string, body: Uint8Array): Uint8Array {
  const type = utf8.encode(payloadType);
  const head = utf8.encode(`DSSEv1 ${type.length} ${payloadType} ${body.length} `);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

export function signEnvelope(payloadType: string, body: Uint8Array, keyid: string, secretKey: Uint8Array): DsseEnvelope {
  const sig = sign(pae(payloadType, body), secretKey);
  return { payload: Buffer.from(body).toString('base64'), payloadType, signatures: [{ keyid, sig: Buffer.from(sig).toString('base64') }] };
}

/** Whether any signature on the envelope verifies (Ed25519, RFC 8032) under `publicKey`. */
export function verifyEnvelope(envelope: DsseEnvelope, publicKey: Uint8Array): boolean {
  const body = new Uint8Array(Buffer.from(envelope.payload, 'base64'));
  const message = pae(envelope.payloadType, body);
  return envelope.signatures.some((s) => verify(new Uint8Array(Buffer.from(s.sig, 'base64')), message, publicKey));
}
