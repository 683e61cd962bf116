// A refusal from a Cairn server, turned back into the LedgerError the local ledger would have
// answered: the same rule, field, reason and batch index, so a caller handles both the same way.
import type { LedgerError, RuleName } from '../errors.js';
import { problemType, type ProblemDocument } from '../wire/batch.js';

const at = (index: number | undefined) => (index === undefined ? {} : { index });

export function ledgerErrorOf(problem: ProblemDocument): LedgerError {
  switch (problem.type) {
    case problemType('rule-violation'):
      return {
        _tag: 'RuleViolation',
        // The server words only the SDK's own rules (it runs the same ledger).
        rule: (problem.rule ?? 'batch-consistent') as RuleName,
        field: problem.field ?? '(batch)',
        reason: problem.reason ?? problem.detail,
        ...at(problem.index),
      };
    case problemType('invalid-event'): {
      const errors = problem.errors ?? [{ field: problem.field ?? '(event)', reason: problem.reason ?? problem.detail }];
      return {
        _tag: 'DecodeFailure',
        type: null,
        problems: errors.map((e) => ({ path: e.field, expected: e.reason, actual: undefined, message: `${e.field}: ${e.reason}` })),
        message: problem.detail,
        ...at(problem.index),
      };
    }
    case problemType('invalid-request'):
    case problemType('conflict'):
      // What the server could not take as sent (the body, or an event clashing with the log).
      return { _tag: 'InvalidEvent', eventId: undefined, field: problem.field ?? 'body', reason: problem.detail, ...at(problem.index) };
    default:
      return { _tag: 'Unavailable', reason: `the server answered ${problem.status}: ${problem.detail}` };
  }
}
