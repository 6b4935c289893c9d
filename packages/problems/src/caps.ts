/**
 * Size caps on problem files (docs/problem-sets.md#caps): the longest JSONL row and the largest
 * inflated private-test blob. They bound the loader's memory whatever a file holds (a 600 MB line,
 * a 950 KB base64 blob inflating to 700 MB) and turn such a row into a clear error naming file,
 * line and field. Both can be raised for a legitimate huge row with an environment variable.
 */
import { PasskError } from '@passk/core';

/** Default longest row, bytes (LiveCodeBench rows are a few MB; the largest tens of MB). */
export const DEFAULT_MAX_ROW_BYTES = 256 * 1024 * 1024;
/** Default largest inflated `private_test_cases` blob, bytes. */
export const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 * 1024;

function fromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new PasskError('ERR_BAD_OPTION', `Expected ${name} to be a positive integer (bytes), got \`${raw.slice(0, 40)}\``);
  }
  return value;
}

/** The row cap: PASSK_MAX_ROW_BYTES, else DEFAULT_MAX_ROW_BYTES. */
export function maxRowBytes(): number {
  return fromEnv('PASSK_MAX_ROW_BYTES', DEFAULT_MAX_ROW_BYTES);
}

/** The inflate cap: PASSK_MAX_INFLATED_BYTES, else DEFAULT_MAX_INFLATED_BYTES. */
export function maxInflatedBytes(): number {
  return fromEnv('PASSK_MAX_INFLATED_BYTES', DEFAULT_MAX_INFLATED_BYTES);
}
