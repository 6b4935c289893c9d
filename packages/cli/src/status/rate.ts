/**
 * Throughput over a recent window, from the combiner's `recent_progress` points (cumulative samples
 * received, see packages/combiner/src/progress.ts). The window is the last RATE_WINDOW_S seconds,
 * or less when the combiner started more recently (a resumed or restarted run): time the run was
 * stopped never dilutes the rate. With no points (a run summary written before they existed) the
 * caller falls back to the whole-run average and says so.
 */
import type { ProgressPoint } from '@passk/core';

export const RATE_WINDOW_S = 300;
/** Shortest span a rate is computed over, so a combiner a second old shows no spike. */
const MIN_SPAN_S = 5;

export interface RecentRate {
  samples_per_s: number;
  /** Seconds the rate is measured over (≤ RATE_WINDOW_S). */
  window_s: number;
}

export function recentRate(points: ProgressPoint[] | undefined, now: number, windowS = RATE_WINDOW_S): RecentRate | undefined {
  const ps = (points ?? []).map((p) => ({ at: Date.parse(p.at), samples: p.samples })).filter((p) => Number.isFinite(p.at) && Number.isFinite(p.samples));
  if (!ps.length) return undefined;
  const edge = now - windowS * 1000;
  // Received before the window: the total at the newest point at or before its start.
  let base = ps[0]!;
  for (const p of ps) {
    if (p.at > edge) break;
    base = p;
  }
  const from = Math.max(edge, ps[0]!.at);
  const received = Math.max(0, ps[ps.length - 1]!.samples - base.samples);
  const span = Math.max(MIN_SPAN_S, (now - from) / 1000);
  return { samples_per_s: received / span, window_s: Math.round(Math.min(windowS, (now - from) / 1000)) };
}
