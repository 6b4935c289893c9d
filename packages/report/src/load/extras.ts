/**
 * Per-temperature extraction counts and latency for the report, from the trailing rows of the
 * combined files (summary.json's rows carry no latency sketches): one file's tail at a time.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { combinedFileName } from '@passk/core';
import { temperatureExtras, type RowExtras, type TemperatureExtras } from '@passk/stats';
import type { RunData } from './run-data.js';
import { readCombinedRow } from './combined.js';

export type ExtrasByTemperature = Map<number, TemperatureExtras>;

export async function loadExtras(data: RunData): Promise<ExtrasByTemperature> {
  const rows: RowExtras[] = [];
  for (const q of data.questions) {
    const qdir = path.join(data.resultsDir, `q${q.idx}`);
    const names = new Set(await readdir(qdir).catch(() => [] as string[]));
    for (const t of data.plan.temperatures) {
      if (!names.has(combinedFileName(t))) continue;
      const row = await readCombinedRow(path.join(qdir, combinedFileName(t))).catch(() => undefined);
      if (row) rows.push(row);
    }
  }
  return new Map(data.plan.temperatures.map((t) => [t, temperatureExtras(rows, t)]));
}
