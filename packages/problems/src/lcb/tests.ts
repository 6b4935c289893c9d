/**
 * LiveCodeBench test-case columns: `public_test_cases` (JSON text) and `private_test_cases`
 * (JSON text, or base64 → zlib → pickle → JSON text), each a list of {input, output, testtype}.
 */
import { inflateSync } from 'node:zlib';
import { PasskError, jsonSyntaxMessage, errnoCode, type PasskErrorDetails } from '@passk/core';
import { maxInflatedBytes } from '../caps.js';
import { unpickleString } from './pickle.js';

export type LcbTestType = 'stdin' | 'functional';

export interface LcbTestCase {
  input: string;
  output: string;
  testtype: LcbTestType;
}

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

function invalid(message: string, where: PasskErrorDetails): PasskError {
  return new PasskError('ERR_PROBLEM_INVALID', message, where);
}

/** Parse a JSON list of test cases and check every element's shape. */
export function parseTestList(text: string, where: PasskErrorDetails): LcbTestCase[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PasskError('ERR_PROBLEM_INVALID', jsonSyntaxMessage(error), where);
  }
  return checkTestList(value, where);
}

export function checkTestList(value: unknown, where: PasskErrorDetails): LcbTestCase[] {
  if (!Array.isArray(value)) throw invalid(`expected a JSON list of test cases, got ${typeName(value)}`, where);
  value.forEach((test: unknown, i) => {
    const at = { ...where, field: `${where.field}[${i}]` };
    if (typeof test !== 'object' || test === null || Array.isArray(test)) throw invalid(`expected a test case object, got ${typeName(test)}`, at);
    const t = test as Record<string, unknown>;
    for (const key of ['input', 'output'] as const) {
      if (typeof t[key] !== 'string') throw invalid(`${key} must be a string, got ${typeName(t[key])}`, { ...at, field: `${at.field}.${key}` });
    }
    if (t.testtype !== 'stdin' && t.testtype !== 'functional') {
      throw invalid(`testtype must be "stdin" or "functional", got ${JSON.stringify(t.testtype)}`, { ...at, field: `${at.field}.testtype` });
    }
  });
  return value as LcbTestCase[];
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : typeof value;
}

/**
 * Decode `private_test_cases` like LiveCodeBench: JSON first, else base64 → zlib → pickle → JSON.
 * Each failing step is named in the error (never an empty list for a blob we cannot read).
 */
export function decodePrivateTests(text: string, where: PasskErrorDetails): LcbTestCase[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return parseTestList(text, where);
  if (text.length === 0) throw invalid('empty (expected JSON or base64 → zlib → pickle)', where);
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) {
    throw invalid('neither JSON nor base64 (expected JSON or base64 → zlib → pickle)', where);
  }
  let inflated: Buffer;
  const cap = maxInflatedBytes();
  try {
    // Capped: a small blob must not inflate into gigabytes (zlib stops at the cap and throws).
    inflated = inflateSync(Buffer.from(text, 'base64'), { maxOutputLength: cap });
  } catch (error) {
    if (errnoCode(error) === 'ERR_BUFFER_TOO_LARGE') {
      throw invalid(`inflates to more than the cap of ${cap} bytes (PASSK_MAX_INFLATED_BYTES; docs/problem-sets.md#caps)`, where);
    }
    throw new PasskError('ERR_PROBLEM_INVALID', `base64 decoded but zlib failed (${(error as Error).message})`, { ...where, cause: error });
  }
  const json = unpickleString(inflated, where);
  return parseTestList(json, where);
}
