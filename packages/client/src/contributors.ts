// Who holds which role, and where one contributor stands (its current key, its roles): the
// answers `cairn roles list` and `cairn keys list` print, from the ledger's contributor state.
// A local store and a server (GET /v1/roles, /v1/contributors/{id}/standing) answer from here.
import * as E from 'fp-ts/lib/Either.js';
import { currentKey, effectiveRoles, type ContributorState, type Ledger, type LedgerError } from '@cairn/sdk';

export interface RoleHolder {
  readonly name: string;
  readonly contributorId: string;
  readonly founder: boolean;
  /** Held roles, implied ones included (an admin is a curator, a curator a reader). */
  readonly roles: readonly string[];
  /** Datasets the contributor was granted the maintainer role for. */
  readonly maintains: readonly string[];
}

export interface RoleHolders {
  readonly founder: string | null;
  /** Everyone holding a role now, by name. */
  readonly holders: readonly RoleHolder[];
}

export interface ContributorStanding {
  readonly contributorId: string;
  readonly name: string;
  /** The key that signs new events now (null: its last key was revoked). */
  readonly publicKey: string | null;
  /** Roles held now as people read them: "admin,curator,reader,maintainer:corpus". */
  readonly roles: readonly string[];
}

type Contributors = Pick<Ledger['contributors'], 'list' | 'get' | 'founder'>;

/** The roles of one contributor as people read them, implied ones and maintained datasets included. */
export function rolesOf(state: ContributorState, founder: string | undefined): string[] {
  return [...effectiveRoles(state, founder), ...[...state.maintains].sort().map((d) => `maintainer:${d}`)];
}

export function roleHolderOf(state: ContributorState, founder: string | undefined): RoleHolder {
  return {
    name: state.name,
    contributorId: state.contributorId,
    founder: state.contributorId === founder,
    roles: effectiveRoles(state, founder),
    maintains: [...state.maintains].sort(),
  };
}

export async function roleHolders(contributors: Contributors): Promise<E.Either<LedgerError, RoleHolders>> {
  const all = await contributors.list();
  if (E.isLeft(all)) return all;
  const holders = all.right.contributors
    .map((c) => roleHolderOf(c, all.right.founder))
    .filter((h) => h.roles.length > 0 || h.maintains.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
  return E.right({ founder: all.right.founder ?? null, holders });
}

/** Where `contributorId` stands now; undefined when no such contributor is registered. */
export async function contributorStanding(
  contributors: Contributors,
  contributorId: string,
): Promise<E.Either<LedgerError, ContributorStanding | undefined>> {
  const state = await contributors.get(contributorId);
  if (E.isLeft(state)) return state;
  if (state.right === undefined) return E.right(undefined);
  const founder = await contributors.founder();
  if (E.isLeft(founder)) return founder;
  return E.right({
    contributorId,
    name: state.right.name,
    publicKey: currentKey(state.right) ?? null,
    roles: rolesOf(state.right, founder.right),
  });
}
