/**
 * HumanEval rows as published (`HumanEval.jsonl[.gz]`: task_id, prompt, canonical_solution, test,
 * entry_point) → Problem of kind `humaneval`. The canonical solution becomes `reference_solution`
 * (a completion: the body after the prompt); tests live in `humaneval.test` (`check(candidate)`).
 */
import { PasskError, type Problem } from '@passk/core';
import type { RowWhere } from '../lcb/row.js';
import { CHECK_DEF_RE } from '../gradable.js';

const FIELDS = ['task_id', 'prompt', 'canonical_solution', 'test', 'entry_point'] as const;

export function looksLikeHumanEvalRow(row: Record<string, unknown>): boolean {
  return 'task_id' in row && 'prompt' in row && 'entry_point' in row;
}

export function normaliseHumanEvalRow(raw: Record<string, unknown>, where: RowWhere, dataset = 'humaneval'): Problem {
  for (const field of FIELDS) {
    if (field === 'canonical_solution' && raw[field] === undefined) continue; // optional for user sets
    if (!(field in raw)) throw new PasskError('ERR_PROBLEM_INVALID', 'missing', { ...where, field });
    if (typeof raw[field] !== 'string') throw new PasskError('ERR_PROBLEM_INVALID', `must be a string, got ${typeof raw[field]}`, { ...where, field });
  }
  const row = raw as Record<(typeof FIELDS)[number], string>;
  if (row.task_id === '') throw new PasskError('ERR_PROBLEM_INVALID', 'must not be empty', { ...where, field: 'task_id' });
  if (row.entry_point === '') throw new PasskError('ERR_PROBLEM_INVALID', 'must not be empty', { ...where, field: 'entry_point' });
  if (!CHECK_DEF_RE.test(row.test)) {
    throw new PasskError('ERR_PROBLEM_INVALID', 'must define `def check(candidate):` at top level', { ...where, field: 'test' });
  }
  return {
    id: row.task_id,
    title: row.task_id,
    kind: 'humaneval',
    content: row.prompt,
    starter_code: row.prompt,
    func_name: row.entry_point,
    tests: [],
    public_test_count: 0,
    humaneval: { prompt: row.prompt, test: row.test, entry_point: row.entry_point },
    ...(typeof row.canonical_solution === 'string' ? { reference_solution: row.canonical_solution } : {}),
    source: { dataset, ...where },
  };
}
