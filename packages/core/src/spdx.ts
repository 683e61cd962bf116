// SPDX license expressions (SPDX spec 2.3, Annex D), parsed by the maintained
// spdx-expression-parse rather than by hand, and checked against a policy with spdx-satisfies.
import parseSpdxExpressionRaw from 'spdx-expression-parse';
import spdxSatisfies from 'spdx-satisfies';
import * as E from 'fp-ts/lib/Either.js';

export type SpdxNode =
  | { readonly license: string; readonly plus?: true; readonly exception?: string }
  | { readonly left: SpdxNode; readonly conjunction: 'and' | 'or'; readonly right: SpdxNode };

export interface SpdxError {
  readonly _tag: 'InvalidSpdxExpression';
  readonly expression: string;
  readonly reason: string;
}

/** Parses an SPDX license expression; the error says where parsing stopped and why. */
export function parseSpdxExpression(expression: string): E.Either<SpdxError, SpdxNode> {
  if (expression.trim() !== expression || expression.length === 0) {
    return E.left({ _tag: 'InvalidSpdxExpression', expression, reason: 'empty or padded with whitespace' });
  }
  try {
    return E.right(parseSpdxExpressionRaw(expression) as SpdxNode);
  } catch (e) {
    return E.left({ _tag: 'InvalidSpdxExpression', expression, reason: e instanceof Error ? e.message : String(e) });
  }
}

export function isSpdxExpression(expression: string): boolean {
  return E.isRight(parseSpdxExpression(expression));
}

/** The license ids an expression mentions, sorted and unique (exceptions excluded). */
export function spdxLicenseIds(node: SpdxNode): readonly string[] {
  const ids = new Set<string>();
  const walk = (n: SpdxNode): void => {
    if ('license' in n) ids.add(n.license);
    else {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(node);
  return [...ids].sort();
}

/**
 * True when the expression can be satisfied by choosing only licenses from `allowed`
 * (an OR needs one side allowed, an AND needs both).
 */
export function spdxSatisfiedBy(expression: string, allowed: readonly string[]): E.Either<SpdxError, boolean> {
  return E.map(() => {
    if (allowed.length === 0) return false;
    try {
      return spdxSatisfies(expression, [...allowed]);
    } catch {
      // spdx-satisfies rejects allow-lists with ids it does not know (e.g. LicenseRef-*);
      // fall back to our own evaluation over the parsed tree, which treats ids as opaque.
      return satisfiesTree(parseSpdxExpressionRaw(expression) as SpdxNode, new Set(allowed));
    }
  })(parseSpdxExpression(expression));
}

function satisfiesTree(node: SpdxNode, allowed: ReadonlySet<string>): boolean {
  if ('license' in node) {
    const id = node.exception ? `${node.license} WITH ${node.exception}` : node.license;
    return allowed.has(id) || allowed.has(node.license);
  }
  return node.conjunction === 'and'
    ? satisfiesTree(node.left, allowed) && satisfiesTree(node.right, allowed)
    : satisfiesTree(node.left, allowed) || satisfiesTree(node.right, allowed);
}
