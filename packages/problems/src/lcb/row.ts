/**
 * One LiveCodeBench `code_generation_lite` row (docs livecodebench.md §2: every column a string)
 * → the normalised Problem. Public tests come first, then private ones (grading order).
 */
import { PasskError, jsonSyntaxMessage, type PasskErrorDetails, type Problem, type TestCase } from '@passk/core';
import { errataReason } from './errata.js';
import { decodePrivateTests, parseTestList, type LcbTestCase } from './tests.js';

export const LCB_STRING_FIELDS = [
  'question_title',
  'question_content',
  'platform',
  'question_id',
  'contest_id',
  'contest_date',
  'starter_code',
  'difficulty',
  'public_test_cases',
  'private_test_cases',
  'metadata',
] as const;

/** The raw row as published. `reference_solution` is a passk extension (the demo set uses it). */
export type LcbRow = Record<(typeof LCB_STRING_FIELDS)[number], string> & { reference_solution?: string };

export interface RowWhere {
  file?: string;
  line?: number;
}

function invalid(message: string, where: RowWhere, field: string): PasskError {
  return new PasskError('ERR_PROBLEM_INVALID', message, { ...where, field });
}

/** Is this parsed JSON object shaped like a LiveCodeBench row (used for format detection)? */
export function looksLikeLcbRow(row: Record<string, unknown>): boolean {
  return 'question_id' in row && ('question_content' in row || 'public_test_cases' in row);
}

function parseMetadata(text: string, where: RowWhere): { func_name?: string } {
  const at: PasskErrorDetails = { ...where, field: 'metadata' };
  let value: unknown;
  try {
    value = JSON.parse(text === '' ? '{}' : text);
  } catch (error) {
    throw new PasskError('ERR_PROBLEM_INVALID', jsonSyntaxMessage(error), at);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('expected a JSON object', where, 'metadata');
  const fn = (value as Record<string, unknown>).func_name;
  if (fn !== undefined && (typeof fn !== 'string' || fn === '')) throw invalid('func_name must be a non-empty string', where, 'metadata.func_name');
  return fn === undefined ? {} : { func_name: fn };
}

const toTest = (t: LcbTestCase): TestCase => ({ input: t.input, output: t.output });

/**
 * Normalise a parsed row. `dataset` goes into `problem.source.dataset`.
 * @throws PasskError ERR_PROBLEM_INVALID / ERR_PICKLE_UNSUPPORTED naming file, line and field.
 */
export function normaliseLcbRow(raw: Record<string, unknown>, where: RowWhere, dataset = 'livecodebench'): Problem {
  for (const field of LCB_STRING_FIELDS) {
    if (!(field in raw)) throw invalid('missing', where, field);
    if (typeof raw[field] !== 'string') throw invalid(`must be a string, got ${raw[field] === null ? 'null' : typeof raw[field]}`, where, field);
  }
  const row = raw as LcbRow;
  if (row.question_id === '') throw invalid('must not be empty', where, 'question_id');
  if (row.reference_solution !== undefined && typeof row.reference_solution !== 'string') {
    throw invalid('must be a string', where, 'reference_solution');
  }
  const { func_name } = parseMetadata(row.metadata, where);
  const publicTests = parseTestList(row.public_test_cases, { ...where, field: 'public_test_cases' });
  const privateTests = decodePrivateTests(row.private_test_cases, { ...where, field: 'private_test_cases' });
  const kind = func_name ? 'functional' : 'stdin';
  const all = [...publicTests, ...privateTests];
  if (!func_name) {
    const i = all.findIndex((t) => t.testtype === 'functional');
    if (i >= 0) {
      const field = i < publicTests.length ? `public_test_cases[${i}].testtype` : `private_test_cases[${i - publicTests.length}].testtype`;
      throw invalid('a functional test needs metadata.func_name (the function name comes only from metadata)', where, field);
    }
  }
  if (row.contest_date !== '' && Number.isNaN(Date.parse(row.contest_date))) throw invalid('not an ISO date', where, 'contest_date');

  const problem: Problem = {
    id: row.question_id,
    title: row.question_title,
    kind,
    content: row.question_content,
    starter_code: row.starter_code,
    ...(func_name ? { func_name } : {}),
    tests: all.map(toTest),
    public_test_count: publicTests.length,
    ...(row.reference_solution !== undefined ? { reference_solution: row.reference_solution } : {}),
    platform: row.platform,
    difficulty: row.difficulty,
    ...(row.contest_date !== '' ? { contest_date: row.contest_date } : {}),
    ...(row.contest_id !== '' ? { contest_id: row.contest_id } : {}),
    source: { dataset, ...(where.file !== undefined ? { file: where.file } : {}), ...(where.line !== undefined ? { line: where.line } : {}) },
  };
  const errata = errataReason(problem.id, problem.title, problem.platform);
  if (errata) problem.errata = errata;
  return problem;
}
