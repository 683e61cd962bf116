// A deterministic synthetic log with a realistic mix for the lineage graph: mostly samples, then
// labels and validations on earlier samples, some amendments, deprecations and assets. Event i
// depends only on i (and earlier events' ids), so a killed writer can re-append from the start and
// every replayed append is an idempotent no-op.
import type { NewEvent } from '@cairn/eventlog';
import { envelopeEvent, testContributorId, type TestEnvelope } from './envelopes.js';
import { labelPayload, samplePayload, testDigest, validationPayload } from './payloads.js';

const CONTRIBUTORS = ['ada', 'grace', 'alan', 'edsger', 'barbara'];

export interface SyntheticLog {
  /** Event i of the log (memoised; ids of earlier events are computed as needed). */
  event(i: number): NewEvent;
  envelope(i: number): TestEnvelope;
}

/** Mix per 20 events: 10 samples, 5 labels, 3 validations, 1 amendment, 1 deprecation or asset. */
export function syntheticLineageLog(seed = 'cairn'): SyntheticLog {
  const events: NewEvent[] = [];
  const envelopes: TestEnvelope[] = [];
  const samples: number[] = [];
  const signer = (i: number) => testContributorId(`${seed}-${CONTRIBUTORS[i % CONTRIBUTORS.length]}`);
  // A spread of earlier samples, picked by a cheap deterministic hash of i.
  const earlierSample = (i: number, salt: number) => samples[(i * 2654435761 + salt * 40503) % samples.length]!;

  const build = (i: number): TestEnvelope => {
    if (i < CONTRIBUTORS.length) {
      return {
        type: 'ContributorRegistered',
        payload: { publicKey: testDigest(`${seed}-key-${i}`), name: CONTRIBUTORS[i]! },
        signer: signer(i),
      };
    }
    const slot = i % 20;
    const by = signer(i);
    if (slot < 10 || samples.length < 4) return { type: 'SampleContributed', payload: samplePayload(`${seed}-${i}`), signer: by };
    const target = (salt: number) => eventAt(earlierSample(i, salt)).id;
    if (slot < 15)
      return {
        type: 'LabelContributed',
        payload: labelPayload([target(1)], slot % 2 === 0 ? 'cat' : 'dog', { rationale: `seen at ${i}` }),
        signer: by,
      };
    if (slot < 18)
      return {
        type: 'ValidationContributed',
        payload: validationPayload([target(2)], slot === 17 ? 'reject' : 'approve', { rationale: `review ${i}` }),
        signer: by,
      };
    if (slot === 18) return { type: 'SampleContributed', payload: samplePayload(`${seed}-${i}`, { amends: target(3) }), signer: by };
    if (i % 40 === 19)
      return { type: 'ContributionDeprecated', payload: { target: target(4), reason: 'quality', note: `ticket ${i}` }, signer: by };
    return {
      type: 'AssetAssembled',
      payload: {
        name: `asset-${i}`,
        members: [...new Set([target(5), target(6), target(7)])],
        transformations: [{ kind: 'filter', params: { minScore: 0.5 } }],
      },
      signer: by,
    };
  };

  const eventAt = (i: number): NewEvent => {
    while (events.length <= i) {
      const n = events.length;
      const envelope = build(n);
      envelopes.push(envelope);
      events.push(envelopeEvent(envelope));
      if (envelope.type === 'SampleContributed') samples.push(n);
    }
    return events[i]!;
  };

  return {
    event: eventAt,
    envelope: (i) => {
      eventAt(i);
      return envelopes[i]!;
    },
  };
}
