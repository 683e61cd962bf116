// The ids an event points at, each with the field that names it, so a missing reference is
// reported as `LabelContributed.payload.targets[2]` rather than "some reference".
import type { CairnEvent } from '@cairn/schemas';

export type Wanted = 'cf' | 'sample' | 'same-kind';

export interface Reference {
  readonly field: string;
  readonly id: string;
  readonly wanted: Wanted;
}

export function referencesOf(event: CairnEvent): Reference[] {
  const at = (name: string) => `${event.type}.payload.${name}`;
  const refs: Reference[] = [];
  const list = (name: string, ids: readonly string[], wanted: Wanted) => ids.forEach((id, i) => refs.push({ field: `${at(name)}[${i}]`, id, wanted }));
  const lineage = (p: { readonly amends?: string; readonly supersedes?: string }) => {
    if (p.amends !== undefined) refs.push({ field: at('amends'), id: p.amends, wanted: 'same-kind' });
    if (p.supersedes !== undefined) refs.push({ field: at('supersedes'), id: p.supersedes, wanted: 'same-kind' });
  };
  switch (event.type) {
    case 'SampleContributed':
      lineage(event.payload);
      break;
    case 'LabelContributed':
    case 'ValidationContributed':
      list('targets', event.payload.targets, 'cf');
      lineage(event.payload);
      break;
    case 'ContributionDeprecated':
      refs.push({ field: at('target'), id: event.payload.target, wanted: 'cf' });
      break;
    case 'SampleErased':
      refs.push({ field: at('sample'), id: event.payload.sample, wanted: 'sample' });
      break;
    case 'AssetAssembled':
      list('members', event.payload.members, 'cf');
      break;
    case 'GradientsRecorded':
      list('rowMap', event.payload.rowMap, 'cf');
      break;
    default:
      break;
  }
  return refs;
}

/** Streams that must already exist (or be created earlier in the batch) for the event to make sense. */
export function requiredStreamsOf(event: CairnEvent): { readonly field: string; readonly stream: string; readonly what: string }[] {
  switch (event.type) {
    case 'DatasetBuildRequested':
      return [
        { field: `${event.type}.payload.dataset`, stream: `dataset-${event.payload.dataset}`, what: `dataset "${event.payload.dataset}"` },
        { field: `${event.type}.payload.manifestId`, stream: `manifest-${event.payload.manifestId}`, what: `manifest ${event.payload.manifestId}` },
      ];
    case 'TrainingRunRecorded':
      return [{ field: `${event.type}.payload.dataset.name`, stream: `dataset-${event.payload.dataset.name}`, what: `dataset "${event.payload.dataset.name}"` }];
    case 'GradientsRecorded':
      return [{ field: `${event.type}.payload.runId`, stream: `run-${event.payload.runId}`, what: `training run "${event.payload.runId}"` }];
    default:
      return [];
  }
}
