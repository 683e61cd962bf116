// What a contributor's roles amount to at a log position. Roles nest so that one grant is
// enough for a person who does everything: an admin is a curator, and a curator may read
// every sample. The founder (the first contributor registered) is an admin without a grant,
// since roles are events and someone has to sign the first one; it stays one for as long as
// its key signs (retire it by revoking the key).
import type { ContributorState, Role } from '../state/contributor-state.js';
import type { BatchView } from './view.js';

type RoleView = Pick<BatchView, 'contributor' | 'founder'>;

/** Every role `state` holds, implied ones included (sorted, for people). */
export function effectiveRoles(state: ContributorState, founder: string | undefined): Role[] {
  const held = new Set<Role>(state.roles);
  if (state.contributorId === founder) held.add('admin');
  if (held.has('admin')) held.add('curator');
  if (held.has('curator')) held.add('reader');
  return [...held].sort();
}

/** Whether `contributorId` holds `role` (directly or implied) in `view`. */
export function holds(view: RoleView, contributorId: string, role: Role): boolean {
  const state = view.contributor(contributorId);
  if (state === undefined) return false;
  return effectiveRoles(state, view.founder).includes(role);
}

/** Whether `contributorId` maintains `dataset`: granted the role, or defined the dataset. */
export function maintains(view: Pick<BatchView, 'contributor' | 'datasetDefiner'>, contributorId: string, dataset: string): boolean {
  return view.datasetDefiner(dataset) === contributorId || (view.contributor(contributorId)?.maintains.has(dataset) ?? false);
}
