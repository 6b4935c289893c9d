/** Row formats and their detection from a parsed row's keys. */
import type { Problem } from '@passk/core';
import { looksLikeLcbRow, normaliseLcbRow, type RowWhere } from './lcb/row.js';
import { looksLikeHumanEvalRow, normaliseHumanEvalRow } from './formats/humaneval.js';
import { looksLikeMbppRow, normaliseMbppRow } from './formats/mbpp.js';
import { looksLikeCustomRow, normaliseCustomRow } from './formats/custom.js';

export interface RowFormat {
  name: 'livecodebench' | 'humaneval' | 'mbpp' | 'custom';
  /** The row field holding the id (named in duplicate-id errors). */
  idField: string;
  matches(row: Record<string, unknown>): boolean;
  normalise(row: Record<string, unknown>, where: RowWhere, dataset?: string): Problem;
}

/** In detection order: LiveCodeBench, HumanEval, MBPP, custom. */
export const FORMATS: readonly RowFormat[] = [
  { name: 'livecodebench', idField: 'question_id', matches: looksLikeLcbRow, normalise: normaliseLcbRow },
  { name: 'humaneval', idField: 'task_id', matches: looksLikeHumanEvalRow, normalise: normaliseHumanEvalRow },
  { name: 'mbpp', idField: 'task_id', matches: looksLikeMbppRow, normalise: normaliseMbppRow },
  { name: 'custom', idField: 'id', matches: looksLikeCustomRow, normalise: normaliseCustomRow },
];

export function detectFormat(row: Record<string, unknown>): RowFormat | undefined {
  return FORMATS.find((f) => f.matches(row));
}

export const UNKNOWN_FORMAT_MESSAGE =
  'unknown row format: expected LiveCodeBench (question_id, question_content, …), HumanEval (task_id, prompt, entry_point), MBPP (task_id, text, test_list) or custom (id, kind, content)';
