/**
 * The report at 1,000 questions (the per-question small multiples stay bounded and say what they
 * leave out), the cost numbers of --gpu-hour-cost checked to the value, and fair temperature
 * comparison mid-run, on results directories written by the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { buildCharts, buildRunReport, costSummary, DEFAULT_MAX_QUESTION_PANELS, readTimeline, loadRun } from '@passk/report';
import { tempDir } from '../helpers/tmp.js';
import { report } from './fixture.js';
import { pngSize, writeSyntheticRun } from './synthetic.js';

const section = (md: string, title: string) => md.split(`### ${title}\n`)[1]!.split('\n###')[0]!;

test('1,000 questions: the small multiples draw at most --max-question-panels panels, the PNG stays bounded, the report names the rest', async () => {
  const root = await tempDir('passk-report-scale-');
  const temperatures = [0.2, 0.6, 1, 1.4];
  const dir = await writeSyntheticRun(path.join(root, 'big'), {
    run: 'big',
    n: 20,
    temperatures,
    questions: Array.from({ length: 1000 }, (_, i) => ({ rows: temperatures.map((temperature, j) => ({ temperature, passed: (i * 7 + j * 3) % 21 })) })),
  });
  const started = Date.now();
  await report(['report', '--run', 'big', '--results-dir', dir, '--no-exports', '--resamples', '100']);
  const elapsed = Date.now() - started;

  const svg = await readFile(path.join(dir, 'charts', 'pass_rate_per_question.svg'), 'utf8');
  const panelTitles = [...new Set(svg.match(/>q\d+ Problem \d+</g) ?? [])];
  assert.equal(panelTitles.length, DEFAULT_MAX_QUESTION_PANELS, 'one panel per shown question');
  assert.ok(svg.includes('>q47 Problem 47<') && !svg.includes('>q48 Problem 48<'), 'the first 48 by index');
  const { width, height } = pngSize(await readFile(path.join(dir, 'charts', 'pass_rate_per_question.png')));
  assert.ok(height <= 4000 && width <= 2000, `PNG ${width}×${height} px`);

  const note = 'Showing 48 of 1000 questions (q0 … q47, the first by index); 952 left out (q48 … q999): see the per-question table and results.csv.';
  const md = await readFile(path.join(dir, 'report.md'), 'utf8');
  assert.ok(md.includes(`![Pass rate vs temperature per question](charts/pass_rate_per_question.png)\n\n_${note}`), 'note under the chart in report.md');
  const html = await readFile(path.join(dir, 'report.html'), 'utf8');
  assert.ok(html.includes(`<p class="note">${note}`), 'note in the chart figure of report.html');
  // Every question is still in the per-question table and the CSV.
  assert.equal(section(md, 'Per question').trim().split('\n').length - 4, 1000);
  assert.equal((await readFile(path.join(dir, 'results.csv'), 'utf8')).trim().split('\n').length - 1, 4000);
  // Its time is a number for docs/benchmarks.md, not an assertion (a loaded machine is slower, not wrong).
  process.stdout.write(`report of 1,000 questions: ${elapsed} ms\n`);

  // The cap is an option; every question fits → no note.
  const r = await buildRunReport(dir, { resamples: 0 });
  const charts = buildCharts([r], { maxQuestionPanels: 10 });
  const perQuestion = charts.find((c) => c.name === 'pass_rate_per_question')!;
  const values = (perQuestion.spec.data as { values: Array<{ question: string }> }).values;
  assert.equal(new Set(values.map((v) => v.question)).size, 10);
  assert.equal(values.length, 10 * temperatures.length);
  assert.match(perQuestion.note!, /^Showing 10 of 1000 questions/);
  assert.equal(buildCharts([r], { maxQuestionPanels: 1000 }).find((c) => c.name === 'pass_rate_per_question')!.note, undefined);
  await assert.rejects(report(['report', '--run', 'big', '--results-dir', dir, '--max-question-panels', '0']), /Expected `--max-question-panels` to be an integer ≥ 1, got `0`/);
});

test('--gpu-hour-cost: GPU-hours, total, per 1,000 completions and per solved question, from the rows and from the generator logs', async () => {
  const root = await tempDir('passk-report-cost-');
  const questions = [
    { rows: [{ temperature: 0.5, passed: 3, gen_wall_s: 90 }, { temperature: 1, passed: 0, gen_wall_s: 90 }] },
    { rows: [{ temperature: 0.5, passed: 0, gen_wall_s: 90 }, { temperature: 1, passed: 0, gen_wall_s: 90 }] },
  ];
  // No logs: GPU-hours are the busy time, Σ gen_wall_s = 360 s = 0.1 h.
  const rowsOnly = await writeSyntheticRun(path.join(root, 'rows'), { run: 'rows', n: 10, temperatures: [0.5, 1], questions });
  const data = await loadRun(rowsOnly);
  const c = costSummary(data.questions, await readTimeline(rowsOnly), 2.5);
  assert.equal(c.basis, 'generation wall time (rows)');
  assert.ok(Math.abs(c.gpu_hours - 0.1) < 1e-12 && Math.abs(c.busy_gpu_hours - 0.1) < 1e-12);
  assert.equal(c.samples, 40);
  assert.ok(Math.abs(c.cost_total - 0.25) < 1e-12);
  assert.ok(Math.abs(c.cost_per_1000_completions - 6.25) < 1e-12);
  assert.equal(c.solved_questions, 1);
  assert.ok(Math.abs(c.cost_per_solved_question! - 0.25) < 1e-12);
  await report(['report', '--run', 'rows', '--results-dir', rowsOnly, '--no-exports', '--resamples', '0', '--gpu-hour-cost', '2.5']);
  const md = await readFile(path.join(rowsOnly, 'report.md'), 'utf8');
  assert.equal(
    section(md, 'Cost').trim(),
    [
      '_At 2.5 per GPU-hour; GPU-hours from generation wall time (rows)._',
      '',
      '| GPU-hours | busy GPU-hours | samples | total | per 1,000 completions | solved questions | per solved question |',
      '|---|---|---|---|---|---|---|',
      '| 0.1000 | 0.1000 | 40 | 0.250 | 6.25 | 1 | 0.250 |',
    ].join('\n'),
  );

  // Logs: two generators alive 30 and 15 minutes → 0.75 GPU-hours (idle time billed too).
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  const logged = await writeSyntheticRun(path.join(root, 'logs'), {
    run: 'logs',
    n: 10,
    temperatures: [0.5, 1],
    questions,
    generatorLogs: { gpu0: [t0, t0 + 30 * 60_000], gpu1: [t0 + 60_000, t0 + 16 * 60_000] },
  });
  await report(['report', '--run', 'logs', '--results-dir', logged, '--no-exports', '--resamples', '0', '--gpu-hour-cost', '2.5']);
  const row = section(await readFile(path.join(logged, 'report.md'), 'utf8'), 'Cost').trim().split('\n');
  assert.equal(row[0], '_At 2.5 per GPU-hour; GPU-hours from generator lifetimes (logs)._');
  // 0.75 h × 2.5 = 1.875 total; ÷ 40 samples × 1000 = 46.875; ÷ 1 solved question = 1.875.
  assert.equal(row.at(-1), '| 0.7500 | 0.1000 | 40 | 1.88 | 46.88 | 1 | 1.88 |');
  // Nothing solved: no cost per solved question.
  const unsolved = await writeSyntheticRun(path.join(root, 'unsolved'), { run: 'unsolved', n: 10, temperatures: [1], questions: [{ rows: [{ temperature: 1, passed: 0, gen_wall_s: 36 }] }] });
  const u = costSummary((await loadRun(unsolved)).questions, await readTimeline(unsolved), 100);
  assert.equal(u.cost_per_solved_question, null);
  assert.ok(Math.abs(u.cost_total - 1) < 1e-12);
  assert.ok(Math.abs(u.cost_per_1000_completions - 100) < 1e-9);
});

test('mid-run, the report compares temperatures over the questions every temperature has, and says how many', async () => {
  const root = await tempDir('passk-report-fair-');
  // q2 has T=0.2 only (solved): over its own questions 0.2 would look best; over q0, q1 it is 1.
  const dir = await writeSyntheticRun(path.join(root, 'mid'), {
    run: 'mid',
    n: 10,
    temperatures: [0.2, 1],
    questions: [
      { rows: [{ temperature: 0.2, passed: 2 }, { temperature: 1, passed: 4 }] },
      { rows: [{ temperature: 0.2, passed: 0 }, { temperature: 1, passed: 1 }] },
      { rows: [{ temperature: 0.2, passed: 10 }] },
      { rows: [] },
    ],
  });
  await report(['report', '--run', 'mid', '--results-dir', dir, '--no-exports', '--resamples', '0']);
  const md = await readFile(path.join(dir, 'report.md'), 'utf8');
  const compared = 'Temperatures compared over the 2 of 3 questions that have every temperature so far';
  const perT = section(md, 'Per temperature');
  assert.ok(perT.includes(compared), perT);
  assert.match(perT, /\| temperature \| questions \| samples \| pass rate \| compared \| pass@1 \| pass@5 \| pass@10 \|/);
  assert.match(perT, /\n\| 0\.2 \| 3 \| 30 \| 40\.00 \[40\.00, 40\.00\] \| 2 \| 10\.00 \[10\.00, 10\.00\] \|/);
  assert.match(perT, /\n\| 1 \| 2 \| 20 \| 25\.00 \[25\.00, 25\.00\] \| 2 \| 25\.00 \[25\.00, 25\.00\] \|/);
  const best = section(md, 'Best temperature for each k');
  assert.ok(best.includes(compared));
  assert.match(best, /\n\| 1 \| 1 \| 25\.00 \[25\.00, 25\.00\] \| 2 \|/);
  const html = await readFile(path.join(dir, 'report.html'), 'utf8');
  assert.match(html, /id="chart-pass_rate_vs_temperature"[\s\S]*?<p class="note">Temperatures compared over the 2 of 3 questions/);
});
