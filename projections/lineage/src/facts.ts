// Event → the graph facts it states (nodes, edges, state changes). Pure: the projection batches
// these into one insert per table. Payload fields follow @cairn/schemas' catalogue.
import type { ProjectedEvent } from '@cairn/projector';
import type { LineageEdge, LineageNode, NodeState, EdgeType, NodeKind } from './tables.js';

export interface StateChange {
  readonly nodeId: string;
  readonly state: NodeState;
  readonly reason: string | null;
  readonly eventId: string;
  readonly position: ProjectedEvent['position'];
}

export interface LineageFacts {
  readonly nodes: LineageNode[];
  readonly edges: LineageEdge[];
  readonly states: StateChange[];
}

const MAX_LABEL = 80;

function short(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

type Loose = { readonly [key: string]: unknown };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): readonly string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
/** Each id once: an event states an edge once however often its list names the far end (lineage_edges has no key to refuse a second). */
const distinct = (ids: readonly string[]): Iterable<string> => new Set(ids);

export function lineageFacts(e: ProjectedEvent, into: LineageFacts): void {
  const { id, position, recordedAt } = e;
  const signer = e.event.signer;
  const p = e.event.payload as Loose;
  const node = (nodeId: string, kind: NodeKind, label: string) =>
    into.nodes.push({ id: nodeId, kind, label: short(label), eventId: id, position });
  const edge = (type: EdgeType, from: string, to: string) => into.edges.push({ type, from, to, eventId: id, position, recordedAt });
  const state = (nodeId: string, s: NodeState, reason: string | null) =>
    into.states.push({ nodeId, state: s, reason, eventId: id, position });
  const corrections = () => {
    const amends = str(p.amends);
    const supersedes = str(p.supersedes);
    if (amends !== undefined) {
      edge('amends', id, amends);
      state(amends, 'amended', null);
    }
    if (supersedes !== undefined) {
      edge('supersedes', id, supersedes);
      state(supersedes, 'superseded', null);
    }
  };

  switch (e.event.type) {
    case 'ContributorRegistered':
      node(signer, 'contributor', str(p.name) ?? signer);
      return;
    case 'SampleContributed':
      node(id, 'sample', `${str(p.mediaType) ?? 'sample'} from ${str(p.source) ?? '?'}`);
      edge('contributed-by', id, signer);
      corrections();
      return;
    case 'LabelContributed':
      node(id, 'label', `${str(p.labelType) ?? 'label'} = ${JSON.stringify(p.value) ?? ''}`);
      edge('contributed-by', id, signer);
      for (const target of distinct(strs(p.targets))) edge('labels', id, target);
      corrections();
      return;
    case 'ValidationContributed':
      node(id, 'validation', p.verdict === 'score' ? `score ${String(p.score)}` : (str(p.verdict) ?? 'validation'));
      edge('contributed-by', id, signer);
      for (const target of distinct(strs(p.targets))) edge('validates', id, target);
      corrections();
      return;
    case 'ContributionDeprecated': {
      const target = str(p.target);
      if (target === undefined) return;
      edge('deprecates', signer, target);
      state(target, 'deprecated', str(p.reason) ?? null);
      return;
    }
    case 'SampleErased': {
      const sample = str(p.sample);
      if (sample !== undefined) state(sample, 'erased', str(p.reason) ?? null);
      return;
    }
    case 'AssetAssembled':
      node(id, 'asset', str(p.name) ?? 'asset');
      edge('contributed-by', id, signer);
      for (const member of distinct(strs(p.members))) edge('derived-from', id, member);
      return;
    case 'TrainingRunRecorded': {
      const runId = str(p.runId);
      if (runId === undefined) return;
      const dataset = p.dataset as Loose | undefined;
      const versionId = str(dataset?.versionId);
      const modelHash = str(p.modelHash);
      node(runId, 'training-run', `run ${runId}`);
      edge('contributed-by', runId, signer);
      if (versionId !== undefined) edge('trained-on', runId, versionId);
      if (modelHash !== undefined) {
        node(modelHash, 'model', `model ${modelHash.slice(0, 12)}`);
        edge('derived-from', modelHash, runId);
      }
      return;
    }
    default:
      return;
  }
}
