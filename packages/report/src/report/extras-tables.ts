/** The report's extraction and latency tables (per temperature), as plain Table data. */
import { noCode, LATENCY_METRICS } from '@passk/stats';
import type { Table } from './tables.js';
import type { RunReport } from './model.js';

const METRIC_NAMES: Record<string, string> = { ttft_ms: 'TTFT', tpot_ms: 'TPOT', itl_ms: 'ITL', e2el_ms: 'E2EL' };

export function extractionTable(r: RunReport): Table | undefined {
  const perT = r.temperatures.map((t) => [t, r.extras.get(t)?.extraction] as const).filter(([, e]) => e);
  if (!perT.length) return undefined;
  const rules = [...new Set(perT.flatMap(([, e]) => Object.keys(e!)))].filter((k) => k !== 'none').sort();
  return {
    title: 'Code extraction by temperature',
    note: 'Samples with no code extracted (they count as failures), and the rule that extracted the others (docs/extraction.md). Rule: ' + r.provenance.extraction_rule + '.',
    columns: ['temperature', 'samples', 'no code', 'no code %', ...rules],
    rows: perT.map(([t, e]) => {
      const { none, total } = noCode(e);
      return [String(t), String(total), String(none), total ? ((100 * none) / total).toFixed(1) : '–', ...rules.map((k) => String(e![k] ?? 0))];
    }),
  };
}

export function latencyTable(r: RunReport): Table | undefined {
  const rows: string[][] = [];
  for (const t of r.temperatures) {
    const lat = r.extras.get(t)?.latency;
    for (const m of LATENCY_METRICS) {
      const s = lat?.[m];
      if (s) rows.push([String(t), METRIC_NAMES[m]!, String(s.count), s.mean.toFixed(2), s.median.toFixed(2), s.p90.toFixed(2), s.p99.toFixed(2)]);
    }
  }
  if (!rows.length) return undefined;
  return {
    title: 'Latency by temperature (ms)',
    note: 'As `vllm bench serve` prints them, from the per-sample figures: TTFT (request to first token), TPOT ((E2EL − TTFT) / (tokens − 1)), ITL (per-token gap: each sample\'s gaps at its mean gap), E2EL (request to last token). Percentiles within ~1 % (docs/reports.md#latency). Only what the backend measured.',
    columns: ['temperature', 'metric', 'count', 'mean', 'median', 'p90', 'p99'],
    rows,
  };
}
