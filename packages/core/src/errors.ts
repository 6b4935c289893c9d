/**
 * The one registry of passk error codes. Every error passk raises on purpose is a PasskError
 * with one of these codes, so logs, reason files and exit paths can be matched exactly.
 */
export const ERROR_CODES = {
  ERR_SCHEMA_INVALID: 'A file does not match its JSON Schema',
  ERR_JSON_MALFORMED: 'A file is not valid JSON',
  ERR_BAD_OPTION: 'A command-line option or config value is invalid',
  ERR_PLAN_MISMATCH: 'An existing run was started with a different plan',
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
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

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
