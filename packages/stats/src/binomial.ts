/**
 * Confidence interval for one question's pass rate (c passes out of n samples): the Wilson score
 * interval. Chosen over Clopper–Pearson because its coverage is close to nominal on average (Clopper–
 * Pearson is conservative, often 97–99 % for a nominal 95 %), it has a closed form (cheap for
 * thousands of rows) and, unlike the Wald interval, it behaves at c = 0 and c = n (never degenerate,
 * never outside [0, 1]). Brown, Cai & DasGupta (2001) recommend it for every n.
 */

/** The standard normal quantile Φ⁻¹(p) (Acklam's rational approximation: relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  return x;
}

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for a binomial proportion: c successes in n trials, as fractions in [0, 1].
 * n = 0 gives [0, 1] (nothing known).
 * @param confidence two-sided level. @default 0.95
 */
export function wilsonInterval(c: number, n: number, confidence = 0.95): Interval {
  if (!Number.isInteger(c) || !Number.isInteger(n) || c < 0 || n < 0 || c > n) {
    throw new RangeError(`wilsonInterval: need integers 0 <= c <= n, got c=${c} n=${n}`);
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`wilsonInterval: confidence must be in (0, 1), got ${confidence}`);
  if (n === 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = c / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
  return { low: c === 0 ? 0 : Math.max(0, centre - half), high: c === n ? 1 : Math.min(1, centre + half) };
}
