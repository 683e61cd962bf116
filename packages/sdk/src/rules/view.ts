// The world a rule sees while a batch is checked: the log as loaded for this batch, plus the
// effects of the batch's earlier items (a label may target a sample contributed three items
// before it; a rotation changes the key the next item must be signed with).
import type { ContributorState } from '../state/contributor-state.js';

export interface KnownEvent {
  readonly type: string;
  readonly signer: string;
}

export interface BatchView {
  event(id: string): KnownEvent | undefined;
  contributor(id: string): ContributorState | undefined;
  streamExists(stream: string): boolean;
  readonly founder: string | undefined;
}

export const CF_TYPES: ReadonlySet<string> = new Set(['SampleContributed', 'LabelContributed', 'ValidationContributed']);
