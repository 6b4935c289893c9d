/**
 * A problem on LiveCodeBench's ERRATA list is flagged in every output of a real run: plan.json,
 * q{idx}/summary.json, results.csv, the report's per-question table and headline; and the
 * problem's contest_id reaches the LiveCodeBench export. Real CLI processes, sim backend, the demo
 * problems re-labelled (their reference solutions keep the sim grading meaningful).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { DEMO_ROWS, ERRATA_REASONS } from '@passk/problems';
import { runPassk, runDirs, readJson } from '../helpers/passk.js';
import { report } from './fixture.js';

let root: string;
let dir: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'passk-errata-'));
  // q0 becomes abc311_c (on the list by id, contest abc311); q1 keeps its demo id; q2 is re-titled
  // "Find the Peaks" on LeetCode (on the list by title slug).
  const rows = DEMO_ROWS.slice(0, 3).map((r, i) =>
    i === 0 ? { ...r, question_id: 'abc311_c', contest_id: 'abc311' } : i === 2 ? { ...r, question_title: 'Find the Peaks', platform: 'leetcode' } : { ...r },
  );
  const file = path.join(root, 'set.jsonl');
  await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const run = await runPassk([
    'run', ...runDirs(root, 'errata'), '--problems', file, '--backend', 'sim', '--n', '4', '--shard-size', '4', '--temperatures', '0.5,1',
    '--gpus', '1', '--evaluators', '1', '--sim-tps', '0', '--progress-interval', '1',
  ]);
  if (run.code !== 0) throw new Error(`run failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  dir = path.join(root, 'results', 'errata');
});
after(() => rm(root, { recursive: true, force: true }));

const MULTIPLE = ERRATA_REASONS.multiple_outputs;

test('plan.json and q{idx}/summary.json carry the ERRATA reason; other questions carry nothing', async () => {
  const plan = await readJson(path.join(dir, 'plan.json'));
  assert.deepEqual(
    plan.questions.map((q: { id: string; errata?: string }) => [q.id, q.errata]),
    [['abc311_c', MULTIPLE], [DEMO_ROWS[1]!.question_id, undefined], [DEMO_ROWS[2]!.question_id, MULTIPLE]],
  );
  const summaries = await Promise.all([0, 1, 2].map((i) => readJson(path.join(dir, `q${i}`, 'summary.json'))));
  assert.equal(summaries[0].errata, MULTIPLE);
  assert.ok(!('errata' in summaries[1]), 'no errata key on a question not on the list');
  assert.equal(summaries[2].errata, MULTIPLE);
  // Seed field order kept: errata sits right after question_id.
  assert.deepEqual(Object.keys(summaries[0]).slice(0, 5), ['question_idx', 'question_title', 'question_id', 'errata', 'n']);
});

test('results.csv has an errata column; the report flags the questions in its table and headline; the LCB export has contest_id', async () => {
  await report(['report', '--run', 'errata', '--results-dir', dir, '--resamples', '100']);
  const lines = (await readFile(path.join(dir, 'results.csv'), 'utf8')).trim().split('\n');
  const header = lines[0]!.split(',');
  const col = header.indexOf('errata');
  assert.equal(col, header.indexOf('platform') + 1);
  const errataOf = new Map<string, Set<string>>();
  for (const line of lines.slice(1)) {
    // Fields up to errata hold no commas here except the quoted reason itself.
    const m = /^errata,(\d+),[^,]*,[^,]*,[^,]*,[^,]*,("[^"]*"|[^,]*),/.exec(line)!;
    assert.ok(m, line);
    if (!errataOf.has(m[1]!)) errataOf.set(m[1]!, new Set());
    errataOf.get(m[1]!)!.add(m[2]!.replace(/^"|"$/g, ''));
  }
  assert.deepEqual([...errataOf.entries()].map(([q, s]) => [q, [...s]]), [['0', [MULTIPLE]], ['1', ['']], ['2', [MULTIPLE]]]);

  const md = await readFile(path.join(dir, 'report.md'), 'utf8');
  assert.ok(md.includes(`3 questions (3 complete)`));
  assert.ok(md.includes(`2 question(s) on LiveCodeBench's ERRATA list (flagged in the per-question table): q0 abc311_c, q2 ${DEMO_ROWS[2]!.question_id}.`));
  const table = md.split('### Per question\n')[1]!;
  assert.match(table, /\| q \| title \| difficulty \| platform \| errata \| T=0\.5 \| T=1\.0 \| best T \(pass@1\) \|/);
  assert.match(table, new RegExp(`\\n\\| 0 \\| ${DEMO_ROWS[0]!.question_title} \\| \\w+ \\| demo \\| ${MULTIPLE} \\|`));
  assert.match(table, new RegExp(`\\n\\| 1 \\| ${DEMO_ROWS[1]!.question_title} \\| \\w+ \\| demo \\|  \\|`));
  assert.match(table, /\n\| 2 \| Find the Peaks \| \w+ \| leetcode \| several valid outputs/);
  const html = await readFile(path.join(dir, 'report.html'), 'utf8');
  assert.match(html, /<th>errata<\/th>/);
  assert.ok(html.includes(`<td>demo</td><td>${MULTIPLE}</td>`));

  const lcb = await readJson<Array<{ question_id: string; contest_id: string }>>(path.join(dir, 'exports', 'errata_t0_5_eval_all.json'));
  assert.deepEqual(lcb.map((e) => [e.question_id, e.contest_id]), [['abc311_c', 'abc311'], [DEMO_ROWS[1]!.question_id, 'demo'], [DEMO_ROWS[2]!.question_id, 'demo']]);
});
