// Model-based property test: random sequences of appends (some fired concurrently) against the
// adapter and against the in-memory log as the model. Sequential steps must agree exactly;
// for a concurrent group the adapter's outcomes must equal the model's for SOME serial order.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  createInMemoryEventLog,
  type AppendRequest,
  type AppendResult,
  type EventLog,
  type EventLogError,
  type ExpectedRevision,
} from '@cairn/eventlog';
import { eventId, right, withSubject } from '../fixtures.js';
import type { ConformanceFactory, ConformanceOptions } from '../subject.js';

interface Op {
  readonly stream: number;
  readonly events: readonly { readonly id: number; readonly variant: number }[];
  readonly expected: ExpectedRevision;
}
type Step =
  | { readonly kind: 'one'; readonly op: Op }
  | { readonly kind: 'many'; readonly ops: readonly Op[] }
  | { readonly kind: 'race'; readonly ops: readonly Op[] };

const expectedArb: fc.Arbitrary<ExpectedRevision> = fc.oneof(
  fc.constant<ExpectedRevision>({ kind: 'any' }),
  fc.constant<ExpectedRevision>({ kind: 'no-stream' }),
  fc.constant<ExpectedRevision>({ kind: 'stream-exists' }),
  fc.integer({ min: 0, max: 4 }).map((r): ExpectedRevision => ({ kind: 'exact', revision: BigInt(r) })),
);
const opArb: fc.Arbitrary<Op> = fc.record({
  stream: fc.integer({ min: 0, max: 3 }),
  events: fc.uniqueArray(fc.record({ id: fc.integer({ min: 0, max: 11 }), variant: fc.constantFrom(0, 0, 0, 1) }), {
    minLength: 1,
    maxLength: 3,
    selector: (e) => e.id,
  }),
  expected: expectedArb,
});
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: opArb.map((op): Step => ({ kind: 'one', op })) },
  { weight: 1, arbitrary: fc.array(opArb, { minLength: 1, maxLength: 3 }).map((ops): Step => ({ kind: 'many', ops })) },
  { weight: 2, arbitrary: fc.array(opArb, { minLength: 2, maxLength: 3 }).map((ops): Step => ({ kind: 'race', ops })) },
);

function toRequest(run: string, op: Op): AppendRequest {
  return {
    stream: `model-${run}-${op.stream}`,
    events: op.events.map((e) => ({ id: eventId(`${run}/${e.id}`), type: 'Modelled', data: { id: e.id, variant: e.variant } })),
    expectedRevision: op.expected,
  };
}

/** Outcome without positions (the adapter's log is shared across runs, the model's is not). */
function outcome(result: E.Either<EventLogError, AppendResult | readonly AppendResult[]>): unknown {
  if (E.isLeft(result)) return result.left._tag === 'WrongExpectedRevision' ? [result.left._tag, result.left.actual] : [result.left._tag];
  const results = Array.isArray(result.right) ? result.right : [result.right as AppendResult];
  return results.map((r) => [r.nextExpectedRevision, r.alreadyAppended]);
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

async function replay(history: readonly AppendRequest[][]): Promise<EventLog> {
  const model = createInMemoryEventLog();
  for (const batch of history) await model.appendMany(batch);
  return model;
}

export function modelBased(factory: ConformanceFactory, options: ConformanceOptions): void {
  describe('model-based', () => {
    it('given random append sequences with concurrent groups, when run against the adapter and the in-memory model, then outcomes and final streams agree', () =>
      withSubject(factory, async ({ log }) => {
        let runNo = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
            const run = `${Date.now().toString(36)}-${runNo++}`;
            const history: AppendRequest[][] = [];
            for (const step of steps) {
              if (step.kind !== 'race') {
                const requests = (step.kind === 'one' ? [step.op] : step.ops).map((op) => toRequest(run, op));
                const model = await replay(history);
                const expected = step.kind === 'one' ? await model.append(requests[0]!) : await model.appendMany(requests);
                const actual = step.kind === 'one' ? await log.append(requests[0]!) : await log.appendMany(requests);
                expect(outcome(actual)).toEqual(outcome(expected));
                if ((actual as E.Either<EventLogError, unknown>)._tag === 'Right') history.push(requests);
                continue;
              }
              const requests = step.ops.map((op) => toRequest(run, op));
              const actual = (await Promise.all(requests.map((r) => log.append(r)))).map(outcome);
              let matched: AppendRequest[][] | undefined;
              for (const order of permutations(requests.map((_, i) => i))) {
                const model = await replay(history);
                const modelled: unknown[] = [];
                const applied: AppendRequest[][] = [];
                for (const i of order) {
                  const r = await model.append(requests[i]!);
                  modelled[i] = outcome(r);
                  if (E.isRight(r)) applied.push([requests[i]!]);
                }
                if (JSON.stringify(modelled, big) === JSON.stringify(actual, big)) {
                  matched = applied;
                  break;
                }
              }
              expect({ race: actual, matchesSomeSerialOrder: matched !== undefined }).toEqual({
                race: actual,
                matchesSomeSerialOrder: true,
              });
              history.push(...matched!);
            }
            const model = await replay(history);
            for (let s = 0; s < 4; s++) {
              const stream = `model-${run}-${s}`;
              const shape = (events: readonly { id: string; revision: bigint; data: unknown }[]) =>
                events.map((e) => [e.id, e.revision, e.data]);
              expect(shape(right(await log.readStream(stream)))).toEqual(shape(right(await model.readStream(stream))));
            }
          }),
          { numRuns: options.modelRuns ?? 25 },
        );
      }));
  });
}

function big(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
