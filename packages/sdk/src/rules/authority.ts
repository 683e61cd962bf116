// Rules: who may do what (README "Who may do what"). Anyone registered contributes CFs and
// validations. A CF is amended, superseded or deprecated only by its author or a curator, since
// an amendment replaces the original in assembly and would otherwise let anyone push someone
// else's work out. A sample is erased by its author, a curator or a steward (who acts for data
// subjects). Manifests are defined by curators and dataset maintainers; datasets by curators
// (the definer maintains the dataset from then on); a dataset's builds are requested by its
// maintainers and by curators. Each is judged from the log alone, so `cairn verify` replays it.
import type { CairnEvent } from '@cairn/schemas';
import { ruleViolation, type RuleName, type RuleViolation } from '../errors.js';
import { holds, maintains } from './roles.js';
import type { BatchView } from './view.js';

function authorOrCurator(
  event: CairnEvent,
  targetId: string,
  field: string,
  rule: RuleName,
  view: BatchView,
  index?: number,
  also?: 'steward',
): RuleViolation | undefined {
  const author = view.event(targetId)?.signer;
  if (author === undefined || author === event.signer) return undefined; // a missing target is checkReferences' to report
  if (holds(view, event.signer, 'curator') || (also !== undefined && holds(view, event.signer, also))) return undefined;
  const who = also === undefined ? 'the author' : `the author, a ${also}`;
  return ruleViolation(rule, field, `only ${who} (${author}) or a curator may do this; ${event.signer} is neither`, index);
}

export function checkAuthority(event: CairnEvent, view: BatchView, index?: number): RuleViolation | undefined {
  switch (event.type) {
    case 'SampleContributed':
    case 'LabelContributed':
    case 'ValidationContributed': {
      const { amends, supersedes } = event.payload;
      if (amends !== undefined) {
        const v = authorOrCurator(event, amends, `${event.type}.payload.amends`, 'amendment-authority', view, index);
        if (v) return v;
      }
      return supersedes === undefined
        ? undefined
        : authorOrCurator(event, supersedes, `${event.type}.payload.supersedes`, 'amendment-authority', view, index);
    }
    case 'ContributionDeprecated':
      return authorOrCurator(event, event.payload.target, `${event.type}.signer`, 'deprecation-authority', view, index);
    case 'SampleErased':
      return authorOrCurator(event, event.payload.sample, `${event.type}.signer`, 'erasure-authority', view, index, 'steward');
    case 'ManifestDefined': {
      if (holds(view, event.signer, 'curator') || (view.contributor(event.signer)?.maintains.size ?? 0) > 0) return undefined;
      return ruleViolation(
        'manifest-authority',
        `${event.type}.signer`,
        `manifests are defined by a curator or a dataset maintainer; ${event.signer} is neither (cairn roles grant)`,
        index,
      );
    }
    case 'DatasetDefined': {
      if (holds(view, event.signer, 'curator')) return undefined;
      return ruleViolation(
        'dataset-authority',
        `${event.type}.signer`,
        `datasets are defined by a curator; ${event.signer} is not one (cairn roles grant)`,
        index,
      );
    }
    case 'DatasetBuildRequested': {
      const dataset = event.payload.dataset;
      if (holds(view, event.signer, 'curator') || maintains(view, event.signer, dataset)) return undefined;
      return ruleViolation(
        'build-authority',
        `${event.type}.signer`,
        `builds of dataset "${dataset}" are requested by its maintainers or a curator; ${event.signer} is neither (cairn roles grant)`,
        index,
      );
    }
    default:
      return undefined;
  }
}
