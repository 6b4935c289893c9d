/**
 * Per-temperature extraction counts and latency summaries over every question's row at that
 * temperature, for run_summary.json's `per_temperature[]` and the report.
 */
import { addExtractionCounts, type ExtractionCounts } from './extraction.js';
import { latencySummary, type LatencySketches, type LatencySummary } from './latency.js';

export interface RowExtras {
  temperature: number;
  extraction?: ExtractionCounts;
  latency?: Record<string, unknown>;
}

export interface TemperatureExtras {
  /** Samples per extraction rule, `none` = no code; absent when no row kept the counts. */
  extraction?: ExtractionCounts;
  /** TTFT, TPOT, ITL, E2EL (ms): count, mean, median, p90, p99; absent when no sample had timings. */
  latency?: LatencySummary;
}

export function temperatureExtras(rows: Iterable<RowExtras>, temperature: number): TemperatureExtras {
  let extraction: ExtractionCounts | undefined;
  const sketches: LatencySketches[] = [];
  for (const row of rows) {
    if (row.temperature !== temperature) continue;
    if (row.extraction) extraction = addExtractionCounts(extraction ?? {}, row.extraction);
    if (row.latency) sketches.push(row.latency as LatencySketches);
  }
  const latency = latencySummary(sketches);
  return { ...(extraction ? { extraction } : {}), ...(latency ? { latency } : {}) };
}
