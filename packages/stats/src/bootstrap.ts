/**
 * Percentile bootstrap over questions: resample the questions with replacement, recompute the mean
 * of each metric, take the (1−level)/2 and (1+level)/2 quantiles of the resampled means. Questions
 * are the unit of resampling because they are the source of variance a reader cares about ("would
 * another draw of problems of this kind rank these models the same?"); the per-question sampling
 * noise is already small at n in the thousands. The PRNG is seeded, so a report is reproducible.
 */

import { mulberry32 } from '@passk/core';

/** The seeded PRNG, defined once in @passk/core; re-exported here, where the statistics' callers find it. */
export { mulberry32 };

export interface BootstrapOptions {
  /** Resamples drawn. 0 disables the bootstrap (intervals collapse to the point estimate). @default 2000 */
  resamples?: number;
  /** Two-sided confidence level. @default 0.95 */
  confidence?: number;
  /** PRNG seed. @default 0 */
  seed?: number;
}

export interface MeanWithInterval {
  value: number;
  low: number;
  high: number;
}

/** The q-quantile of sorted values, linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Mean and bootstrap interval of several metrics measured on the same questions, resampling the
 * questions once per resample for all metrics (so the metrics' intervals are mutually consistent).
 * `values[m][q]` is metric m on question q; every metric must have one value per question.
 */
export function bootstrapMeans(values: readonly (readonly number[])[], options: BootstrapOptions = {}): MeanWithInterval[] {
  return bootstrapWeightedMeans(values, undefined, options);
}

/**
 * As bootstrapMeans, with question q weighted by `weights[q]`: each mean is Σ w·v / Σ w over the
 * (resampled) questions. With v = passed/n and w = n this is the pooled rate Σ passed / Σ n, so its
 * interval comes from the same resampling of questions (same PRNG, same draws for the same seed and
 * question count) as the pass@k intervals. `weights` undefined: every question weighs 1.
 */
export function bootstrapWeightedMeans(values: readonly (readonly number[])[], weights: readonly number[] | undefined, options: BootstrapOptions = {}): MeanWithInterval[] {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const metrics = values.length;
  const q = metrics ? values[0]!.length : (weights?.length ?? 0);
  for (const row of values) if (row.length !== q) throw new RangeError(`bootstrapMeans: every metric needs ${q} values, got ${row.length}`);
  if (weights && weights.length !== q) throw new RangeError(`bootstrapWeightedMeans: ${q} values but ${weights.length} weights`);
  const w = (i: number) => (weights ? weights[i]! : 1);
  let wSum = 0;
  for (let i = 0; i < q; i++) wSum += w(i);
  const means = values.map((row) => {
    if (!q) return NaN;
    let s = 0;
    for (let i = 0; i < q; i++) s += w(i) * row[i]!;
    return s / wSum;
  });
  if (q === 0 || resamples <= 0) return means.map((m) => ({ value: m, low: m, high: m }));
  const random = mulberry32(options.seed ?? 0);
  const draws = values.map(() => new Float64Array(resamples));
  const idx = new Uint32Array(q);
  for (let r = 0; r < resamples; r++) {
    let drawnWeight = 0;
    for (let i = 0; i < q; i++) {
      idx[i] = Math.floor(random() * q);
      drawnWeight += w(idx[i]!);
    }
    for (let m = 0; m < metrics; m++) {
      const row = values[m]!;
      let s = 0;
      if (weights) for (let i = 0; i < q; i++) s += weights[idx[i]!]! * row[idx[i]!]!;
      else for (let i = 0; i < q; i++) s += row[idx[i]!]!;
      draws[m]![r] = drawnWeight > 0 ? s / drawnWeight : means[m]!;
    }
  }
  const alpha = (1 - confidence) / 2;
  return means.map((value, m) => {
    const sorted = draws[m]!.sort();
    return { value, low: Math.min(value, quantileSorted(sorted, alpha)), high: Math.max(value, quantileSorted(sorted, 1 - alpha)) };
  });
}
