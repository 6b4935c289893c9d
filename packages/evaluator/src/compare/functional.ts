/**
 * Functional (LeetCode-style) values on the Node side: each problem's expected outputs parsed once
 * (cached per problem), and a program's result read with the expected value's size as its budget, so a
 * huge wrong result is never parsed whole. Used by judge mode (grader.ts) and lcb mode (lcb.ts).
 */
import type { Problem } from '@passk/core';
import { clip } from '../outcome.js';
import { countValues, parsePyJson, PyJsonTooLarge, type PyValue } from './pyjson.js';

const expectedCache = new WeakMap<Problem, (PyValue | Error)[]>();

export function expectedValues(problem: Problem): (PyValue | Error)[] {
  let values = expectedCache.get(problem);
  if (!values) {
    values = problem.tests.map((t) => {
      try {
        return parsePyJson(t.output);
      } catch (e) {
        return e as Error;
      }
    });
    expectedCache.set(problem, values);
  }
  return values;
}

const valueCounts = new WeakMap<PyValue, number>();

/**
 * The functional result the report carries, read with the expected value's size as budget:
 * `null` when it holds more values than the expected one (so it cannot be equal). Only a program
 * writing into the report channel makes it unreadable (an Error).
 */
export function resultValue(text: string, want: PyValue): PyValue | null | Error {
  let budget = valueCounts.get(want);
  if (budget === undefined) valueCounts.set(want, (budget = countValues(want)));
  try {
    return parsePyJson(text, budget);
  } catch (e) {
    if (e instanceof PyJsonTooLarge) return null;
    return new Error(`the program wrote into the harness's report channel (its result is not readable: ${(e as Error).message})`);
  }
}

export function display(v: string): string {
  return clip(v, 120);
}
