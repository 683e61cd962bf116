// Rules: labels, validations, assets and gradients reference CFs that exist (in the log, or
// earlier in the same batch, so references always point backwards and chains cannot loop); a
// validation cannot stand alone (its codec already demands at least one target); amend and
// supersede point at an existing CF of their own kind; an erasure names a sample.
import type { CairnEvent } from '@cairn/schemas';
import { ruleViolation, type RuleViolation } from '../errors.js';
import { referencesOf, requiredStreamsOf } from '../ingest/references.js';
import { CF_TYPES, type BatchView } from './view.js';

export function checkReferences(event: CairnEvent, view: BatchView, index?: number): RuleViolation | undefined {
  for (const ref of referencesOf(event)) {
    const target = view.event(ref.id);
    if (!target) return ruleViolation('reference-exists', ref.field, `no event ${ref.id} in the log`, index);
    if (ref.wanted === 'cf' && !CF_TYPES.has(target.type))
      return ruleViolation('reference-kind', ref.field, `${ref.id} is a ${target.type}, not a CF (sample, label or validation)`, index);
    if (ref.wanted === 'sample' && target.type !== 'SampleContributed')
      return ruleViolation('reference-kind', ref.field, `${ref.id} is a ${target.type}, not a sample`, index);
    if (ref.wanted === 'same-kind' && target.type !== event.type)
      return ruleViolation(
        'amend-same-kind',
        ref.field,
        `a ${event.type} can only amend or supersede a CF of its own kind; ${ref.id} is a ${target.type}`,
        index,
      );
  }
  if (event.type === 'SampleErased') {
    const earlier = view.erasedBy(event.payload.sample);
    if (earlier !== undefined)
      return ruleViolation(
        'erasure-once',
        'SampleErased.payload.sample',
        `sample ${event.payload.sample} is already erased (by ${earlier}); nothing is left to erase`,
        index,
      );
  }
  for (const required of requiredStreamsOf(event)) {
    if (!view.streamExists(required.stream))
      return ruleViolation(
        required.stream.startsWith('dataset-') ? 'dataset-exists' : 'reference-exists',
        required.field,
        `no ${required.what} in the log`,
        index,
      );
  }
  return undefined;
}
