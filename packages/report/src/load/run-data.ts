/**
 * Everything a report needs from `results/<run>/`: the plan, each question's rows (from
 * summary.json, or from the combined files' trailing rows for questions not finished yet), each
 * problem's difficulty/platform, and run_summary.json when present. Statistics are always
 * recomputed from the rows, so runs written before the enriched summaries report the same way.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PasskError, combinedFileName, errnoCode, type Plan, type TemperatureResult } from '@passk/core';
import type { QuestionRows } from '@passk/stats';
import { readCombinedRow } from './combined.js';

export interface QuestionData extends QuestionRows {
  id: string;
  title: string;
  difficulty: string | null;
  platform: string | null;
  /** The LiveCodeBench ERRATA reason when the problem is on the list (plan.json or problems/q{idx}.json), else null. */
  errata: string | null;
  results: TemperatureResult[];
  /** True when summary.json exists (every temperature combined). */
  complete: boolean;
}

export interface RunData {
  /** The run's name (plan.run). */
  name: string;
  resultsDir: string;
  plan: Plan;
  /** Questions with at least one combined temperature, by index. */
  questions: QuestionData[];
  runSummary?: Record<string, unknown> & { started_at?: string; updated_at?: string; finished?: boolean };
}

async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    if (error instanceof SyntaxError) throw new PasskError('ERR_JSON_MALFORMED', error.message, { file, cause: error });
    throw error;
  }
}

/** Load a results directory. Throws ERR_NO_PLAN when it has no plan.json. */
export async function loadRun(resultsDir: string): Promise<RunData> {
  const dir = path.resolve(resultsDir);
  const planFile = path.join(dir, 'plan.json');
  const plan = await readJsonFile<Plan>(planFile);
  if (!plan) throw new PasskError('ERR_NO_PLAN', `no plan.json in \`${dir}\`: not a passk results directory (was the run started?)`, { file: planFile });
  const questions: QuestionData[] = [];
  for (const q of plan.questions) {
    const qdir = path.join(dir, `q${q.idx}`);
    const problem = (await readJsonFile<{ difficulty?: string; platform?: string; errata?: string }>(path.join(dir, 'problems', `q${q.idx}.json`))) ?? {};
    const summary = await readJsonFile<{ results: TemperatureResult[] }>(path.join(qdir, 'summary.json'));
    let results: TemperatureResult[];
    if (summary) {
      results = summary.results.filter(Boolean);
    } else {
      const names = new Set(await readdir(qdir).catch(() => [] as string[]));
      results = [];
      for (const t of plan.temperatures) {
        if (names.has(combinedFileName(t))) results.push(await readCombinedRow(path.join(qdir, combinedFileName(t))));
      }
    }
    if (!results.length) continue;
    // Runs planned before plan.json flagged ERRATA still have the flag in their problem files.
    const errata = q.errata ?? problem.errata ?? null;
    questions.push({ idx: q.idx, id: q.id, title: q.title, difficulty: problem.difficulty ?? null, platform: problem.platform ?? null, errata, results, complete: !!summary });
  }
  const runSummary = await readJsonFile<RunData['runSummary']>(path.join(dir, 'run_summary.json'));
  return { name: plan.run, resultsDir: dir, plan, questions, runSummary };
}
