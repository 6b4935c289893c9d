/**
 * MBPP-style rows (`task_id`, `text`, `code`, `test_list`, optional `test_setup_code`,
 * `challenge_test_list`) → Problem of kind `humaneval`, graded like HumanEval:
 *   prompt     = '"""\n' + text + '\n' + test_list[0] + '\n"""\n'   (the model writes the function)
 *   test       = test_setup_code + 'def check(candidate):' + every assert of test_list (+ challenge)
 *   entry_point = the function the first assert calls (`assert name(`), else the first `def` of code
 *   reference_solution = code (optional)
 * The asserts call the function by name, so `check(entry_point)` runs them as written.
 */
import { PasskError, type Problem } from '@passk/core';
import type { RowWhere } from '../lcb/row.js';

export function looksLikeMbppRow(row: Record<string, unknown>): boolean {
  return 'task_id' in row && 'test_list' in row && ('text' in row || 'prompt' in row);
}

function fail(message: string, where: RowWhere, field: string): never {
  throw new PasskError('ERR_PROBLEM_INVALID', message, { ...where, field });
}

function stringList(value: unknown, where: RowWhere, field: string, required: boolean): string[] {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value)) fail(value === undefined ? 'missing' : 'must be a list of strings', where, field);
  value.forEach((v, i) => {
    if (typeof v !== 'string') fail('must be a string', where, `${field}[${i}]`);
  });
  return value as string[];
}

export function normaliseMbppRow(raw: Record<string, unknown>, where: RowWhere, dataset = 'mbpp'): Problem {
  const id = raw.task_id;
  if (typeof id !== 'string' && typeof id !== 'number') fail('must be a string or an integer', where, 'task_id');
  // The sanitized MBPP release calls the statement `prompt`; the original calls it `text`.
  const textField = 'text' in raw ? 'text' : 'prompt';
  const text = raw[textField];
  if (typeof text !== 'string') fail(text === undefined ? 'missing' : 'must be a string', where, textField);
  const tests = stringList(raw.test_list, where, 'test_list', true);
  if (tests.length === 0) fail('must hold at least one assert', where, 'test_list');
  const challenge = stringList(raw.challenge_test_list, where, 'challenge_test_list', false);
  const setup = raw.test_setup_code ?? '';
  if (typeof setup !== 'string') fail('must be a string', where, 'test_setup_code');
  const code = raw.code;
  if (code !== undefined && typeof code !== 'string') fail('must be a string', where, 'code');
  const entry = /^\s*assert\s+(?:not\s+)?\(?\s*(?:set\(|math\.isclose\()?\s*([A-Za-z_]\w*)\s*\(/.exec(tests[0]!)?.[1] ?? (code ? /^def\s+([A-Za-z_]\w*)/m.exec(code)?.[1] : undefined);
  if (!entry) fail('cannot find the function name (expected `assert name(...)`)', where, 'test_list[0]');
  const prompt = `"""\n${text}\n${tests[0]}\n"""\n`;
  const body = [...tests, ...challenge].map((t) => `    ${t.trim()}`).join('\n');
  const test = `${setup ? `${setup}\n\n` : ''}def check(candidate):\n${body}\n`;
  return {
    id: String(id),
    title: String(id),
    kind: 'humaneval',
    content: `${text}\nYour code should pass these tests:\n\n${tests.join('\n')}\n`,
    starter_code: '',
    func_name: entry,
    tests: [],
    public_test_count: 0,
    humaneval: { prompt, test, entry_point: entry },
    ...(code !== undefined ? { reference_solution: code } : {}),
    source: { dataset, ...where },
  };
}
