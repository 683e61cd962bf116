// Every refusal the server builds is the problem document its clients decode: the one codec in
// @cairn/schemas, so nothing a builder adds can be lost or misread on the other side.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { ProblemDocument } from '@cairn/schemas';
import { ruleViolation } from '@cairn/sdk';
import { invalidRequest, ledgerProblem, notFound, problem, readProblem } from './problem.js';

describe('problem documents', () => {
  it.each([
    ['a bad query', invalidRequest([{ field: 'query.limit', reason: 'expected digits' }])],
    ['a missing CF', notFound('no CF abc', 'cf')],
    [
      'an ambiguous prefix',
      readProblem({ _tag: 'AmbiguousCfPrefix', field: 'cf', prefix: 'ab', candidates: [], message: 'ab names 2 CFs' }),
    ],
    ['a broken rule in a batch', ledgerProblem({ ...ruleViolation('reference-exists', 'x.targets[0]', 'no CF'), index: 1 })],
    ['a refused signature', problem(401, 'signature-refused', 'The request signature was refused', 'nonce: replayed', { field: 'nonce' })],
  ])('given %s, when the client decodes what the server sends, then it reads the same document', (_what, built) => {
    const sent = JSON.parse(JSON.stringify(built)) as unknown;
    expect(ProblemDocument.decode(sent)).toEqual(E.right(built));
    expect(built.type).toMatch(/^urn:cairn:problem:/);
  });
});
