import * as t from 'io-ts';
import { described } from '../describe.js';

export interface ListOptions {
  /** What the list is, for errors: "a non-empty list of distinct CfIds". */
  readonly expected: string;
  readonly nonEmpty?: boolean;
  /** Items must be pairwise different (compared by their JSON text). */
  readonly distinct?: boolean;
}

function isDistinct(items: readonly unknown[]): boolean {
  return new Set(items.map((i) => JSON.stringify(i))).size === items.length;
}

/** An array refined by length and distinctness, with the matching minItems/uniqueItems. */
export function list<C extends t.Mixed>(item: C, options: ListOptions) {
  const codec = t.refinement(
    t.array(item),
    (items) => (!options.nonEmpty || items.length > 0) && (!options.distinct || isDistinct(items)),
    `List<${item.name}>`,
  );
  return described(codec, {
    expected: options.expected,
    jsonSchemaExtra: {
      ...(options.nonEmpty ? { minItems: 1 } : {}),
      ...(options.distinct ? { uniqueItems: true } : {}),
    },
  });
}
