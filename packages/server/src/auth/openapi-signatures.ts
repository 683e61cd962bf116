// The signed-request scheme in the OpenAPI document. OpenAPI 3.1 has no scheme type for RFC 9421,
// so it is declared as the header it is carried in, with the profile spelled out; every operation
// that asks for it lists it under `security` with its 401 (and, for sample bytes, 403/404/410).
import type { JsonSchema } from '../json-schema.js';
import type { MetadataAccess } from './register-signatures.js';

export const SECURITY_SCHEME = 'httpMessageSignature';

const scheme = {
  type: 'apiKey',
  in: 'header',
  name: 'Signature-Input',
  description: [
    'RFC 9421 HTTP Message Signatures with Ed25519 (section 3.3.6), signed with the contributor key registered in the ledger.',
    'Signature-Input: sig1=("@method" "@authority" "@path" "@query");created=<unix seconds>;nonce="<base64url of 16+ random bytes>";keyid="<contributor id>";alg="ed25519"',
    'Signature: sig1=:<base64 of the 64-byte signature>:',
    'A request with a body also covers "content-digest" (RFC 9530, sha-256) and sends that header.',
    'The signature base is RFC 9421 section 2.5; @authority is the Host header lower-cased, @query is "?" and the raw query ("?" alone when none).',
    "created must be within the server window (default ±300 s); a nonce is accepted once; the key must be the contributor's current, unrevoked key.",
    'Refusals are 401 problem documents whose `field` names the part (Signature-Input, Signature, created, nonce, keyid, alg, Content-Digest) and `reason` says why.',
  ].join('\n'),
  'x-cairn-signature-label': 'sig1',
  'x-cairn-covered-components': ['@method', '@authority', '@path', '@query'],
};

const problemOf = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const isRead = (path: string, method: string) => path.startsWith('/v1/') && !(method === 'post' && path === '/v1/events');

/** `document` with the scheme declared and asked for where the server asks for it. */
export function withRequestSignatures(document: JsonSchema, metadata: MetadataAccess): JsonSchema {
  const doc = document as { paths: Record<string, Record<string, Record<string, unknown>>>; components: Record<string, unknown> };
  for (const [path, operations] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(operations)) {
      const content = path === '/v1/cfs/{cf}/content';
      const alwaysSigned =
        content ||
        path === '/v1/live/tickets' ||
        (method === 'put' && path === '/v1/artifacts/{hash}') ||
        (method === 'post' && path === '/v1/tree-heads/cosignatures');
      if (!alwaysSigned && !(metadata === 'private' && isRead(path, method))) continue;
      op.security = [{ [SECURITY_SCHEME]: [] }];
      const responses = op.responses as Record<string, unknown>;
      responses['401'] = problemOf('The request signature is missing or was refused; `field` names the part, `reason` why');
      if (content) {
        responses['403'] = problemOf("The signer is neither the sample's author nor a holder of the reader role");
        responses['404'] = problemOf('No such sample');
        responses['410'] = problemOf('The sample was erased: its bytes are gone for good');
        const ok = responses['200'] as { content: Record<string, unknown>; headers?: unknown };
        ok.content = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
        ok.headers = {
          'content-digest': { description: 'RFC 9530 sha-256 of the bytes', schema: { type: 'string' } },
          'cairn-cf-id': { description: 'The CF id the bytes are of', schema: { type: 'string' } },
        };
      }
    }
  doc.components = { ...doc.components, securitySchemes: { [SECURITY_SCHEME]: scheme } };
  return document;
}
