/**
 * Results directories written directly by the tests (plan.json, q{idx}/summary.json rows,
 * problems/q{idx}.json, optional generator logs): for report checks at scales or with values a
 * real run would take too long to produce, or could not pin down exactly.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plan, TemperatureResult } from '@passk/core';

export interface SyntheticQuestion {
  id?: string;
  title?: string;
  errata?: string;
  difficulty?: string;
  platform?: string;
  /** One row per temperature: passed of n, generation wall seconds. */
  rows: Array<{ temperature: number; passed: number; gen_wall_s?: number }>;
}

export interface SyntheticRun {
  run: string;
  n: number;
  temperatures: number[];
  questions: SyntheticQuestion[];
  /** Generator logs: worker name → [first, last] epoch ms (two log lines each). */
  generatorLogs?: Record<string, [number, number]>;
}

function row(temperature: number, n: number, passed: number, genWallS: number): TemperatureResult {
  return {
    temperature,
    n,
    passed,
    pass_rate: Math.round((10000 * passed) / n) / 100,
    gen_tps: genWallS ? Math.round((n * 50) / genWallS) : 0,
    completion_tokens: n * 50,
    gen_wall_s: genWallS,
    verdicts: { passed, ...(n > passed ? { wrong_answer: n - passed } : {}) },
    cached: 0,
  };
}

/** Write the run into `dir` (created); returns `dir`. */
export async function writeSyntheticRun(dir: string, spec: SyntheticRun): Promise<string> {
  await mkdir(path.join(dir, 'problems'), { recursive: true });
  const questions = spec.questions.map((q, idx) => ({ idx, id: q.id ?? `p${idx}`, title: q.title ?? `Problem ${idx}`, ...(q.errata ? { errata: q.errata } : {}) }));
  const plan: Plan = {
    version: 1,
    run: spec.run,
    created_at: '2025-01-01T00:00:00.000Z',
    problems: 'synthetic',
    questions,
    n: spec.n,
    shard_size: spec.n,
    temperatures: spec.temperatures,
    seed: 0,
    top_p: 0.95,
    max_tokens: 100,
    stop: [],
    backend: 'sim',
    model: 'sim',
    simulated: true,
  };
  await writeFile(path.join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
  for (const [idx, q] of spec.questions.entries()) {
    const meta = questions[idx]!;
    const problem = { id: meta.id, title: meta.title, kind: 'stdin', content: '', starter_code: '', tests: [], public_test_count: 0, ...(q.difficulty ? { difficulty: q.difficulty } : {}), ...(q.platform ? { platform: q.platform } : {}), ...(q.errata ? { errata: q.errata } : {}) };
    await writeFile(path.join(dir, 'problems', `q${idx}.json`), JSON.stringify(problem));
    if (q.rows.length === 0) continue;
    await mkdir(path.join(dir, `q${idx}`), { recursive: true });
    const summary = {
      question_idx: idx,
      question_title: meta.title,
      question_id: meta.id,
      n: spec.n,
      temperatures: spec.temperatures,
      results: q.rows.map((r) => row(r.temperature, spec.n, r.passed, r.gen_wall_s ?? 0)),
      backend: 'sim',
      model: 'sim',
      simulated: true,
    };
    await writeFile(path.join(dir, `q${idx}`, 'summary.json'), JSON.stringify(summary));
  }
  for (const [worker, [start, end]] of Object.entries(spec.generatorLogs ?? {})) {
    const line = (time: number, msg: string) => JSON.stringify({ level: 30, time, msg });
    await writeFile(path.join(dir, `${worker}.log`), `${line(start, 'generator started')}\n${line(end, 'generator stopped')}\n`);
  }
  return dir;
}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
