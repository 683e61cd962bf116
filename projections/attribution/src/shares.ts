// Per contributor, source and asset: their share of the run's credit. A CF's credit is the
// positive part of its aggregate TRAK influence (the sum, over the run's query rows, of its
// scores): a CF that on balance pushed the queries away earns nothing rather than a negative
// share, so shares are in [0, 1] and sum to 1 over each kind. KNN-Shapley credit is shared the
// same way when the run has labels. A CF in m assets gives 1/m of its credit to each; a CF in
// no asset (or with no source) counts under the key null. Sums run over CFs in code-unit order of
// cfId, so they are the same doubles on every machine.

import type { CfId } from '@cairn/schemas';

export type ShareKind = 'contributor' | 'source' | 'asset';
export const SHARE_KINDS: readonly ShareKind[] = ['contributor', 'source', 'asset'];

export interface CfValue {
  readonly cfId: string;
  readonly influence: number;
  readonly knnShapley: number | null;
}

export interface CfOrigin {
  readonly author: string;
  readonly source: string | null;
  /** Asset ids holding the CF, ascending. */
  readonly assets: readonly string[];
}

export interface ShareRow {
  readonly kind: ShareKind;
  readonly rank: number;
  readonly key: string | null;
  readonly credit: number;
  readonly share: number | null;
  readonly shapleyCredit: number | null;
  readonly shapleyShare: number | null;
  readonly cfCount: number;
  /** Why: the CFs that earned the most of this key's credit, and the totals it was divided by. */
  readonly evidence: ShareEvidence<string>;
}

/** TCfId: CfId as answers carry it; string as the projection computes and stores it (see credit.ts). */
export interface ShareEvidence<TCfId extends string = CfId> {
  readonly basis: string;
  readonly totalCredit: number;
  readonly totalShapleyCredit: number | null;
  readonly topCfs: readonly { readonly cfId: TCfId; readonly influence: number; readonly credit: number }[];
  readonly note?: string;
}

const EVIDENCE_CFS = 5;
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Group {
  key: string | null;
  credit: number;
  shapleyCredit: number;
  cfs: { cfId: string; influence: number; credit: number }[];
}

export function computeShares(values: readonly CfValue[], origins: ReadonlyMap<string, CfOrigin>, hasShapley: boolean): ShareRow[] {
  const sorted = [...values].sort((a, b) => byCodeUnit(a.cfId, b.cfId));
  let totalCredit = 0;
  let totalShapley = 0;
  for (const v of sorted) {
    totalCredit += Math.max(0, v.influence);
    totalShapley += Math.max(0, v.knnShapley ?? 0);
  }
  const rows: ShareRow[] = [];
  for (const kind of SHARE_KINDS) {
    const groups = new Map<string | null, Group>();
    for (const v of sorted) {
      const origin = origins.get(v.cfId);
      if (origin === undefined) throw new Error(`computeShares: no origin for CF ${v.cfId}`);
      const keys: (string | null)[] =
        kind === 'contributor'
          ? [origin.author]
          : kind === 'source'
            ? [origin.source]
            : origin.assets.length > 0
              ? [...origin.assets]
              : [null];
      const credit = Math.max(0, v.influence);
      const shapley = Math.max(0, v.knnShapley ?? 0);
      for (const key of keys) {
        let group = groups.get(key);
        if (group === undefined) groups.set(key, (group = { key, credit: 0, shapleyCredit: 0, cfs: [] }));
        group.credit += credit / keys.length;
        group.shapleyCredit += shapley / keys.length;
        group.cfs.push({ cfId: v.cfId, influence: v.influence, credit: credit / keys.length });
      }
    }
    const ranked = [...groups.values()].sort(
      (a, b) => b.credit - a.credit || (a.key === null ? 1 : b.key === null ? -1 : byCodeUnit(a.key, b.key)),
    );
    ranked.forEach((g, rank) => {
      const topCfs = [...g.cfs].sort((a, b) => b.credit - a.credit || byCodeUnit(a.cfId, b.cfId)).slice(0, EVIDENCE_CFS);
      const notes: string[] = [];
      if (totalCredit === 0) notes.push('no CF has positive aggregate influence, so there is nothing to share');
      if (kind === 'asset') notes.push('a CF in m assets gives 1/m of its credit to each; key null = CFs in no asset');
      if (kind === 'source' && g.key === null) notes.push('key null = CFs without a source (labels, validations)');
      rows.push({
        kind,
        rank: rank + 1,
        key: g.key,
        credit: g.credit,
        share: totalCredit > 0 ? g.credit / totalCredit : null,
        shapleyCredit: hasShapley ? g.shapleyCredit : null,
        shapleyShare: hasShapley && totalShapley > 0 ? g.shapleyCredit / totalShapley : null,
        cfCount: g.cfs.length,
        evidence: {
          basis: 'positive part of each CF aggregate TRAK influence over the run query rows',
          totalCredit,
          totalShapleyCredit: hasShapley ? totalShapley : null,
          topCfs,
          ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
        },
      });
    });
  }
  return rows;
}
