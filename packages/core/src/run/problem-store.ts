/**
 * The run's own copy of its problems: results/<run>/problems/q{idx}.json, one file per question so
 * a daemon reads only the questions it works on. Written once by the orchestrator at plan time.
 */
import { readRegularText } from '../queue/safe-read.js';
import path from 'node:path';
import { parseValid } from '../validate.js';
import { problemSchema, type Problem } from '../schemas/problem.js';
import { writeResultFile, jsonText } from '../queue/durable.js';
import { PasskError, errnoCode } from '../errors.js';
import type { RunLayout } from '../queue/layout.js';

/** Cap on one stored problem (LiveCodeBench's largest, private tests included, is far below it). */
export const PROBLEM_FILE_MAX_BYTES = 1024 * 1024 * 1024;

export function problemFile(layout: RunLayout, idx: number): string {
  return path.join(layout.problemsDir, `q${idx}.json`);
}

export async function storeProblem(layout: RunLayout, idx: number, problem: Problem): Promise<void> {
  await writeResultFile(problemFile(layout, idx), jsonText(problem), { fsync: false });
}

export class ProblemStore {
  private readonly cache = new Map<number, Problem>();
  constructor(private readonly layout: RunLayout, private readonly capacity = 64) {}

  async get(idx: number): Promise<Problem> {
    const hit = this.cache.get(idx);
    if (hit) {
      this.cache.delete(idx);
      this.cache.set(idx, hit);
      return hit;
    }
    const file = problemFile(this.layout, idx);
    let text: string;
    try {
      text = await readRegularText(file, PROBLEM_FILE_MAX_BYTES);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw new PasskError('ERR_PROBLEM_NOT_FOUND', `question ${idx} is not in this run's problems`, { file });
      throw error;
    }
    const problem = parseValid<Problem>(problemSchema, text, { file });
    this.cache.set(idx, problem);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return problem;
  }
}
