// licenses(version): the license set of a version, the obligations its members carry and the
// conflicts between them, from the auditable rules in license-rules.json. An OR expression is
// resolved to the alternative the version's own license policy allows with the fewest
// obligations (ties broken by id), so the answer is deterministic.
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import { parseSpdxExpression, type SpdxNode } from '@cairn/core';
import { idHex } from '@cairn/projector';
import { T, versionNoOf, type DatasetsDatabase } from '../tables.js';
import type { AnswerError } from './errors.js';
import { readVersion, type DatasetVersion } from './versions.js';

type Flag = 'attribution' | 'shareAlike' | 'nonCommercial' | 'noDerivatives';
const FLAGS: readonly Flag[] = ['attribution', 'shareAlike', 'nonCommercial', 'noDerivatives'];

export interface LicenseRule {
  readonly id: string;
  readonly attribution: boolean;
  readonly shareAlike: boolean;
  readonly nonCommercial: boolean;
  readonly noDerivatives: boolean;
  readonly comment: string;
}

export type ConflictRule =
  | { readonly id: string; readonly kind: 'distinct-share-alike'; readonly comment: string }
  | { readonly id: string; readonly kind: 'flags'; readonly flags: readonly Flag[]; readonly comment: string }
  | { readonly id: string; readonly kind: 'pair'; readonly licenses: readonly [string, string]; readonly comment: string };

export interface LicenseRules {
  readonly licenses: readonly LicenseRule[];
  readonly conflicts: readonly ConflictRule[];
}

export const LICENSE_RULES: LicenseRules = JSON.parse(
  readFileSync(new URL('./license-rules.json', import.meta.url), 'utf8'),
) as LicenseRules;

export interface LicenseReport {
  readonly version: DatasetVersion;
  /** Each distinct expression, how many members carry it and the licenses it resolves to. */
  readonly expressions: readonly { readonly expression: string; readonly members: number; readonly resolvedTo: readonly string[] }[];
  /** The license ids in force, sorted. */
  readonly licenses: readonly string[];
  readonly unknown: readonly string[];
  readonly obligations: {
    /** Contributors to credit, with the licenses that require it. */
    readonly attribution: readonly { readonly contributor: string; readonly members: number; readonly licenses: readonly string[] }[];
    readonly shareAlike: readonly string[];
    readonly nonCommercial: readonly string[];
    readonly noDerivatives: readonly string[];
  };
  readonly conflicts: readonly { readonly rule: string; readonly licenses: readonly string[]; readonly comment: string }[];
}

/** Alternatives of an expression: each a set of license ids that together satisfy it. */
function alternatives(node: SpdxNode): string[][] {
  if ('license' in node) return [[node.exception ? `${node.license} WITH ${node.exception}` : node.license]];
  const l = alternatives(node.left);
  const r = alternatives(node.right);
  if (node.conjunction === 'or') return [...l, ...r];
  return l.flatMap((a) => r.map((b) => [...new Set([...a, ...b])].sort()));
}

export function resolveExpression(expression: string, allowed: readonly string[], rules: LicenseRules = LICENSE_RULES): string[] {
  const parsed = parseSpdxExpression(expression);
  if (E.isLeft(parsed)) return [expression];
  const ruleOf = new Map(rules.licenses.map((r) => [r.id, r]));
  const cost = (ids: readonly string[]) => ids.reduce((n, id) => n + FLAGS.filter((f) => ruleOf.get(id)?.[f] ?? true).length, 0);
  const options = alternatives(parsed.right);
  const permitted = options.filter((o) => o.every((id) => allowed.includes(id)));
  const pool = permitted.length > 0 ? permitted : options;
  return [...pool].sort((a, b) => cost(a) - cost(b) || (a.join() < b.join() ? -1 : a.join() > b.join() ? 1 : 0))[0] ?? [expression];
}

export async function licenses(
  db: Kysely<DatasetsDatabase>,
  versionId: string,
  rules: LicenseRules = LICENSE_RULES,
): Promise<E.Either<AnswerError, LicenseReport>> {
  const version = await readVersion(db, versionId);
  if (E.isLeft(version)) return version;
  const policy = await db
    .selectFrom(T.manifests)
    .select(sql<string[] | null>`manifest->'licensePolicy'->'allowed'`.as('allowed'))
    .where('manifest_id', '=', version.right.manifestId)
    .executeTakeFirst();
  const allowed = policy?.allowed ?? [];
  const rows = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.cfs} as c`, 'c.cf_id', 'm.cf_id')
    .select((q) => ['c.license', idHex('c.author').as('author'), q.fn.countAll<string>().as('n')])
    .where('m.version_no', '=', versionNoOf(versionId))
    .groupBy(['c.license', 'c.author'])
    .orderBy('c.license')
    .orderBy('c.author')
    .execute();
  const ruleOf = new Map(rules.licenses.map((r) => [r.id, r]));
  const byExpression = new Map<string, { members: number; resolvedTo: string[] }>();
  const attribution = new Map<string, { members: number; licenses: Set<string> }>();
  for (const r of rows) {
    const expression = r.license ?? 'NOASSERTION';
    const entry = byExpression.get(expression) ?? { members: 0, resolvedTo: resolveExpression(expression, allowed, rules) };
    entry.members += Number(r.n);
    byExpression.set(expression, entry);
    const credit = entry.resolvedTo.filter((id) => ruleOf.get(id)?.attribution ?? true);
    if (credit.length > 0) {
      const a = attribution.get(r.author) ?? { members: 0, licenses: new Set<string>() };
      a.members += Number(r.n);
      credit.forEach((id) => a.licenses.add(id));
      attribution.set(r.author, a);
    }
  }
  const inForce = [...new Set([...byExpression.values()].flatMap((e) => e.resolvedTo))].sort();
  const withFlag = (f: Flag) => inForce.filter((id) => ruleOf.get(id)?.[f] === true);
  return E.right({
    version: version.right,
    expressions: [...byExpression].sort(([a], [b]) => (a < b ? -1 : 1)).map(([expression, e]) => ({ expression, ...e })),
    licenses: inForce,
    unknown: inForce.filter((id) => !ruleOf.has(id)),
    obligations: {
      attribution: [...attribution]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([contributor, a]) => ({ contributor, members: a.members, licenses: [...a.licenses].sort() })),
      shareAlike: withFlag('shareAlike'),
      nonCommercial: withFlag('nonCommercial'),
      noDerivatives: withFlag('noDerivatives'),
    },
    conflicts: conflictsOf(inForce, rules),
  });
}

export function conflictsOf(inForce: readonly string[], rules: LicenseRules = LICENSE_RULES): LicenseReport['conflicts'] {
  const ruleOf = new Map(rules.licenses.map((r) => [r.id, r]));
  const out: { rule: string; licenses: string[]; comment: string }[] = [];
  for (const c of rules.conflicts) {
    if (c.kind === 'distinct-share-alike') {
      const sa = inForce.filter((id) => ruleOf.get(id)?.shareAlike === true);
      if (sa.length > 1) out.push({ rule: c.id, licenses: sa, comment: c.comment });
    } else if (c.kind === 'flags') {
      const hit = c.flags.map((f) => inForce.filter((id) => ruleOf.get(id)?.[f] === true));
      const involved = [...new Set(hit.flat())].sort();
      // every flag present, and not all from one license carrying them all itself
      const single = involved.length === 1 && c.flags.length > 1;
      if (hit.every((h) => h.length > 0) && !single) out.push({ rule: c.id, licenses: involved, comment: c.comment });
    } else if (c.licenses.every((id) => inForce.includes(id))) {
      out.push({ rule: c.id, licenses: [...c.licenses], comment: c.comment });
    }
  }
  return out;
}
