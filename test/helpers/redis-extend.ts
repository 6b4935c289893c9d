/**
 * Shared by the Redis extension tests: the two plans (a small one, and the bigger one it grows into: larger
 * n, one more temperature, one more question), the generator's work counted from its log, and the run results
 * compared with an undisturbed run of the bigger plan (timings removed).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { runPassk, readJson, comparableSummaries, combinedSampleProblems } from './passk.js';

export const COMMON = ['--backend', 'sim', '--problems', 'demo', '--shard-size', '4', '--gpus', '1', '--evaluators', '1', '--progress-interval', '1'];
/** The small plan: 2 questions × 1 temperature × n=4 (2 shards). */
export const SMALL = ['--end', '2', '--n', '4', '--temperatures', '0.2'];
/** The bigger plan: 3 questions × 2 temperatures × n=8 (12 shards). */
export const BIG = ['--end', '3', '--n', '8', '--temperatures', '0.2,1.0'];
export const BIG_SHARDS = 12;

/** The items the generator of this results dir logged as generated (every start appends to gpu0.log). */
export async function generatedItems(resultsDir: string): Promise<string[]> {
  const text = await readFile(path.join(resultsDir, 'gpu0.log'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; item?: string }).filter((l) => l.msg === 'shard generated').map((l) => l.item!);
}

/** run_summary.json without what differs between two runs of the same plan (names, times, latency, cache hits). */
function comparableRunSummary(summary: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...summary };
  for (const key of ['run', 'started_at', 'updated_at', 'recent_progress']) delete copy[key];
  copy.per_temperature = (summary.per_temperature as Array<Record<string, unknown>>).map((row) => {
    const { latency, ...rest } = row;
    return latency === undefined ? row : rest;
  });
  return copy;
}

/** Run the bigger plan undisturbed as `run` on the same Redis; returns its results dir. */
export async function referenceRun(home: string, queue: string, run: string): Promise<string> {
  const r = await runPassk(['run', '--run', run, '--queue', queue, ...COMMON, '--sim-tps', '0', ...BIG], { env: { PASSK_HOME: home } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return path.join(home, 'results', run);
}

/** The extended run's results equal the undisturbed run's: every sample once with its seed, same summaries. */
export async function assertSameResults(extended: string, reference: string): Promise<void> {
  assert.deepEqual(await combinedSampleProblems(extended), []);
  assert.deepEqual(await comparableSummaries(extended), await comparableSummaries(reference));
  const mine = await readJson(path.join(extended, 'run_summary.json'));
  assert.equal(mine.finished, true);
  assert.equal(mine.samples_done, 3 * 2 * 8);
  assert.deepEqual(comparableRunSummary(mine), comparableRunSummary(await readJson(path.join(reference, 'run_summary.json'))));
}
