/**
 * Paired comparison of two runs on the same questions: per-question differences d = a − b (each a
 * question's pass rate in run A and in run B at one temperature), their mean with a paired
 * bootstrap interval (questions resampled, both runs' values kept together), and a two-sided
 * sign-flip permutation test of "mean difference = 0" (under the null each d is as likely to be −d;
 * exact over all 2^m sign patterns of the m non-zero differences when m ≤ 16, else `resamples`
 * random patterns with a seeded PRNG, p = (1 + #{|mean*| ≥ |mean|}) / (1 + resamples)).
 */
import { mulberry32, quantileSorted } from './bootstrap.js';

export interface PairedOptions {
  resamples?: number;
  seed?: number;
  confidence?: number;
}

export interface PairedDifference {
  /** Questions paired (a value in both runs). */
  questions: number;
  mean_a: number;
  mean_b: number;
  /** mean(a − b) with its paired percentile bootstrap interval. */
  mean_diff: number;
  low: number;
  high: number;
  /** Two-sided sign-flip permutation test p-value. */
  p_value: number;
  /** `exact` (every sign pattern) or `monte carlo` (resamples patterns). */
  p_method: 'exact' | 'monte carlo';
  /** Questions where A did better, B did better, both the same. */
  a_better: number;
  b_better: number;
  ties: number;
}

const EXACT_MAX = 16;

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN;
}

export function signFlipPValue(diffs: readonly number[], options: PairedOptions = {}): { p: number; method: 'exact' | 'monte carlo' } {
  const nz = diffs.filter((d) => d !== 0);
  if (!nz.length) return { p: 1, method: 'exact' };
  const observed = Math.abs(nz.reduce((s, d) => s + d, 0)) - 1e-12;
  if (nz.length <= EXACT_MAX) {
    let extreme = 0;
    const patterns = 2 ** nz.length;
    for (let mask = 0; mask < patterns; mask++) {
      let sum = 0;
      for (let i = 0; i < nz.length; i++) sum += mask & (1 << i) ? -nz[i]! : nz[i]!;
      if (Math.abs(sum) >= observed) extreme++;
    }
    return { p: extreme / patterns, method: 'exact' };
  }
  const resamples = options.resamples ?? 2000;
  const rand = mulberry32(options.seed ?? 0);
  let extreme = 0;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (const d of nz) sum += rand() < 0.5 ? -d : d;
    if (Math.abs(sum) >= observed) extreme++;
  }
  return { p: (1 + extreme) / (1 + resamples), method: 'monte carlo' };
}

/** Paired difference of a[i] and b[i] (same question i in both). */
export function pairedDifference(a: readonly number[], b: readonly number[], options: PairedOptions = {}): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`pairedDifference: ${a.length} values against ${b.length}`);
  const d = a.map((x, i) => x - b[i]!);
  const resamples = options.resamples ?? 2000;
  const rand = mulberry32((options.seed ?? 0) + 1);
  const means = new Float64Array(d.length ? resamples : 0);
  for (let r = 0; r < means.length; r++) {
    let sum = 0;
    for (let i = 0; i < d.length; i++) sum += d[Math.floor(rand() * d.length)]!;
    means[r] = sum / d.length;
  }
  means.sort();
  const alpha = 1 - (options.confidence ?? 0.95);
  const { p, method } = signFlipPValue(d, options);
  return {
    questions: d.length,
    mean_a: mean(a),
    mean_b: mean(b),
    mean_diff: mean(d),
    low: d.length ? quantileSorted(means, alpha / 2) : NaN,
    high: d.length ? quantileSorted(means, 1 - alpha / 2) : NaN,
    p_value: p,
    p_method: method,
    a_better: d.filter((x) => x > 0).length,
    b_better: d.filter((x) => x < 0).length,
    ties: d.filter((x) => x === 0).length,
  };
}
