// io-ts's `record` with a refined key type silently drops keys that fail it; a signed payload
// must not lose fields on decode, so a bad key here is an error like any other.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { descriptorOf } from '../describe.js';

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** An object whose every key decodes as `domain` and every value as `codomain`. */
export function dictionary<D extends t.Mixed, C extends t.Mixed>(domain: D, codomain: C, name: string) {
  type A = { [key: string]: t.TypeOf<C> };
  const keyExpected = `a key that is ${descriptorOf(domain)?.expected ?? domain.name}`;
  return new t.DictionaryType<D, C, A, A, unknown>(
    name,
    (u): u is A => isRecord(u) && Object.entries(u).every(([k, v]) => domain.is(k) && codomain.is(v)),
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c);
      const problems: t.ValidationError[] = [];
      for (const [key, value] of Object.entries(u)) {
        if (!domain.is(key)) {
          // The key codec's own reason (a NUL, a lone surrogate) says more than its general name.
          const keyChecked = domain.validate(key, c);
          const reason = isLeft(keyChecked) ? keyChecked.left[0]?.message : undefined;
          problems.push({
            value: key,
            context: [...c, { key, type: domain, actual: key }],
            message: reason === undefined ? keyExpected : `a key that is ${reason}`,
          });
        }
        const checked = codomain.validate(value, [...c, { key, type: codomain, actual: value }]);
        if (isLeft(checked)) problems.push(...checked.left);
      }
      return problems.length > 0 ? t.failures(problems) : t.success(u as A);
    },
    t.identity,
    domain,
    codomain,
  );
}
