// io-ts's `exact`/`strict` silently strip unknown fields. In a signed ledger a typo
// ("licence") must fail loudly, and decoding must return exactly what was signed, so a closed
// object rejects every field it does not know and never drops anything.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { described } from '../describe.js';

/** Context marker for a field a closed object does not know; the renderer reports it by name. */
export const UnexpectedField = described(
  new t.Type<unknown, unknown, unknown>(
    'UnexpectedField',
    (_u): _u is unknown => false,
    (u, c) => t.failure(u, c),
    (a) => a,
  ),
  { expected: 'no such field' },
);

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "no optional fields"
type NoProps = {};

export type ClosedC<R extends t.Props, O extends t.Props> = t.ExactType<
  t.Any,
  t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>,
  t.OutputOf<t.TypeC<R>> & t.OutputOf<t.PartialC<O>>,
  unknown
>;

/**
 * An object with exactly these fields: `required` must be present, `optional` may be, anything
 * else is an error. Keeps io-ts's ExactType tag so the JSON Schema converter sees a closed object.
 */
export function closed<R extends t.Props, O extends t.Props = NoProps>(name: string, required: R, optional?: O): ClosedC<R, O> {
  const inner: t.Any =
    optional && Object.keys(optional).length > 0 ? t.intersection([t.type(required), t.partial(optional)]) : t.type(required);
  const fields = [...Object.keys(required), ...Object.keys(optional ?? {})];
  const known = new Set(fields);
  type A = t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>;
  const codec = new t.ExactType<t.Any, A, A, unknown>(
    name,
    (u): u is A => isRecord(u) && Object.keys(u).every((k) => known.has(k)) && inner.is(u),
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c);
      const problems: t.ValidationError[] = [];
      const checked = inner.validate(u, c);
      if (isLeft(checked)) problems.push(...checked.left);
      for (const key of Object.keys(u)) {
        if (!known.has(key)) {
          problems.push({ value: u[key], context: [...c, { key, type: UnexpectedField, actual: u[key] }] });
        }
      }
      if (problems.length > 0) return t.failures(problems);
      // The inner codecs return the input itself when nothing needed decoding, which is always
      // the case here: decoding is the identity on what was signed.
      return t.success(u as A);
    },
    (a) => inner.encode(a) as A,
    inner,
  );
  return described(codec, { expected: 'an object', fields });
}
