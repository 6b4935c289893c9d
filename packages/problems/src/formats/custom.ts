/**
 * passk's custom JSONL format (docs/problem-sets.md, schema docs/custom-problems.schema.json)
 * → Problem. Detected by an `id` and a `kind` field.
 */
import { assertValid, isPasskError, PasskError, type Problem, type TestCase } from '@passk/core';
import type { RowWhere } from '../lcb/row.js';
import { customProblemSchema } from './custom-schema.js';

interface CustomTest {
  input: string;
  output: string;
}

interface CustomRow {
  id: string;
  title?: string;
  kind: 'stdin' | 'functional' | 'humaneval';
  content: string;
  starter_code?: string;
  func_name?: string;
  public_tests?: CustomTest[];
  private_tests?: CustomTest[];
  prompt?: string;
  test?: string;
  entry_point?: string;
  reference_solution?: string;
  platform?: string;
  difficulty?: string;
  contest_date?: string;
}

export function looksLikeCustomRow(row: Record<string, unknown>): boolean {
  return 'id' in row && 'kind' in row;
}

/** Validate against the custom schema, rethrowing schema errors as ERR_PROBLEM_INVALID. */
function validate(raw: unknown, where: RowWhere): CustomRow {
  try {
    return assertValid<CustomRow>(customProblemSchema, raw, where);
  } catch (error) {
    if (isPasskError(error, 'ERR_SCHEMA_INVALID')) {
      const message = error.message.slice(error.message.indexOf(': ') + 2);
      throw new PasskError('ERR_PROBLEM_INVALID', message, { ...where, field: error.field, cause: error });
    }
    throw error;
  }
}

const plain = (t: CustomTest): TestCase => ({ input: t.input, output: t.output });

export function normaliseCustomRow(raw: Record<string, unknown>, where: RowWhere, dataset = 'custom'): Problem {
  const row = validate(raw, where);
  const pub = (row.public_tests ?? []).map(plain);
  const priv = (row.private_tests ?? []).map(plain);
  if (row.kind !== 'humaneval' && pub.length + priv.length === 0) {
    throw new PasskError('ERR_PROBLEM_INVALID', 'a stdin or functional problem needs at least one test', { ...where, field: 'public_tests' });
  }
  const optional = {
    ...(row.reference_solution !== undefined ? { reference_solution: row.reference_solution } : {}),
    ...(row.platform !== undefined ? { platform: row.platform } : {}),
    ...(row.difficulty !== undefined ? { difficulty: row.difficulty } : {}),
    ...(row.contest_date !== undefined ? { contest_date: row.contest_date } : {}),
  };
  if (row.kind === 'humaneval') {
    return {
      id: row.id,
      title: row.title ?? row.id,
      kind: 'humaneval',
      content: row.content,
      starter_code: row.starter_code ?? row.prompt!,
      func_name: row.entry_point!,
      tests: [],
      public_test_count: 0,
      humaneval: { prompt: row.prompt!, test: row.test!, entry_point: row.entry_point! },
      ...optional,
      source: { dataset, ...where },
    };
  }
  return {
    id: row.id,
    title: row.title ?? row.id,
    kind: row.kind,
    content: row.content,
    starter_code: row.starter_code ?? '',
    ...(row.func_name !== undefined ? { func_name: row.func_name } : {}),
    tests: [...pub, ...priv],
    public_test_count: pub.length,
    ...optional,
    source: { dataset, ...where },
  };
}
