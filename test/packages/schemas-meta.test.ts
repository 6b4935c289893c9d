/**
 * Every schema passk validates with (the `…Schema` exports of @passk/core and @passk/problems, and the
 * queue stages' STAGE_SCHEMAS) is a valid draft-07 schema that ajv's strict mode compiles. The
 * validators themselves skip the meta-schema at run time (core/src/validate.ts: ≈ 40 ms of every
 * command's start-up), so this is where a malformed schema is caught.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as core from '@passk/core';
import * as problems from '@passk/problems';
import type { Ajv as AjvClass } from 'ajv';

const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };

const schemas: [string, object][] = [
  ...Object.entries({ ...core, ...problems }).filter(([name]) => name.endsWith('Schema')).map(([name, s]) => [name, s as object] as [string, object]),
  ...Object.entries(core.STAGE_SCHEMAS).map(([stage, s]) => [`STAGE_SCHEMAS.${stage}`, s as object] as [string, object]),
];

test('the schemas are found', () => {
  assert.ok(schemas.length >= 10, schemas.map(([n]) => n).join(', '));
});

for (const [name, schema] of schemas) {
  test(`${name} is a valid draft-07 schema and compiles in strict mode`, () => {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    assert.equal(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors));
    ajv.compile(schema);
  });
}

test('a schema the meta-schema refuses is caught here', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  assert.equal(ajv.validateSchema({ type: 'object', properties: { a: { type: 'string', minLength: 'x' } } }), false);
});
