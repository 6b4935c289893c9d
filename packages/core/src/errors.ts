/**
 * The one registry of passk error codes. Every error passk raises on purpose is a PasskError
 * with one of these codes, so logs, reason files and exit paths can be matched exactly.
 */
export const ERROR_CODES = {
  ERR_SCHEMA_INVALID: 'A file does not match its JSON Schema',
  ERR_JSON_MALFORMED: 'A file is not valid JSON',
  ERR_BAD_OPTION: 'A command-line option or config value is invalid',
  ERR_PLAN_MISMATCH: 'An existing run was started with a different plan',
  ERR_NO_PLAN: 'A run has no plan (it was never started with passk run, or another run or queue is named)',
  ERR_CLAIM_LOST: 'A claimed item was reclaimed by another worker',
  ERR_TOO_MANY_ATTEMPTS: 'An item failed or killed its worker too many times',
  ERR_LOCKED: 'Another process holds the singleton lock',
  ERR_PROBLEM_INVALID: 'A problem-set row is invalid',
  ERR_PROBLEM_NOT_FOUND: 'A problem index is not in the plan',
  ERR_DATASET_UNKNOWN: 'A dataset spec names no known dataset',
  ERR_PICKLE_UNSUPPORTED: 'A private-test blob uses a pickle opcode outside the supported subset',
  ERR_SANDBOX: 'The sandbox (fork server) failed: infrastructure, not the program',
  ERR_BACKEND: 'A generation backend failed',
  ERR_BACKEND_UNAVAILABLE: 'A generation backend is not installed or not reachable',
  ERR_WORKER_CRASHED: 'A worker process exited unexpectedly',
  ERR_REDIS_CONFIG: 'Redis is configured in a way passk refuses to use',
  ERR_FILE_REFUSED: 'A file was refused: a symlink, not a regular file, over its size cap, or not UTF-8',
  ERR_COMBINER_ELSEWHERE: "The run's combiner results live on another machine",
  ERR_SAMPLES_MISSING: 'A regrade could not finish: its source run never generated some samples',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Codes that mean the work was accepted but could not be finished (exit 1). Every other code means the
 * command refused its input or configuration and did nothing more (exit 2). docs/errors.md lists each
 * code with its exit status; test/errors/registry.test.ts keeps the two in step.
 */
const UNFINISHED_WORK: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ERR_TOO_MANY_ATTEMPTS', 'ERR_WORKER_CRASHED', 'ERR_SAMPLES_MISSING']);

/** The exit status of a command that ends with a PasskError of this code. */
export function exitStatusOf(code: ErrorCode): 1 | 2 {
  return UNFINISHED_WORK.has(code) ? 1 : 2;
}

/** The one line a command prints for a PasskError: `passk: CODE: message` (the message names file, line, field). */
export function formatPasskError(error: PasskError): string {
  return `passk: ${error.code}: ${error.message}`;
}

export interface PasskErrorDetails {
  /** File the error is about, when there is one. */
  file?: string;
  /** 1-based line number inside `file`, for JSONL inputs. */
  line?: number;
  /** JSON pointer or dotted path of the offending field. */
  field?: string;
  cause?: unknown;
}

export class PasskError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, details: PasskErrorDetails = {}) {
    const where = [details.file, details.line !== undefined ? `line ${details.line}` : undefined, details.field ? `field ${details.field}` : undefined]
      .filter(Boolean)
      .join(', ');
    super(where ? `${where}: ${message}` : message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = 'PasskError';
    this.code = code;
    this.file = details.file;
    this.line = details.line;
    this.field = details.field;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, file: this.file, line: this.line, field: this.field };
  }
}

export function isPasskError(error: unknown, code?: ErrorCode): error is PasskError {
  return error instanceof PasskError && (code === undefined || error.code === code);
}

/** Node system errors carry a string `code` (ENOENT, EEXIST, …). */
export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
