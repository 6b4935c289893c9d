/**
 * Latency summaries the way `vllm bench serve` prints them (TTFT, TPOT, ITL, E2EL: mean, median,
 * p90, p99, in ms) from the per-sample figures the generators keep (`ttft_ms`, `e2e_ms`,
 * `completion_tokens`). Each (question, temperature) row keeps a small mergeable sketch (sparse
 * log-bucketed counts, 64 buckets per doubling: percentiles within ~0.6 %, the mean exact), so
 * run_summary.json and the report merge rows without reading every sample again.
 *
 * TPOT per sample = (E2EL − TTFT) / (tokens − 1), samples with > 1 token. ITL: passk keeps no
 * per-token times, so each sample's tokens − 1 gaps are counted at that sample's mean gap (its TPOT):
 * the ITL mean is vLLM's (Σ (E2EL − TTFT) / Σ gaps), the ITL percentiles are over gaps, weighted.
 */

/** A mergeable histogram: exact count, sum, min, max; sparse bucket counts keyed by bucket index. */
export interface LatencySketch {
  count: number;
  sum: number;
  min: number;
  max: number;
  buckets: Record<string, number>;
}

export interface LatencySketches {
  ttft_ms?: LatencySketch;
  tpot_ms?: LatencySketch;
  itl_ms?: LatencySketch;
  e2el_ms?: LatencySketch;
}

export interface LatencyStat {
  count: number;
  mean: number;
  median: number;
  p90: number;
  p99: number;
}

export type LatencySummary = Partial<Record<keyof LatencySketches, LatencyStat>>;

const PER_DOUBLING = 64;

export const LATENCY_METRICS = ['ttft_ms', 'tpot_ms', 'itl_ms', 'e2el_ms'] as const;

function bucketOf(value: number): number {
  return value <= 0 ? -100000 : Math.floor(Math.log2(value) * PER_DOUBLING);
}

function bucketValue(k: number): number {
  return k === -100000 ? 0 : 2 ** ((k + 0.5) / PER_DOUBLING);
}

export function emptySketch(): LatencySketch {
  return { count: 0, sum: 0, min: Infinity, max: -Infinity, buckets: {} };
}

export function recordLatency(s: LatencySketch, value: number, weight = 1): void {
  if (!Number.isFinite(value) || weight <= 0) return;
  s.count += weight;
  s.sum += value * weight;
  s.min = Math.min(s.min, value);
  s.max = Math.max(s.max, value);
  const k = String(bucketOf(value));
  s.buckets[k] = (s.buckets[k] ?? 0) + weight;
}

export function mergeSketch(into: LatencySketch, other: LatencySketch): void {
  into.count += other.count;
  into.sum += other.sum;
  into.min = Math.min(into.min, other.min);
  into.max = Math.max(into.max, other.max);
  for (const [k, c] of Object.entries(other.buckets)) into.buckets[k] = (into.buckets[k] ?? 0) + c;
}

/** The p-th percentile (0-100): the bucket holding rank ⌈p/100 · count⌉, clamped to [min, max]. */
export function sketchPercentile(s: LatencySketch, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * s.count));
  const keys = Object.keys(s.buckets).map(Number).sort((a, b) => a - b);
  let seen = 0;
  for (const k of keys) {
    seen += s.buckets[String(k)]!;
    if (seen >= rank) return Math.min(s.max, Math.max(s.min, bucketValue(k)));
  }
  return s.max;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function summarizeSketch(s: LatencySketch): LatencyStat {
  return { count: s.count, mean: r3(s.sum / s.count), median: r3(sketchPercentile(s, 50)), p90: r3(sketchPercentile(s, 90)), p99: r3(sketchPercentile(s, 99)) };
}

/** Per-sample figures → sketches (only the metrics some sample has); undefined when no sample has any. */
export function latencySketches(samples: Iterable<{ ttft_ms?: number; e2e_ms?: number; completion_tokens: number }>): LatencySketches | undefined {
  const out: Required<LatencySketches> = { ttft_ms: emptySketch(), tpot_ms: emptySketch(), itl_ms: emptySketch(), e2el_ms: emptySketch() };
  for (const s of samples) addSample(out, s);
  return pruned(out);
}

/** Add one sample's figures to sketches being built. */
export function addSample(out: Required<LatencySketches>, s: { ttft_ms?: number; e2e_ms?: number; completion_tokens: number }): void {
  if (s.e2e_ms !== undefined) recordLatency(out.e2el_ms, s.e2e_ms);
  if (s.ttft_ms === undefined) return;
  recordLatency(out.ttft_ms, s.ttft_ms);
  if (s.e2e_ms !== undefined && s.completion_tokens > 1) {
    const tpot = (s.e2e_ms - s.ttft_ms) / (s.completion_tokens - 1);
    recordLatency(out.tpot_ms, tpot);
    recordLatency(out.itl_ms, tpot, s.completion_tokens - 1);
  }
}

export function pruned(all: Required<LatencySketches>): LatencySketches | undefined {
  const out: LatencySketches = {};
  for (const m of LATENCY_METRICS) if (all[m].count > 0) out[m] = all[m];
  return Object.keys(out).length ? out : undefined;
}

/** Merge rows' sketches (e.g. every question at one temperature) and summarize; undefined when none has any. */
export function latencySummary(rows: Iterable<LatencySketches | undefined>): LatencySummary | undefined {
  const merged: Partial<Record<keyof LatencySketches, LatencySketch>> = {};
  for (const row of rows) {
    for (const m of LATENCY_METRICS) {
      const s = row?.[m];
      if (!s || !s.count) continue;
      mergeSketch((merged[m] ??= emptySketch()), s);
    }
  }
  const out: LatencySummary = {};
  for (const m of LATENCY_METRICS) if (merged[m]) out[m] = summarizeSketch(merged[m]);
  return Object.keys(out).length ? out : undefined;
}
