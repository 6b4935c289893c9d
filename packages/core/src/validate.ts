/**
 * ajv validation with errors that name the file, line and field. Schemas are compiled once,
 * at first use (cheap for a handful of schemas; see docs/schemas.md for why not standalone code).
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction, ErrorObject } from 'ajv';
import { PasskError } from './errors.js';

/** ajv (61 files) is loaded by the first validation, not by every command that imports core. */
let ajv: AjvClass | undefined;
const compiled = new Map<object, ValidateFunction>();

function compile<T>(schema: object): ValidateFunction<T> {
  let fn = compiled.get(schema);
  if (!fn) {
    if (ajv === undefined) {
      const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
      // No meta-schema (validateSchema, meta): compiling draft-07's meta-schema to check our own schemas
      // cost ≈ 40 ms of every command's start-up. Strict mode still refuses unknown keywords and
      // undefined required fields here; test/packages/schemas-meta.test.ts checks every schema against
      // the meta-schema instead.
      ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, validateSchema: false, meta: false });
    }
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn as ValidateFunction<T>;
}

export function describeAjvError(error: ErrorObject): { field: string; message: string } {
  let field = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : '(root)';
  if (error.keyword === 'required') field = field === '(root)' ? String(error.params.missingProperty) : `${field}.${error.params.missingProperty}`;
  if (error.keyword === 'additionalProperties') {
    const name = String(error.params.additionalProperty);
    field = field === '(root)' ? name : `${field}.${name}`;
  }
  // Paths are made of the input's own keys: never echo unusual ones (docs/queue-protocol.md#quarantine).
  if (!/^[A-Za-z0-9_.()~ -]{1,200}$/.test(field)) field = '(a field with an unusual name)';
  return { field, message: error.message ?? 'is invalid' };
}

export interface Where {
  file?: string;
  line?: number;
}

/** Validate `value` against `schema`; throw ERR_SCHEMA_INVALID naming file, line and field. */
export function assertValid<T>(schema: object, value: unknown, where: Where = {}): T {
  const validate = compile<T>(schema);
  if (validate(value)) return value;
  const { field, message } = describeAjvError(validate.errors![0]!);
  const schemaId = (schema as { $id?: string }).$id ?? 'schema';
  throw new PasskError('ERR_SCHEMA_INVALID', `${message} (${schemaId})`, { ...where, field });
}

export function isValid<T>(schema: object, value: unknown): value is T {
  return compile<T>(schema)(value);
}

/** Parse JSON text and validate it; ERR_JSON_MALFORMED or ERR_SCHEMA_INVALID on failure. */
export function parseValid<T>(schema: object, text: string, where: Where = {}): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PasskError('ERR_JSON_MALFORMED', jsonSyntaxMessage(error), where);
  }
  return assertValid<T>(schema, value, where);
}

/**
 * JSON.parse's message without the input: V8 quotes the bytes around the error (`Unexpected token
 * 'r', "root:x:0:0"... is not valid JSON`), which must never reach a reason file or a log. Only the
 * position (when V8 gives one) and the kind of failure are kept.
 */
export function jsonSyntaxMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (message === 'Unexpected end of JSON input') return 'not valid JSON (unexpected end of input)';
  const position = /at position (\d+)/.exec(message);
  return position ? `not valid JSON (syntax error at position ${position[1]})` : 'not valid JSON (syntax error)';
}
