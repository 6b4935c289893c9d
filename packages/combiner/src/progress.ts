/**
 * The combiner's recent progress: samples received (evaluated shards staged), cumulative since this
 * combiner started, as points (time, total) over the last 15 minutes. Written into run_summary.json
 * as `recent_progress`; `passk status` derives throughput and ETA from it (packages/cli/src/status/rate.ts),
 * so a resumed run is measured from its restart, not averaged over the time it was stopped.
 */
import type { ProgressPoint } from '@passk/core';

/** Points older than this are dropped (except the newest of them, the window's anchor). */
export const PROGRESS_KEEP_MS = 15 * 60_000;
/** Arrivals closer than this to the previous point update it instead of adding one. */
export const PROGRESS_MERGE_MS = 2_000;

export class ProgressLog {
  private readonly points: Array<{ at: number; samples: number }>;
  private total = 0;

  constructor(now = Date.now()) {
    // The start point: nothing received before it (time before it, e.g. a stopped run, never counts).
    this.points = [{ at: now, samples: 0 }];
  }

  add(samples: number, now = Date.now()): void {
    this.total += samples;
    const last = this.points[this.points.length - 1]!;
    if (this.points.length > 1 && now - last.at < PROGRESS_MERGE_MS) {
      last.at = now;
      last.samples = this.total;
    } else {
      this.points.push({ at: now, samples: this.total });
    }
    const edge = now - PROGRESS_KEEP_MS;
    let drop = 0;
    while (drop + 1 < this.points.length && this.points[drop + 1]!.at <= edge) drop++;
    if (drop) this.points.splice(0, drop);
  }

  toJSON(): ProgressPoint[] {
    return this.points.map((p) => ({ at: new Date(p.at).toISOString(), samples: p.samples }));
  }
}
