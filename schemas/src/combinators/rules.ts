// Cross-field rules ("score is required iff verdict is score") that a field codec cannot see.
// A violation is reported on the field it is about, with what was expected there.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { described, descriptorOf, type JsonSchema } from '../describe.js';

export interface RuleViolation {
  /** Field path inside the checked value, e.g. ['commitment', 'scheme']. */
  readonly path: readonly (string | number)[];
  /** What should be there, e.g. `a probability when verdict is "score"`. */
  readonly expected: string;
}

export type Rule<A> = (value: A) => readonly RuleViolation[];

function contextAt(value: unknown, path: readonly (string | number)[], base: t.Context): { context: t.Context; actual: unknown } {
  let actual: unknown = value;
  const context = [...base];
  for (const key of path) {
    actual = typeof actual === 'object' && actual !== null ? (actual as Record<string | number, unknown>)[key] : undefined;
    context.push({ key: String(key), type: t.unknown, actual });
  }
  return { context, actual };
}

/**
 * Adds rules to a codec. `jsonSchemaExtra` states the same rules in JSON Schema where it can
 * (if/then/else), so the generated schema is not looser than it has to be.
 */
export function withRules<C extends t.Mixed>(
  codec: C,
  rules: readonly Rule<t.TypeOf<C>>[],
  jsonSchemaExtra?: JsonSchema,
): t.RefinementType<C, t.TypeOf<C>, t.OutputOf<C>, unknown> {
  const violationsOf = (a: t.TypeOf<C>) => rules.flatMap((rule) => rule(a));
  const refined = new t.RefinementType<C, t.TypeOf<C>, t.OutputOf<C>, unknown>(
    codec.name,
    (u): u is t.TypeOf<C> => codec.is(u) && violationsOf(u).length === 0,
    (u, c) => {
      const checked = codec.validate(u, c);
      if (isLeft(checked)) return checked;
      const violations = violationsOf(checked.right);
      if (violations.length === 0) return checked;
      return t.failures(
        violations.map((v) => {
          const { context, actual } = contextAt(checked.right, v.path, c);
          return { value: actual, context, message: v.expected };
        }),
      );
    },
    codec.encode,
    codec,
    (a) => violationsOf(a).length === 0,
  );
  // Errors about the object itself (not an object, unknown field) read as the inner codec's.
  const inner = descriptorOf(codec);
  return described(refined, {
    expected: inner?.expected ?? codec.name,
    ...(inner?.fields ? { fields: inner.fields } : {}),
    jsonSchemaExtra: jsonSchemaExtra ?? {},
  });
}
