/**
 * pass@k: the unbiased estimator of Chen et al. (2021, the HumanEval paper), as human-eval and
 * LiveCodeBench compute it. This is passk's one implementation (the evaluator re-exports it).
 *
 * With n samples of which c pass, pass@k = 1 − C(n−c, k) / C(n, k): the probability that at least
 * one of k samples drawn without replacement passes. The ratio of binomials is evaluated as the
 * product ∏_{i=n−c+1}^{n} (1 − k/i) or, when k < c, the shorter ∏_{j=0}^{k−1} (1 − c/(n−j)) (at most
 * min(c, k) factors), summed in log space (log1p) and turned back with expm1, so
 * the result keeps full relative precision at n = 10,000 even when pass@k is tiny (c = 1, k = 1
 * gives 1e-4 to 15 digits) or indistinguishable from 1.
 */

/** The k values passk reports, keeping only those ≤ n. */
export const DEFAULT_KS: readonly number[] = [1, 5, 10, 100, 1000];

/** Unbiased pass@k for one question: n samples, c correct, k drawn. Throws RangeError on bad input. */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 0 || c < 0 || c > n || k < 1) {
    throw new RangeError(`passAtK: need integers 0 <= c <= n and k >= 1, got n=${n} c=${c} k=${k}`);
  }
  if (k > n) throw new RangeError(`passAtK: k=${k} is larger than n=${n}: pass@k is only defined for k <= n`);
  if (c === 0) return 0;
  if (n - c < k) return 1;
  // C(n−c, k)/C(n, k) = ∏_{i=n−c+1}^{n} (1 − k/i) = ∏_{j=0}^{k−1} (1 − c/(n−j)): take the shorter product.
  let logProd = 0;
  if (c <= k) for (let i = n - c + 1; i <= n; i++) logProd += Math.log1p(-k / i);
  else for (let j = 0; j < k; j++) logProd += Math.log1p(-c / (n - j));
  return -Math.expm1(logProd);
}

/** The ks of `ks` that are ≤ n (every question in an aggregate must support them). */
export function ksUpTo(n: number, ks: readonly number[] = DEFAULT_KS): number[] {
  return ks.filter((k) => k <= n);
}

/**
 * Mean pass@k over problems for each k that every problem supports (n >= k), as human-eval and
 * LiveCodeBench report it. Keys are `pass@k`.
 */
export function meanPassAtK(counts: { n: number; c: number }[], ks: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (counts.length === 0) return out;
  for (const k of ks) {
    if (!counts.every(({ n }) => n >= k)) continue;
    out[`pass@${k}`] = counts.reduce((s, { n, c }) => s + passAtK(n, c, k), 0) / counts.length;
  }
  return out;
}
