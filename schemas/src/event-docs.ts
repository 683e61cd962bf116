// A line or two per event type: what it says, who signs it, where it goes. Used as the
// description of each generated JSON Schema; README.md says the same at more length.
import type { EventType } from './catalogue.js';

export interface EventDoc {
  readonly summary: string;
  readonly signer: string;
  readonly stream: string;
}

export const EVENT_DOCS: { readonly [TType in EventType]: EventDoc } = {
  ContributorRegistered: {
    summary: 'A contributor and their first Ed25519 public key.',
    signer: 'self-signed: signer = contributorIdOf(publicKey)',
    stream: 'contributor-<contributorId>',
  },
  ContributorKeyRotated: {
    summary: 'The contributor moves to a new key; the old key signs nothing after this position.',
    signer: 'the contributor, with the key being replaced',
    stream: 'contributor-<contributorId>',
  },
  ContributorKeyRevoked: {
    summary: 'A key of the contributor is revoked and signs nothing after this position.',
    signer: 'the contributor (any currently valid key) or an admin',
    stream: 'contributor-<contributorId>',
  },
  ContributorRoleGranted: {
    summary: 'A contributor is given a role: curator, admin, reader or steward (ledger-wide), or maintainer of one dataset (`dataset`).',
    signer: 'an admin',
    stream: 'contributor-<contributor>',
  },
  ContributorRoleRevoked: {
    summary: 'A role given earlier is taken back.',
    signer: 'an admin',
    stream: 'contributor-<contributor>',
  },
  SampleContributed: {
    summary: 'A Sample CF: the commitment to the bytes, media type, size, SPDX license and source. The bytes never enter the log.',
    signer: 'the author, one by one (signature) or through the BatchSealed it names (seal)',
    stream: 'cf-<eventId> (expected revision: no stream)',
  },
  LabelContributed: {
    summary: 'A Label CF: a structured claim about one or more earlier CFs.',
    signer: 'the author, one by one (signature) or through the BatchSealed it names (seal)',
    stream: 'cf-<eventId> (expected revision: no stream)',
  },
  ValidationContributed: {
    summary: "A Validation CF: a reviewer's verdict (approve, reject or score) on one or more earlier CFs.",
    signer: 'the reviewer, one by one (signature) or through the BatchSealed it names (seal)',
    stream: 'cf-<eventId> (expected revision: no stream)',
  },
  ContributionDeprecated: {
    summary: 'Takes a CF out of future assembly (dispute, takedown, erasure, quality). The CF stays in the log.',
    signer: "the CF's author or a curator",
    stream: 'cf-<target>',
  },
  AssetAssembled: {
    summary: 'A reusable bundle of CFs with the transformations applied on the way.',
    signer: 'any registered contributor',
    stream: 'asset-<eventId>',
  },
  ManifestDefined: {
    summary: 'A complete manifest: the rules that decide dataset inclusion. Its id is the hash of its canonical JSON.',
    signer: 'a curator',
    stream: 'manifest-<manifestId>',
  },
  DatasetDefined: { summary: 'A named dataset.', signer: 'a curator', stream: 'dataset-<name>' },
  DatasetBuildRequested: {
    summary: "Selects a dataset version: apply the manifest to the log up to this event's position.",
    signer: 'a curator',
    stream: 'dataset-<dataset>',
  },
  TrainingRunRecorded: {
    summary: 'A training run: dataset version, code version, seeds, hyperparameters, environment, model hash, batch roots.',
    signer: 'the contributor who ran it',
    stream: 'run-<runId>',
  },
  GradientsRecorded: {
    summary:
      "A run's per-CF gradient (or feature) matrix by content hash, with the row to CF map, what the rows are (output or loss gradients) and optional per-row weights by content hash.",
    signer: 'the contributor who recorded the run',
    stream: 'run-<runId>',
  },
  SampleErased: {
    summary: "The sample's blob key is shredded: the commitment stays, the bytes become unreadable.",
    signer: "the sample's author or a curator",
    stream: 'cf-<sample>',
  },
  LogCheckpointed: {
    summary: 'A signed tree head over the log (RFC 6962): size, Merkle root, optional consistency proof from the previous one.',
    signer: 'an admin (the log operator)',
    stream: 'checkpoints',
  },
  BatchSealed: {
    summary:
      "One signature for a batch of CFs: the RFC 6962 Merkle root over the batch's CF ids in order, and their count. The CFs follow it in the log, each naming the seal and its index instead of carrying a signature.",
    signer: 'the author of every CF in the batch (a sealed CF has the same signer as its seal)',
    stream: 'seal-<eventId> (expected revision: no stream)',
  },
};
