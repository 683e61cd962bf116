// RFC 9457 problem details, as Cairn's server sends every refusal and its clients read them: one
// codec, so the server builds exactly what the clients decode. Beyond the RFC's members, the field
// a refusal concerns (the io-ts path, the ledger rule's field, or the argument) and the reason;
// every field that failed when a body or query did not decode; and a write's broken ledger rule
// with the index of the batch item that broke it.
import * as t from 'io-ts';

export const FieldProblem = t.type({ field: t.string, reason: t.string }, 'FieldProblem');
export type FieldProblem = t.TypeOf<typeof FieldProblem>;

export const ProblemDocument = t.intersection(
  [
    /** `type` is a URN naming the kind of problem (stable: clients branch on it; problemType). */
    t.type({ type: t.string, title: t.string, status: t.number, detail: t.string }),
    t.partial({ field: t.string, reason: t.string, errors: t.readonlyArray(FieldProblem), rule: t.string, index: t.number }),
  ],
  'Problem',
);
export type ProblemDocument = t.TypeOf<typeof ProblemDocument>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The URN a problem's `type` carries for `kind`. */
export const problemType = (kind: string): string => `urn:cairn:problem:${kind}`;
