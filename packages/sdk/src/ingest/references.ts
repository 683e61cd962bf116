// The ids an event points at, each with the field that names it, so a missing reference is
// reported as `LabelContributed.payload.targets[2]` rather than "some reference".
import type { CairnEvent } from '@cairn/schemas';

export type Wanted = 'cf' | 'sample' | 'same-kind';

export interface Reference {
  readonly field: string;
  readonly id: string;
  readonly wanted: Wanted;
}

// Field names are only read to report a violation, so they are spelled out on demand: bulk
// ingest looks at every reference of every item twice and reports none.
class FieldReference implements Reference {
  constructor(
    private readonly type: string,
    private readonly name: string,
    private readonly at: number | undefined,
    readonly id: string,
    readonly wanted: Wanted,
  ) {}

  get field(): string {
    return `${this.type}.payload.${this.name}${this.at === undefined ? '' : `[${this.at}]`}`;
  }
}

export function referencesOf(event: CairnEvent): Reference[] {
  const refs: Reference[] = [];
  const list = (name: string, ids: readonly string[], wanted: Wanted) => {
    for (let i = 0; i < ids.length; i++) refs.push(new FieldReference(event.type, name, i, ids[i]!, wanted));
  };
  const one = (name: string, id: string, wanted: Wanted) => refs.push(new FieldReference(event.type, name, undefined, id, wanted));
  const lineage = (p: { readonly amends?: string; readonly supersedes?: string }) => {
    if (p.amends !== undefined) one('amends', p.amends, 'same-kind');
    if (p.supersedes !== undefined) one('supersedes', p.supersedes, 'same-kind');
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
      one('target', event.payload.target, 'cf');
      break;
    case 'SampleErased':
      one('sample', event.payload.sample, 'sample');
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
        {
          field: `${event.type}.payload.manifestId`,
          stream: `manifest-${event.payload.manifestId}`,
          what: `manifest ${event.payload.manifestId}`,
        },
      ];
    case 'TrainingRunRecorded':
      return [
        {
          field: `${event.type}.payload.dataset.name`,
          stream: `dataset-${event.payload.dataset.name}`,
          what: `dataset "${event.payload.dataset.name}"`,
        },
      ];
    case 'GradientsRecorded':
      return [
        { field: `${event.type}.payload.runId`, stream: `run-${event.payload.runId}`, what: `training run "${event.payload.runId}"` },
      ];
    default:
      return [];
  }
}
