// Rules: a CF is deprecated, and a sample erased, by its author or by a contributor holding a
// curator (or admin) role at that log position.
import type { CairnEvent } from '@cairn/schemas';
import { ruleViolation, type RuleViolation } from '../errors.js';
import type { BatchView } from './view.js';

export function checkAuthority(event: CairnEvent, view: BatchView, index?: number): RuleViolation | undefined {
  if (event.type !== 'ContributionDeprecated' && event.type !== 'SampleErased') return undefined;
  const targetId = event.type === 'ContributionDeprecated' ? event.payload.target : event.payload.sample;
  const author = view.event(targetId)?.signer;
  if (author === undefined || author === event.signer) return undefined; // a missing target is checkReferences' to report
  const roles = view.contributor(event.signer)?.roles;
  if (roles?.has('curator') || roles?.has('admin')) return undefined;
  const rule = event.type === 'ContributionDeprecated' ? 'deprecation-authority' : 'erasure-authority';
  return ruleViolation(rule, `${event.type}.signer`, `only the author (${author}) or a curator may do this; ${event.signer} is neither`, index);
}
