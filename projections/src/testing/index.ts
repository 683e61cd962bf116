export { projectionSpecification, type ProjectionSpecOptions, type Scenario, type ThenContext, type GivenEvent } from './specification.js';
export { envelopeEvent, testContributorId, UNCHECKED_SIGNATURE, type TestEnvelope } from './envelopes.js';
export { samplePayload, labelPayload, validationPayload, testDigest } from './payloads.js';
export { appendRequestFor } from './streams.js';
export { syntheticLineageLog, type SyntheticLog } from './synthetic.js';
