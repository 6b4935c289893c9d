/**
 * Extraction counts per temperature from run_summary.json, for `passk status` and the end-of-run
 * table: how many samples had no code extracted, and by which rule the others were.
 */
import { extractionText, noCode, type ExtractionCounts } from '@passk/stats';
import { temperatureLabel, type RunSummary } from '@passk/core';

export interface TemperatureExtraction {
  temperature: number;
  /** Samples with no code. */
  no_code: number;
  /** Samples counted (those combined with the counts kept). */
  samples: number;
  /** Samples per extraction rule, `none` included. */
  rules: ExtractionCounts;
}

type Row = RunSummary['per_temperature'][number] & { extraction?: ExtractionCounts };

/** Only a map of rule → non-negative integer counts (run_summary.json is a file anyone can edit). */
function countsOf(value: unknown): ExtractionCounts | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>).filter((e): e is [string, number] => Number.isInteger(e[1]) && (e[1] as number) >= 0);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

export function extractionByTemperature(summary: RunSummary | undefined): TemperatureExtraction[] {
  const rows = Array.isArray(summary?.per_temperature) ? (summary.per_temperature as Row[]) : [];
  const out: TemperatureExtraction[] = [];
  for (const row of rows) {
    const rules = countsOf(row?.extraction);
    if (!rules || typeof row.temperature !== 'number') continue;
    const { none, total } = noCode(rules);
    out.push({ temperature: row.temperature, no_code: none, samples: total, rules });
  }
  return out;
}

/** `T=0.2 no code 0/48 (0.0 %); last_fenced 48` per temperature. */
export function extractionLines(rows: TemperatureExtraction[]): string[] {
  return rows.map((r) => `T=${temperatureLabel(r.temperature)} ${extractionText(r.rules)}`);
}

/** A warning when at least half the samples of a temperature had no code (the run then measures extraction, not the model). */
export function extractionWarnings(rows: TemperatureExtraction[]): string[] {
  return rows
    .filter((r) => r.samples > 0 && r.no_code * 2 >= r.samples)
    .map((r) => `warning: ${((100 * r.no_code) / r.samples).toFixed(0)} % of the samples at temperature ${r.temperature} had no code extracted (${r.no_code}/${r.samples}); they count as failures (docs/extraction.md)`);
}
