/**
 * The error registry checks itself (fastify's test/internals/errors.test.js is the model), in both
 * directions: every code in packages/core/src/errors.ts has a row in docs/errors.md with its exit status,
 * every row there is in the registry, every code is raised somewhere in packages/*\/src (a PasskError or a
 * reason record's `code`), and every code the sources raise is in the registry. Adding a code is two lines:
 * the registry entry and the docs row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ERROR_CODES, exitStatusOf, type ErrorCode } from '@passk/core';
import { REPO } from '../helpers/passk.js';

const codes = Object.keys(ERROR_CODES) as ErrorCode[];

interface DocRow {
  code: string;
  exit: number | undefined;
  meaning: string;
}

/** The rows of docs/errors.md's code table: `| \`ERR_X\` | exit | meaning |`. */
async function docRows(): Promise<DocRow[]> {
  const text = await readFile(path.join(REPO, 'docs', 'errors.md'), 'utf8');
  const rows: DocRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^\|\s*`(ERR_[A-Z0-9_]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    const cells = m[2]!.split('|').map((c) => c.trim());
    const exit = cells.length >= 2 && /^\d+$/.test(cells[0]!) ? Number(cells[0]) : undefined;
    rows.push({ code: m[1]!, exit, meaning: cells.at(-1)! });
  }
  return rows;
}

/** Every .ts file under packages/<name>/src, with its text. */
async function sources(): Promise<Array<{ file: string; text: string }>> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push({ file: path.relative(REPO, full), text: await readFile(full, 'utf8') });
    }
  };
  const packages = path.join(REPO, 'packages');
  for (const name of await readdir(packages)) {
    const src = path.join(packages, name, 'src');
    if (await readdir(src).then(() => true, () => false)) await walk(src);
  }
  return out;
}

const REGISTRY_FILE = path.join('packages', 'core', 'src', 'errors.ts');
/** A code raised: `PasskError('ERR_X'` (any spacing, across lines) or a reason record's `code: 'ERR_X'`. */
const RAISED = /(?:PasskError\(\s*|\bcode:\s*)['"](ERR_[A-Z0-9_]+)['"]/g;

async function raisedCodes(): Promise<Map<string, string[]>> {
  const raised = new Map<string, string[]>();
  for (const { file, text } of await sources()) {
    if (file === REGISTRY_FILE) continue;
    for (const m of text.matchAll(RAISED)) raised.set(m[1]!, [...(raised.get(m[1]!) ?? []), file]);
  }
  return raised;
}

test('every registry code has a row in docs/errors.md, with the exit status exitStatusOf gives', async () => {
  const rows = await docRows();
  for (const code of codes) {
    const row = rows.find((r) => r.code === code);
    assert.ok(row, `${code} is in packages/core/src/errors.ts but has no row in docs/errors.md: add \`| \`${code}\` | ${exitStatusOf(code)} | meaning |\``);
    assert.notEqual(row.exit, undefined, `docs/errors.md: the row of ${code} has no exit column: \`| \`${code}\` | ${exitStatusOf(code)} | ${row.meaning} |\``);
    assert.equal(row.exit, exitStatusOf(code), `docs/errors.md says ${code} exits ${row.exit}, exitStatusOf says ${exitStatusOf(code)}`);
    assert.ok(row.meaning.length > 0, `docs/errors.md: ${code} has no meaning`);
  }
});

test('every row of docs/errors.md is a registry code, listed once', async () => {
  const rows = await docRows();
  for (const row of rows) assert.ok(codes.includes(row.code as ErrorCode), `docs/errors.md documents ${row.code}, which is not in packages/core/src/errors.ts`);
  const seen = rows.map((r) => r.code);
  assert.deepEqual(seen.filter((c, i) => seen.indexOf(c) !== i), [], 'a code documented twice');
});

test('every registry code is raised somewhere in packages/*/src', async () => {
  const raised = await raisedCodes();
  const never = codes.filter((c) => !raised.has(c));
  assert.deepEqual(never, [], `in the registry but never raised (a PasskError or a reason record's code): ${never.join(', ')}`);
});

test('every code the sources raise is in the registry', async () => {
  const raised = await raisedCodes();
  const unknown = [...raised].filter(([c]) => !codes.includes(c as ErrorCode)).map(([c, files]) => `${c} (${[...new Set(files)].join(', ')})`);
  assert.deepEqual(unknown, [], 'raised but not in packages/core/src/errors.ts');
});

test('registry meanings share one style: a capitalised phrase without a final period', () => {
  for (const [code, meaning] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/, `${code}: ERR_ and upper-case words`);
    assert.match(meaning, /^[A-Z]/, `${code}: starts with a capital letter`);
    assert.doesNotMatch(meaning, /\.\s*$/, `${code}: no final period`);
  }
});

test('the exit statuses are 1 (work not finished) or 2 (refused)', () => {
  for (const code of codes) assert.ok([1, 2].includes(exitStatusOf(code)), code);
  assert.equal(exitStatusOf('ERR_WORKER_CRASHED'), 1);
  assert.equal(exitStatusOf('ERR_BAD_OPTION'), 2);
});
