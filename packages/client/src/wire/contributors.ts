// The answers of GET /v1/roles and GET /v1/contributors/{id}/standing, as the server sends them
// and a remote client decodes them (contributors.ts makes them).
import * as t from 'io-ts';
import { TreeHead } from '@cairn/schemas';
import type { TreeHeadAnswer } from '../tree-head.js';

export const RoleHolderAnswer = t.type(
  {
    name: t.string,
    contributorId: t.string,
    founder: t.boolean,
    roles: t.array(t.string),
    maintains: t.array(t.string),
  },
  'RoleHolder',
);

export const RoleHoldersAnswer = t.type({ founder: t.union([t.string, t.null]), holders: t.array(RoleHolderAnswer) }, 'RoleHolders');

export const ContributorStandingAnswer = t.type(
  { contributorId: t.string, name: t.string, publicKey: t.union([t.string, t.null]), roles: t.array(t.string) },
  'ContributorStanding',
);

/** GET /v1/tree-head: the ledger's signed head of the log now, with a consistency proof when asked. */
export const TreeHeadWireAnswer: t.Type<TreeHeadAnswer, unknown, unknown> = t.intersection(
  [
    t.type({ treeHead: TreeHead, signature: t.string }),
    t.partial({
      consistency: t.type({
        cairnConsistencyProof: t.literal(1),
        oldSize: t.number,
        oldRoot: t.string,
        newSize: t.number,
        newRoot: t.string,
        proof: t.array(t.string),
      }),
    }),
  ],
  'TreeHeadAnswer',
) as unknown as t.Type<TreeHeadAnswer, unknown, unknown>;
