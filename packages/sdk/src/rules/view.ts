// The world a rule sees: the ledger as it stands just before the event being judged. For the
// SDK that is the log as loaded for a batch plus the effects of the batch's earlier items (a
// label may target a sample contributed three items before it; a rotation changes the key the
// next item must be signed with); for `cairn verify` it is the log replayed up to the event.
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
  /** The contributor that registered or rotated to this key, ever (current or past). */
  keyOwner(publicKey: string): string | undefined;
  /** The contributor registered under this name. */
  nameOwner(name: string): string | undefined;
  /** The signer of the dataset's DatasetDefined (it maintains the dataset), if it is defined. */
  datasetDefiner(name: string): string | undefined;
  /** The SampleErased that erased this sample, if one is in the log. */
  erasedBy(sampleId: string): string | undefined;
}

export const CF_TYPES: ReadonlySet<string> = new Set(['SampleContributed', 'LabelContributed', 'ValidationContributed']);
