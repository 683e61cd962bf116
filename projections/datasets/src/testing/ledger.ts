// A tiny ledger for the datasets specs: envelopes appended to an in-memory log and projected by
// the runner into the store under test, so each spec reads given / when / then.
import { contentIdOf, verifyInclusionProof } from '@cairn/core';
import { createInMemoryEventLog, type EventLog } from '@cairn/eventlog';
import { withManifestDefaults, type Manifest } from '@cairn/schemas';
import { isLeft } from 'fp-ts/lib/Either.js';
import { createProjectionRunner, type ProjectionRunner } from '@cairn/projector';
import type { ProjectionStore } from '@cairn/projector';
// src/testing is this package's own given/when/then folder, not the @cairn/testing package the lint rule guards.
import { appendRequestFor, envelopeEvent, testContributorId, testDigest, type TestEnvelope } from '@cairn/projector';
import { datasetsProjection } from '../projection.js';

export { verifyInclusionProof };
export const who = (name: string) => testContributorId(name);

export function manifestOf(overrides: Record<string, unknown> = {}): Manifest {
  // through JSON: the defaults are structuredClone'd, and objects from another realm (jest's vm) are not plain JSON to canonicalize
  const filled = withManifestDefaults({ licensePolicy: { allowed: ['MIT', 'Apache-2.0'] }, minAgreement: 0.66, ...overrides });
  return JSON.parse(JSON.stringify(filled)) as Manifest;
}

export function manifestIdOf(manifest: Manifest): string {
  const id = contentIdOf('manifest', manifest);
  if (isLeft(id)) throw new Error('manifest id');
  return id.right;
}

export class Ledger {
  readonly log: EventLog = createInMemoryEventLog();
  readonly runner: ProjectionRunner;
  /** Event ids by name, and positions by name once appended. */
  readonly ids = new Map<string, string>();
  readonly positions = new Map<string, bigint>();

  constructor(readonly store: ProjectionStore) {
    this.runner = createProjectionRunner({ log: this.log, store, projections: [datasetsProjection], batchSize: 4 });
  }

  id(name: string): string {
    const id = this.ids.get(name);
    if (id === undefined) throw new Error(`no event named ${name}`);
    return id;
  }

  position(name: string): bigint {
    const p = this.positions.get(name);
    if (p === undefined) throw new Error(`no event named ${name}`);
    return p;
  }

  async append(name: string, type: string, signer: string, payload: TestEnvelope['payload']): Promise<string> {
    const event = envelopeEvent({ type, payload, signer: who(signer) });
    const r = await this.log.append(appendRequestFor(event));
    if (isLeft(r)) throw new Error(`append ${name}: ${JSON.stringify(r.left)}`);
    this.ids.set(name, event.id);
    this.positions.set(name, r.right.position);
    return event.id;
  }

  sample(name: string, signer: string, extra: Record<string, unknown> = {}, content = name) {
    const payload = {
      commitment: { scheme: 'sha256', value: testDigest(`bytes:${content}`) },
      mediaType: 'text/plain',
      size: 10,
      license: 'MIT',
      source: 'web',
      ...extra,
    } as TestEnvelope['payload'];
    return this.append(name, 'SampleContributed', signer, payload);
  }

  label(name: string, signer: string, targets: string[], labelType = 'class') {
    return this.append(name, 'LabelContributed', signer, { targets: targets.map((t) => this.id(t)), labelType, value: 'cat' });
  }

  validate(name: string, signer: string, targets: string[], verdict: 'approve' | 'reject') {
    return this.append(name, 'ValidationContributed', signer, { targets: targets.map((t) => this.id(t)), verdict, rationale: 'reviewed' });
  }

  deprecate(name: string, signer: string, target: string, reason = 'takedown') {
    return this.append(name, 'ContributionDeprecated', signer, { target: this.id(target), reason });
  }

  asset(name: string, signer: string, members: string[]) {
    return this.append(name, 'AssetAssembled', signer, { name, members: members.map((m) => this.id(m)), transformations: [] });
  }

  async dataset(name: string, manifest: Manifest) {
    await this.append(`dataset:${name}`, 'DatasetDefined', 'curator', { name });
    await this.append(`manifest:${name}`, 'ManifestDefined', 'curator', { manifest: manifest as never });
  }

  // Without a nonce a request is (dataset, manifestId) only: the same request by the same signer
  // is the same event (content addressing), as requests written before the nonce existed were
  build(name: string, dataset: string, manifest: Manifest, signer = 'curator', nonce?: string) {
    return this.append(name, 'DatasetBuildRequested', signer, {
      dataset,
      manifestId: manifestIdOf(manifest),
      ...(nonce !== undefined ? { nonce } : {}),
    });
  }

  trainingRun(name: string, dataset: string, versionId: string, modelHash: string) {
    return this.append(name, 'TrainingRunRecorded', 'trainer', {
      runId: name,
      dataset: { name: dataset, versionId },
      codeVersion: 'git:abc',
      seeds: { data: 1 },
      hyperparameters: {},
      environment: { python: '3.11' },
      modelHash,
    });
  }

  async project(): Promise<void> {
    const r = await this.runner.runOnce();
    if (isLeft(r)) throw new Error(r.left.message);
  }
}
