/**
 * The execution boundary of the evaluator: the daemon hands a problem and a program to a Grader
 * and gets a verdict back. Implementations (the warm sandboxed fork server, …) live in
 * @passk/evaluator; the daemon only sees this interface, so execution can be swapped.
 */
import type { Problem } from './schemas/problem.js';
import type { Verdict } from './schemas/verdict.js';

export interface GradeRequest {
  problem: Problem;
  /** The extracted program (stdin/functional) or the completion (HumanEval). */
  code: string;
  signal?: AbortSignal;
}

export interface Grader {
  /** Grade one program. Never rejects for anything the program does; infrastructure trouble
   *  that persists after retries is returned as status `infra_error`. */
  grade(request: GradeRequest): Promise<Verdict>;
  /** Stop every process the grader started. Idempotent. */
  close(): Promise<void>;
}
