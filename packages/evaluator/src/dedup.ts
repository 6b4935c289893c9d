/**
 * Deduplication keys. Normalisation (version 1), chosen to be behaviour-preserving:
 *   1. line endings: CRLF and lone CR become LF (Python's tokenizer does the same);
 *   2. trailing whitespace (spaces, tabs, newlines) at the very end of the text is dropped.
 * Nothing else: indentation, comments, blank lines inside the program and string contents are
 * kept, because changing them can change behaviour (inspect, line numbers in messages, …).
 * The key also covers the problem (its id and a hash of everything grading reads from it) and
 * the grader fingerprint (version + limits), so a changed limit never reuses an old verdict.
 */
import { createHash } from 'node:crypto';
import type { Problem } from '@passk/core';

export const NORMALISATION_VERSION = 1;

export function normaliseProgram(code: string): string {
  return code.replace(/\r\n?/g, '\n').replace(/[ \t\n]+$/, '');
}

const problemHashes = new WeakMap<Problem, string>();

/** Hash of what grading reads from a problem (kind, tests, function name, HumanEval parts). */
export function problemFingerprint(problem: Problem): string {
  let h = problemHashes.get(problem);
  if (!h) {
    const hash = createHash('sha256');
    hash.update(JSON.stringify([problem.id, problem.kind, problem.func_name ?? null, problem.humaneval ?? null]));
    for (const t of problem.tests) {
      hash.update(`\0${t.input.length}:`).update(t.input).update(`\0${t.output.length}:`).update(t.output);
    }
    h = hash.digest('hex');
    problemHashes.set(problem, h);
  }
  return h;
}

/** The dedup key of (problem, program) under a grader fingerprint: sha256 hex. */
export function programKey(problem: Problem, code: string, graderFingerprint = ''): string {
  return createHash('sha256')
    .update(`passk-dedup-v${NORMALISATION_VERSION}\0${graderFingerprint}\0${problemFingerprint(problem)}\0`)
    .update(normaliseProgram(code))
    .digest('hex');
}
