/** Shared fixtures for the evaluator tests: small limits, problem builders. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGrader, type GraderOptions, type PasskGrader } from '@passk/evaluator';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Problem, TestCase, Verdict, VerdictStatus } from '@passk/core';

export const HUMANEVAL = fileURLToPath(new URL('../../../shared/datasets/HumanEval.jsonl.gz', import.meta.url));
export const hasHumanEval = existsSync(HUMANEVAL);

/** Limits small enough that hostile programs finish fast. */
export const TEST_LIMITS: GraderOptions = {
  // The existing evaluator tests describe the real-process semantics; lcb mode has its own (lcb-mode.test.ts).
  grading: 'judge',
  workers: 2,
  cpuLimitSeconds: 1,
  wallLimitSeconds: 3,
  memoryMb: 256,
  outputLimitMb: 1,
  maxProcesses: 16,
  onWarning: () => {},
};

export function grader(extra: GraderOptions = {}): Promise<PasskGrader> {
  return createGrader({ ...TEST_LIMITS, ...extra });
}

export function stdinProblem(tests: [string, string][], id = 'stdin-q'): Problem {
  return { id, title: id, kind: 'stdin', content: '', starter_code: '', tests: tests.map(([input, output]): TestCase => ({ input, output })), public_test_count: 1 };
}

export function functionalProblem(funcName: string, tests: [string, string][], id = 'func-q'): Problem {
  return {
    id,
    title: id,
    kind: 'functional',
    content: '',
    starter_code: '',
    func_name: funcName,
    tests: tests.map(([input, output]): TestCase => ({ input, output })),
    public_test_count: 1,
  };
}

export function humanEvalProblem(prompt: string, test: string, entryPoint: string, id = 'HumanEval/x'): Problem {
  return { id, title: id, kind: 'humaneval', content: prompt, starter_code: prompt, tests: [], public_test_count: 0, humaneval: { prompt, test, entry_point: entryPoint } };
}

/** A problem that echoes a doubled integer: the workhorse of the hostile tests. */
export const DOUBLE = stdinProblem([
  ['21\n', '42\n'],
  ['5\n', '10'],
]);
export const DOUBLE_OK = 'print(int(input()) * 2)';

/** One row of a grading table: a program, the problem it answers and the verdict it must get. */
export interface GradingRow {
  name: string;
  problem: Problem;
  code: string;
  status: VerdictStatus;
  failed?: number | null;
  tests_run?: number;
  message?: RegExp;
}

/** Each row graded as its own subtest (in parallel), its verdict checked field by field; `more` adds checks. */
export async function gradeTable(t: TestContext, g: Pick<PasskGrader, 'grade'>, rows: GradingRow[], more?: (v: Verdict) => void): Promise<void> {
  await Promise.all(
    rows.map((row) =>
      t.test(row.name, async () => {
        const v = await g.grade({ problem: row.problem, code: row.code });
        assert.equal(v.status, row.status, `${row.name}: ${JSON.stringify(v)}`);
        assert.equal(v.passed, row.status === 'passed');
        if (row.failed !== undefined) assert.equal(v.failed_test, row.failed);
        if (row.tests_run !== undefined) assert.equal(v.tests_run, row.tests_run);
        if (row.message) assert.match(v.message, row.message);
        more?.(v);
      }),
    ),
  );
}
