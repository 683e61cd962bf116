// cairn roles grant|revoke|list: who holds which role, granted and revoked by admins in the log.
// The rules themselves are the SDK's; this file resolves names, calls and prints.
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import type { ContributorState, GrantableRole, LedgerError, LedgerWrites, Receipt, Signer } from '@cairn/sdk';
import { roleHolderOf, roleHolders, rolesOf as rolesHeld, type RoleHolder, type RoleHolders } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail, usage } from '../fail.js';
import { emit, table } from '../output.js';
import { withSession, type Session } from '../session.js';
import { serverUrlOf, withReads } from '../read-session.js';
import { withWrites, type WriteSession } from '../write-session.js';
import { globalsOf } from './common.js';
import { signerFor } from './datasets.js';
import { isSha256Hex } from '@cairn/core';

const ROLES: readonly GrantableRole[] = ['curator', 'admin', 'reader', 'steward', 'maintainer'];

export const ROLES_HELP = `Who may do what: anyone registered contributes samples, labels and validations. A CF is amended,
superseded or deprecated by its author or a curator; a sample is erased by its author, a curator or a
steward. Curators define manifests and datasets (the definer maintains its dataset); a dataset's builds
are requested by its maintainers or a curator; a maintainer (granted per dataset, --dataset) also
defines manifests. Reading another's sample bytes needs the reader role. Admins grant and revoke roles.
Roles nest: admin > curator > reader. The founder (first contributor registered) is an admin.`;

export type RoleHolderJson = RoleHolder;

/** The roles of one contributor as people read them: "admin,curator,reader,maintainer:corpus". */
export const rolesOf = (state: ContributorState, founder: string | undefined): string[] => rolesHeld(state, founder);

export const holderJson = (state: ContributorState, founder: string | undefined): RoleHolderJson => roleHolderOf(state, founder);

/** NAME: a signer in the keyring, a contributor id (64 hex), or a name registered in the log. */
async function contributorNamed(session: Session, name: string): Promise<string> {
  const entry = await session.keyring.get(name);
  if (E.isRight(entry)) return entry.right.contributorId;
  if (isSha256Hex(name)) return name;
  const all = orFail(await session.ledger.contributors.list(), messageOf);
  const found = all.contributors.find((c) => c.name === name);
  if (found === undefined)
    fail(
      ExitCode.notFound,
      `NAME: no signer named ${JSON.stringify(name)} in ${session.keyring.folder} and no contributor registered under that name`,
    );
  return found.contributorId;
}

function roleArg(role: string, dataset: string | undefined): GrantableRole {
  if (!ROLES.includes(role as GrantableRole)) usage('ROLE', `expected one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`);
  if (role === 'maintainer' && dataset === undefined) usage('--dataset', 'the maintainer role is granted for one dataset: say which');
  if (role !== 'maintainer' && dataset !== undefined)
    usage('--dataset', `only the maintainer role is scoped to a dataset; ${role} is ledger-wide`);
  return role as GrantableRole;
}

interface ChangeOptions {
  readonly as?: string;
  readonly dataset?: string;
  readonly note?: string;
}

/** The grant or revocation, signed by `admin`, through whichever ledger `contributors` belongs to (local or a server's). */
function changeRole(
  contributors: Pick<LedgerWrites['contributors'], 'grantRole' | 'revokeRole'>,
  action: 'grant' | 'revoke',
  admin: Signer,
  contributorId: string,
  role: GrantableRole,
  opts: ChangeOptions,
): Promise<E.Either<LedgerError, Receipt>> {
  return action === 'grant'
    ? contributors.grantRole(admin, contributorId, role, opts.dataset === undefined ? undefined : { dataset: opts.dataset })
    : contributors.revokeRole(admin, contributorId, role, {
        ...(opts.dataset === undefined ? {} : { dataset: opts.dataset }),
        ...(opts.note ? { note: opts.note } : {}),
      });
}

async function change(command: Command, action: 'grant' | 'revoke', name: string, role: string, opts: ChangeOptions): Promise<void> {
  if (opts.as === undefined) usage('--as', 'say which admin signs the change (cairn keys list)');
  const checked = roleArg(role, opts.dataset);
  if (serverUrlOf(globalsOf(command)) !== undefined)
    return withWrites(globalsOf(command), (w) => changeOverHttp(w, action, name, checked, opts));
  await withSession(globalsOf(command), async (session) => {
    const admin = await signerFor(session, opts.as!);
    const contributorId = await contributorNamed(session, name);
    const receipt = orFail(await changeRole(session.ledger.contributors, action, admin, contributorId, checked, opts), messageOf);
    const state = orFail(await session.ledger.contributors.get(contributorId), messageOf);
    const founder = orFail(await session.ledger.contributors.founder(), messageOf);
    const holder = state === undefined ? undefined : holderJson(state, founder);
    const out = {
      action,
      role: checked,
      ...(opts.dataset === undefined ? {} : { dataset: opts.dataset }),
      contributor: holder,
      id: receipt.id,
      position: receipt.position.toString(),
      alreadyAppended: receipt.alreadyAppended,
    };
    const scope = opts.dataset === undefined ? '' : ` of dataset ${opts.dataset}`;
    emit(
      out,
      { json: session.json },
      (x) =>
        `${x.action === 'grant' ? 'granted' : 'revoked'} ${x.role}${scope} ${x.action === 'grant' ? 'to' : 'from'} ${x.contributor?.name ?? contributorId} at position ${x.position}${x.alreadyAppended ? ' (already in the log)' : ''}\nroles now: ${state === undefined ? '-' : rolesOf(state, founder).join(',') || '-'}`,
    );
  });
}

/**
 * The change signed here by the admin of the local keyring and POSTed: the server checks the
 * admin's authority as a local ledger does. NAME is a keyring signer or a contributor id (the
 * server answers no name-to-id lookup); the contributor is named as the server labels it. The
 * roles held afterwards are the server's to list (`roles list --store http://…`).
 */
async function changeOverHttp(
  w: WriteSession,
  action: 'grant' | 'revoke',
  name: string,
  role: GrantableRole,
  opts: ChangeOptions,
): Promise<void> {
  const admin = orFail(await w.keyring.signer(opts.as!), (e) => `--as: ${e.message}`);
  const entry = await w.keyring.get(name);
  const contributorId = E.isRight(entry) ? entry.right.contributorId : isSha256Hex(name) ? name : undefined;
  if (contributorId === undefined)
    return fail(
      ExitCode.usage,
      `NAME: no signer named ${JSON.stringify(name)} in ${w.keyring.folder}; over HTTP name the contributor by a keyring signer or its contributor id (64 hex)`,
    );
  const receipt = orFail(await changeRole(w.ledger.contributors, action, admin, contributorId, role, opts), messageOf);
  const label = (await w.labels([contributorId])).get(contributorId);
  const out = {
    action,
    role,
    ...(opts.dataset === undefined ? {} : { dataset: opts.dataset }),
    contributor: { name: label ?? null, contributorId },
    id: receipt.id,
    position: receipt.position.toString(),
    alreadyAppended: receipt.alreadyAppended,
  };
  const scope = opts.dataset === undefined ? '' : ` of dataset ${opts.dataset}`;
  emit(
    out,
    { json: w.json },
    (x) =>
      `${x.action === 'grant' ? 'granted' : 'revoked'} ${x.role}${scope} ${x.action === 'grant' ? 'to' : 'from'} ${x.contributor.name ?? contributorId} at position ${x.position}${x.alreadyAppended ? ' (already in the log)' : ''}`,
  );
}

export function registerRoles(program: Command): void {
  const roles = program
    .command('roles')
    .description('who may do what: grant and revoke roles (an admin signs), list who holds which')
    .addHelpText('after', `\n${ROLES_HELP}`);

  roles
    .command('grant <name> <role>')
    .description(`give NAME (a signer, contributor id or registered name) a role: ${ROLES.join(', ')}`)
    .option('--as <admin>', 'the admin who signs the grant')
    .option('--dataset <name>', 'the dataset a maintainer role is for (maintainer only)')
    .addHelpText('after', `\n${ROLES_HELP}`)
    .action(async (name: string, role: string, opts: ChangeOptions, command: Command) => change(command, 'grant', name, role, opts));

  roles
    .command('revoke <name> <role>')
    .description('take a role back from NAME; the grant stays in the log, the role ends at this position')
    .option('--as <admin>', 'the admin who signs the revocation')
    .option('--dataset <name>', 'the dataset of the maintainer role taken back (maintainer only)')
    .option('--note <text>', 'a note kept in the log')
    .action(async (name: string, role: string, opts: ChangeOptions, command: Command) => change(command, 'revoke', name, role, opts));

  roles
    .command('list')
    .description('every contributor holding a role now (implied roles included), and the founder')
    .action(async (_opts, command: Command) => {
      const globals = globalsOf(command);
      // Over HTTP the server answers from its ledger; locally the store's own (the same library call).
      const listed = async (): Promise<RoleHolders> =>
        serverUrlOf(globals) !== undefined
          ? withReads(globals, async (r) => orFail(await r.remote!.roleHolders(), messageOf))
          : withSession(globals, async (session) => orFail(await roleHolders(session.ledger.contributors), messageOf));
      emit(await listed(), { json: globals.json === true }, (x) =>
        x.holders.length === 0
          ? 'no roles yet (the first contributor to register founds the ledger and is its admin)'
          : table(
              ['name', 'contributor', 'roles'],
              x.holders.map((h) => [
                h.founder ? `${h.name} (founder)` : h.name,
                h.contributorId,
                [...h.roles, ...h.maintains.map((d) => `maintainer:${d}`)].join(','),
              ]),
            ),
      );
    });
}
