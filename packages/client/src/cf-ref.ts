// A CF named by its id or, like a git commit, by a unique prefix of it (6+ hex chars). The CLI
// prints ids cut to 12 characters followed by "…"; that form is taken as the prefix it shows.
import * as E from 'fp-ts/lib/Either.js';
import { type ProjectionStore } from '@cairn/projector';
import { cfsByPrefix, MIN_CF_PREFIX } from '@cairn/datasets';
import { quoteInput, usageError, type RefError } from './errors.js';
import { isSha256Hex } from '@cairn/core';
import { CfId } from '@cairn/schemas';

/** How many candidates an ambiguous prefix lists. */
const CANDIDATES = 5;

/** The text as a prefix to look up: lowercase hex of MIN_CF_PREFIX..64 chars, a trailing "…" dropped; or why not. */
export function cfPrefixOf(text: string, field: string): E.Either<RefError, string> {
  const prefix = text.endsWith('…') ? text.slice(0, -1) : text;
  if (!/^[0-9a-f]+$/.test(prefix) || prefix.length > 64)
    return E.left(
      usageError(field, `expected a CF id or a prefix of one (${MIN_CF_PREFIX} to 64 lowercase hex chars), got ${quoteInput(text)}`),
    );
  if (prefix.length < MIN_CF_PREFIX)
    return E.left(usageError(field, `the CF id prefix ${JSON.stringify(prefix)} is too short; give at least ${MIN_CF_PREFIX} hex chars`));
  return E.right(prefix);
}

/**
 * The full CF id `text` names. A full id is answered as it is, without a lookup (whether the CF
 * exists is the reading's question); a prefix must name exactly one CF the projections know.
 */
export async function resolveCfRef(db: ProjectionStore['db'], text: string, field = 'CF'): Promise<E.Either<RefError, CfId>> {
  if (CfId.is(text)) return E.right(text);
  const prefix = cfPrefixOf(text, field);
  if (E.isLeft(prefix)) return prefix;
  const found = await cfsByPrefix(db, prefix.right, CANDIDATES + 1);
  if (found.length === 1) return E.right(found[0]!);
  if (found.length === 0)
    return E.left({ _tag: 'CfNotFound', cfId: prefix.right, field, message: `${field}: no CF id starts with ${prefix.right}` });
  const shown = found.slice(0, CANDIDATES);
  return E.left({
    _tag: 'AmbiguousCfPrefix',
    field,
    prefix: prefix.right,
    candidates: shown,
    message: `${field}: the prefix ${prefix.right} names several CFs (${shown.join(', ')}${found.length > CANDIDATES ? ', ...' : ''}); give more of the id`,
  });
}

export const isFullCfId = (text: string): boolean => isSha256Hex(text);
