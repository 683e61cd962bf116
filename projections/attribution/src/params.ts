// The attribution settings of a run. They come from the run's own TrainingRunRecorded event
// (hyperparameters.attribution), so they are in the log and a rebuild uses the same ones:
//
//   "hyperparameters": { "attribution": { "projectedDim": 1024, "seed": 7, "ridge": 0.01,
//                                         "topK": 10, "labelType": "class", "knnK": 5 } }
//
// Every field is optional. seed defaults to the run's seeds.attribution, else 0. labelType has no
// default: without it KNN-Shapley is not computed (null, with the reason in the evidence).
import * as t from 'io-ts';
import { isLeft, right, left, type Either } from 'fp-ts/lib/Either.js';

export interface AttributionParams {
  readonly projectedDim: number;
  /** u32 seed of the JL sketch. */
  readonly seed: number;
  readonly ridge: number;
  readonly topK: number;
  readonly labelType: string | null;
  readonly knnK: number;
}

export const DEFAULT_ATTRIBUTION_PARAMS = { projectedDim: 1024, ridge: 0.01, topK: 10, knnK: 5 } as const;
/** The sketch's Gram is projectedDim² f64 and its Cholesky projectedDim³/3 flops: bounded so one run cannot stall the projection. */
export const MAX_PROJECTED_DIM = 8192;
export const MAX_TOP_K = 1000;

const bounded = (name: string, max: number) =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= max ? t.success(u) : t.failure(u, c, `an integer from 1 to ${max}`),
    (n) => n,
  );

const U32 = new t.Type<number, number, unknown>(
  'u32',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 0xffffffff,
  (u, c) =>
    typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 0xffffffff
      ? t.success(u)
      : t.failure(u, c, 'an integer from 0 to 2^32 - 1'),
  (n) => n,
);

const PositiveFinite = new t.Type<number, number, unknown>(
  'PositiveFinite',
  (u): u is number => typeof u === 'number' && Number.isFinite(u) && u > 0,
  (u, c) => (typeof u === 'number' && Number.isFinite(u) && u > 0 ? t.success(u) : t.failure(u, c, 'a finite number > 0')),
  (n) => n,
);

const Settings = t.exact(
  t.partial({
    projectedDim: bounded('projectedDim', MAX_PROJECTED_DIM),
    seed: U32,
    ridge: PositiveFinite,
    topK: bounded('topK', MAX_TOP_K),
    labelType: t.string,
    knnK: bounded('knnK', MAX_TOP_K),
  }),
);

/** The run's settings, or the first bad field (`hyperparameters.attribution.<field>: ...`). */
export function attributionParamsOf(
  hyperparameters: { readonly [key: string]: unknown },
  seeds: { readonly [key: string]: number },
): Either<string, AttributionParams> {
  const raw = hyperparameters.attribution ?? {};
  const decoded = Settings.decode(raw);
  if (isLeft(decoded)) {
    const first = decoded.left[0];
    const field =
      first?.context
        .map((c) => c.key)
        .filter((k) => k !== '')
        .join('.') ?? '';
    const expected = first?.message ?? first?.context[first.context.length - 1]?.type.name ?? 'attribution settings';
    return left(`hyperparameters.attribution${field === '' ? '' : `.${field}`}: expected ${expected}, got ${JSON.stringify(first?.value)}`);
  }
  const s = decoded.right;
  const seed = s.seed ?? seeds.attribution ?? 0;
  if (!U32.is(seed)) return left(`seeds.attribution: expected an integer from 0 to 2^32 - 1 (the sketch seed), got ${seed}`);
  return right({
    projectedDim: s.projectedDim ?? DEFAULT_ATTRIBUTION_PARAMS.projectedDim,
    seed,
    ridge: s.ridge ?? DEFAULT_ATTRIBUTION_PARAMS.ridge,
    topK: s.topK ?? DEFAULT_ATTRIBUTION_PARAMS.topK,
    labelType: s.labelType === undefined || s.labelType === '' ? null : s.labelType,
    knnK: s.knnK ?? DEFAULT_ATTRIBUTION_PARAMS.knnK,
  });
}
