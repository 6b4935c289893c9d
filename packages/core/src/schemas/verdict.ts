/** The verdict record every graded sample gets. */
import type { JSONSchemaType } from 'ajv';

export const VERDICT_STATUSES = [
  'passed',
  'wrong_answer',
  'runtime_error',
  'time_limit',
  'memory_limit',
  'output_limit',
  'syntax_error',
  'infra_error',
] as const;

export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

export interface Verdict {
  passed: boolean;
  status: VerdictStatus;
  /** Index (into the problem's tests) of the first failing test; null when none failed or none ran. */
  failed_test: number | null;
  /** How many tests ran (grading stops at the first failure). */
  tests_run: number;
  /** CPU time of the program, summed over its executions, in milliseconds. */
  cpu_ms: number;
  /** Wall time spent grading this sample, in milliseconds. */
  wall_ms: number;
  /** Short human-readable message (first line of the error, the mismatch, …); '' on a pass. */
  message: string;
  /** True when the verdict came from the dedup cache rather than a fresh execution. */
  cached?: boolean;
}

export const verdictSchema: JSONSchemaType<Verdict> = {
  $id: 'passk/verdict',
  type: 'object',
  required: ['passed', 'status', 'failed_test', 'tests_run', 'cpu_ms', 'wall_ms', 'message'],
  properties: {
    passed: { type: 'boolean' },
    status: { type: 'string', enum: [...VERDICT_STATUSES] },
    // A cast at a true boundary: ajv's JSONSchemaType cannot type a required property that may be null.
    failed_test: { type: ['integer', 'null'], minimum: 0 } as never,
    tests_run: { type: 'integer', minimum: 0 },
    cpu_ms: { type: 'number', minimum: 0 },
    wall_ms: { type: 'number', minimum: 0 },
    message: { type: 'string' },
    cached: { type: 'boolean', nullable: true },
  },
  additionalProperties: false,
};
