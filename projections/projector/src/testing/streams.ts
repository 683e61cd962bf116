// Which stream an envelope goes on (common.md: cf-<id>, contributor-<id>, asset-<id>,
// dataset-<name>, manifest-<id>, run-<id>), so test logs look like the SDK's.
import { ExpectedRevision, type AppendRequest, type NewEvent } from '@cairn/eventlog';

const CF_TYPES = new Set(['SampleContributed', 'LabelContributed', 'ValidationContributed']);

export function appendRequestFor(event: NewEvent): AppendRequest {
  const envelope = event.data as { type: string; signer: string; payload: Record<string, unknown> };
  const p = envelope.payload;
  const text = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  if (CF_TYPES.has(event.type)) return { stream: `cf-${event.id}`, events: [event], expectedRevision: ExpectedRevision.noStream };
  let stream: string;
  switch (event.type) {
    case 'ContributorRegistered':
    case 'ContributorKeyRotated':
    case 'ContributorKeyRevoked':
      stream = `contributor-${envelope.signer}`;
      break;
    case 'ContributorRoleGranted':
    case 'ContributorRoleRevoked':
      stream = `contributor-${text(p.contributor, envelope.signer)}`;
      break;
    case 'ContributionDeprecated':
      stream = `cf-${text(p.target, event.id)}`;
      break;
    case 'SampleErased':
      stream = `cf-${text(p.sample, event.id)}`;
      break;
    case 'AssetAssembled':
      stream = `asset-${event.id}`;
      break;
    case 'ManifestDefined':
      stream = `manifest-${event.id}`;
      break;
    case 'DatasetDefined':
      stream = `dataset-${text(p.name, event.id)}`;
      break;
    case 'DatasetBuildRequested':
      stream = `dataset-${text(p.dataset, event.id)}`;
      break;
    case 'TrainingRunRecorded':
    case 'GradientsRecorded':
      stream = `run-${text(p.runId, event.id)}`;
      break;
    default:
      stream = `log-${event.type}`;
  }
  return { stream, events: [event], expectedRevision: ExpectedRevision.any };
}
