/**
 * Per-question state (queue/<run>/combined/q{idx}.json: the rows of the temperatures combined so
 * far), q{idx}/summary.json once every temperature is in, and run_summary.json.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { enrichQuestionSummary, enrichRunSummary, temperatureExtras, type ProblemMeta } from '@passk/stats';
import {
  writeResultFile, jsonText, provenanceOf, questionResultsDir, errnoCode, planGrading, isPasskError, readRegularText, SMALL_FILE_MAX_BYTES,
  type Plan, type PlanQuestion, type QuestionSummary, type RunLayout, type RunSummary, type TemperatureResult,
} from '@passk/core';

import { clearObstacle } from './obstacles.js';

export type QuestionState = Record<string, TemperatureResult>;

function stateFile(layout: RunLayout, idx: number): string {
  return path.join(layout.combinedStateDir, `q${idx}.json`);
}

export async function readQuestionState(layout: RunLayout, idx: number): Promise<QuestionState> {
  try {
    return JSON.parse(await readRegularText(stateFile(layout, idx), SMALL_FILE_MAX_BYTES)) as QuestionState;
  } catch (error) {
    // Missing, torn or refused (not a regular file, too big): rebuilt from what is combined next.
    if (errnoCode(error) === 'ENOENT' || error instanceof SyntaxError || isPasskError(error, 'ERR_FILE_REFUSED')) return {};
    throw error;
  }
}

export async function writeQuestionState(layout: RunLayout, idx: number, state: QuestionState, fsync: boolean): Promise<void> {
  await clearObstacle(layout, stateFile(layout, idx), 'file');
  await writeResultFile(stateFile(layout, idx), jsonText(state), { fsync });
}

export function summaryFile(layout: RunLayout, idx: number): string {
  return path.join(questionResultsDir(layout, idx), 'summary.json');
}

export function buildSummary(plan: Plan, question: PlanQuestion, state: QuestionState): QuestionSummary {
  return {
    question_idx: question.idx,
    question_title: question.title,
    question_id: question.id,
    // LiveCodeBench ERRATA flag, from plan.json (absent for every other question).
    ...(question.errata ? { errata: question.errata } : {}),
    n: plan.n,
    temperatures: plan.temperatures,
    // Latency sketches stay in the combined files and run_summary.json (timings differ run to run).
    results: plan.temperatures.map((t) => withoutLatency(state[String(t)]!)),
    backend: plan.backend,
    model: plan.model,
    simulated: plan.simulated,
    grading: planGrading(plan),
    strict_extraction: plan.strict_extraction ?? false,
    provenance: provenanceOf(plan),
  };
}

function withoutLatency(row: TemperatureResult): TemperatureResult {
  const { latency: _latency, ...rest } = row;
  return rest;
}

/** Difficulty and platform of a question, for the breakdowns (from the run store, cached by the caller). */
export type MetaLookup = (idx: number) => Promise<ProblemMeta>;

/** q{idx}/summary.json: the seed's fields plus pass@k, intervals and verdict mix (see docs/reports.md). */
export async function writeSummary(layout: RunLayout, plan: Plan, question: PlanQuestion, state: QuestionState, fsync: boolean, meta: MetaLookup): Promise<void> {
  const summary = enrichQuestionSummary(buildSummary(plan, question, state), await meta(question.idx));
  await writeResultFile(summaryFile(layout, question.idx), `${JSON.stringify(summary, null, 2)}\n`, { fsync });
}

export async function buildRunSummary(layout: RunLayout, plan: Plan, startedAt: string, meta: MetaLookup): Promise<RunSummary> {
  const perT = new Map<number, { questions: number; n: number; passed: number }>();
  const rows: Array<ProblemMeta & { idx: number; results: TemperatureResult[] }> = [];
  let questionsDone = 0;
  let samplesDone = 0;
  const stateNames = new Set(await readdir(layout.combinedStateDir).catch(() => [] as string[]));
  for (const question of plan.questions) {
    if (!stateNames.has(`q${question.idx}.json`)) continue;
    const state = await readQuestionState(layout, question.idx);
    const results = plan.temperatures.map((t) => state[String(t)]).filter((r): r is TemperatureResult => !!r);
    if (results.length) rows.push({ idx: question.idx, ...(await meta(question.idx)), results });
    let complete = true;
    for (const t of plan.temperatures) {
      const row = state[String(t)];
      if (!row) {
        complete = false;
        continue;
      }
      samplesDone += row.n;
      const agg = perT.get(t) ?? { questions: 0, n: 0, passed: 0 };
      agg.questions++;
      agg.n += row.n;
      agg.passed += row.passed;
      perT.set(t, agg);
    }
    if (complete) questionsDone++;
  }
  const summary: RunSummary = {
    run: plan.run,
    backend: plan.backend,
    model: plan.model,
    simulated: plan.simulated,
    grading: planGrading(plan),
    strict_extraction: plan.strict_extraction ?? false,
    n: plan.n,
    temperatures: plan.temperatures,
    questions_total: plan.questions.length,
    questions_done: questionsDone,
    finished: questionsDone === plan.questions.length,
    started_at: startedAt,
    updated_at: new Date().toISOString(),
    samples_done: samplesDone,
    per_temperature: plan.temperatures.map((t) => {
      const agg = perT.get(t) ?? { questions: 0, n: 0, passed: 0 };
      return { temperature: t, ...agg, pass_rate: agg.n ? Math.round((10000 * agg.passed) / agg.n) / 100 : 0 };
    }),
  };
  // Bootstrap intervals: fewer resamples while the run is in progress (rebuilt after every combine).
  const enriched = enrichRunSummary(summary, rows, { resamples: summary.finished ? 2000 : 200 });
  // Extraction counts and latency per temperature, over every row at it; then what produced the numbers.
  const allRows = rows.flatMap((r) => r.results);
  const per_temperature = enriched.per_temperature.map((t) => ({ ...t, ...temperatureExtras(allRows, t.temperature) }));
  return { ...enriched, per_temperature, provenance: provenanceOf(plan) };
}

export async function writeRunSummary(layout: RunLayout, summary: RunSummary, fsync: boolean): Promise<void> {
  await writeResultFile(layout.runSummaryFile, `${JSON.stringify(summary, null, 2)}\n`, { fsync });
}
