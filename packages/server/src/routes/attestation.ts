// GET /v1/versions/{ref}/attestation: the in-toto Statement v1 `cairn attest` signs for a
// version, unsigned. An attestation is signed with a contributor's Ed25519 key, which this server
// never holds; so it gives the statement and the facts to sign, says it is not signed, and names
// the command that signs it. The facts are the client's attestFacts, as the CLI reads them.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AsOfQuery, versionAttestationOf } from '@cairn/client';
import { ATTESTATION_PREDICATE_TYPE, STATEMENT_TYPE } from '@cairn/core';
import { read, type ServerContext } from '../context.js';

export function registerAttestation(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/versions/:ref/attestation', (request: FastifyRequest<{ Params: { ref: string } }>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, async (_q, asOf) => {
      const facts = await ctx.cairn.attestFacts(request.params.ref, asOf);
      if (E.isLeft(facts)) return facts;
      const v = facts.right.ref;
      const { subject, predicate } = versionAttestationOf(facts.right);
      return E.right({
        signed: false,
        why: "an attestation is signed with a contributor's key, which the server does not hold",
        sign: `cairn attest ${v.dataset}@${v.ordinal} --as NAME`,
        // Without attestedBy: the signer adds its own contributor id and public key.
        statement: { _type: STATEMENT_TYPE, subject, predicateType: ATTESTATION_PREDICATE_TYPE, predicate },
      });
    }),
  );
}
