import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { isPasskError, type QuestionSummary, type RunSummary } from '@passk/core';
import { enrichQuestionSummary, enrichRunSummary, readProblemMeta, passAtK, wilsonInterval, type QuestionRows } from '@passk/stats';
import { loadRun } from '@passk/report';
import { readJson } from '../helpers/passk.js';
import { simRuns, report, type Fixture } from './fixture.js';

let fx: Fixture;
before(async () => {
  fx = await simRuns({ alpha: '0.2,1.0', beta: '0.6,1.4' });
});
after(() => fx?.cleanup());

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += ch;
  }
  return rows;
}

test('enrichQuestionSummary and enrichRunSummary keep every seed field and add pass@k, intervals, breakdowns, best temperature', async () => {
  const dir = fx.resultsDir('alpha');
  const summary = await readJson<QuestionSummary>(path.join(dir, 'q0', 'summary.json'));
  const meta = await readProblemMeta(dir, 0);
  assert.equal(meta.difficulty, 'easy');
  const enriched = enrichQuestionSummary(summary, meta);
  for (const [key, value] of Object.entries(summary)) assert.deepEqual((enriched as unknown as Record<string, unknown>)[key], value, `summary.json field ${key} unchanged`);
  assert.deepEqual(enriched.ks, [1, 5, 10]);
  assert.equal(enriched.per_temperature.length, 2);
  const row = summary.results[0]!;
  const t0 = enriched.per_temperature[0]!;
  assert.equal(t0.pass_at_k['pass@1'], Math.round(passAtK(12, row.passed, 1) * 1e6) / 1e6);
  const w = wilsonInterval(row.passed, 12);
  assert.deepEqual(t0.pass_rate_ci, [Math.round(w.low * 10000) / 100, Math.round(w.high * 10000) / 100]);
  assert.ok(enriched.best_temperature['pass@1']);
  assert.equal(enriched.stats.question_interval, 'wilson');
  assert.equal(JSON.parse(JSON.stringify(enriched)).question_title, summary.question_title);

  const runSummary = await readJson<RunSummary>(path.join(dir, 'run_summary.json'));
  const run = await loadRun(dir);
  const questions: QuestionRows[] = run.questions;
  const enrichedRun = enrichRunSummary(runSummary, questions, { resamples: 500 });
  // The combiner already enriches run_summary.json; what must survive a (re-)enrichment is every seed field.
  const added = new Set(['ks', 'best_temperature', 'by_difficulty', 'by_platform', 'verdicts', 'stats', 'pass_at_k', 'pass_rate_ci', 'compared_questions']);
  for (const key of Object.keys(runSummary)) if (key !== 'per_temperature' && !added.has(key)) assert.deepEqual((enrichedRun as unknown as Record<string, unknown>)[key], (runSummary as unknown as Record<string, unknown>)[key]);
  runSummary.per_temperature.forEach((t, i) => {
    const e = enrichedRun.per_temperature[i]!;
    for (const [key, value] of Object.entries(t)) if (!added.has(key)) assert.deepEqual((e as Record<string, unknown>)[key], value, `per_temperature.${key} unchanged`);
    const p1 = e.pass_at_k['pass@1']!;
    assert.ok(p1.low <= p1.value && p1.value <= p1.high);
    // The pooled pass rate has its bootstrap interval (percent), in the file the combiner wrote too.
    for (const ci of [e.pass_rate_ci, (t as unknown as { pass_rate_ci: [number, number] }).pass_rate_ci]) assert.ok(ci[0] <= t.pass_rate && t.pass_rate <= ci[1], `${ci} around ${t.pass_rate}`);
    assert.equal(e.compared_questions, 4);
    assert.equal(Object.values(e.verdicts).reduce((a, b) => a + b, 0), t.n);
  });
  assert.deepEqual(enrichedRun.by_difficulty.map((g) => g.group).sort(), [...new Set(questions.map((q) => q.difficulty ?? 'unknown'))].sort());
  assert.deepEqual(enrichedRun.by_platform.map((g) => g.group), ['demo']);
  assert.ok([0.2, 1].includes(enrichedRun.best_temperature['pass@1']!.temperature));
  assert.equal(Object.values(enrichedRun.verdicts).reduce((a, b) => a + b, 0), runSummary.samples_done);
  // Reproducible: the bootstrap is seeded.
  assert.deepEqual(enrichRunSummary(runSummary, questions, { resamples: 500 }), { ...enrichedRun });
});

test('passk report writes report.html (self-contained), report.md, results.csv, SVG+PNG charts and both exports', async () => {
  const dir = fx.resultsDir('alpha');
  await report(['report', '--run', 'alpha', '--results-dir', dir, '--gpu-hour-cost', '2.5', '--resamples', '300']);
  const names = await readdir(dir);
  for (const f of ['report.html', 'report.md', 'results.csv', 'charts', 'exports']) assert.ok(names.includes(f), `${f} written`);
  const charts = await readdir(path.join(dir, 'charts'));
  const stems = ['pass_rate_vs_temperature', 'pass_rate_per_question', 'pass_at_k_vs_k', 'verdict_mix', 'generation_throughput', 'evaluation_throughput', 'queue_depths'];
  for (const stem of stems) {
    const svg = await readFile(path.join(dir, 'charts', `${stem}.svg`), 'utf8');
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<path|<rect/);
    const png = await readFile(path.join(dir, 'charts', `${stem}.png`));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${stem}.png is a PNG`);
    assert.ok(png.length > 5000, `${stem}.png has content (${png.length} bytes)`);
  }
  assert.equal(charts.length, stems.length * 2);

  // CSV: one row per question × temperature, numbers matching summary.json.
  const rows = parseCsv(await readFile(path.join(dir, 'results.csv'), 'utf8'));
  const header = rows[0]!;
  assert.deepEqual(header.slice(0, 16), ['run', 'question_idx', 'question_id', 'question_title', 'difficulty', 'platform', 'errata', 'temperature', 'n', 'passed', 'pass_rate', 'pass_rate_ci_low', 'pass_rate_ci_high', 'pass@1', 'pass@5', 'pass@10']);
  assert.ok(header.includes('verdict_wrong_answer') && header.includes('verdict_syntax_error'));
  assert.equal(rows.length - 1, 4 * 2);
  const col = (name: string) => header.indexOf(name);
  for (const r of rows.slice(1)) {
    assert.equal(r.length, header.length);
    const summary = await readJson<QuestionSummary>(path.join(dir, `q${r[col('question_idx')]}`, 'summary.json'));
    const row = summary.results.find((x) => x.temperature === Number(r[col('temperature')]))!;
    assert.equal(Number(r[col('passed')]), row.passed);
    assert.equal(Number(r[col('pass_rate')]), row.pass_rate);
    assert.equal(r[col('question_title')], summary.question_title);
    assert.ok(Math.abs(Number(r[col('pass@1')]) - row.passed / 12) < 1e-9);
    assert.equal(Number(r[col('verdict_passed')]), row.verdicts.passed ?? 0);
    assert.equal(r[col('errata')], '', 'no demo problem is on the ERRATA list');
  }

  // HTML: one file, no script, no stylesheet link, no URL but SVG namespaces; every chart inline.
  const html = await readFile(path.join(dir, 'report.html'), 'utf8');
  assert.doesNotMatch(html, /<script|<link|<img|@import|url\(/i);
  assert.deepEqual([...new Set(html.match(/https?:\/\/[^"'\s)]+/g))].sort(), ['http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/svg']);
  for (const stem of stems) assert.match(html, new RegExp(`<figure class="chart" id="chart-${stem}"[^>]*><figcaption>[^<]+</figcaption>\\n<svg`));
  assert.match(html, /SIMULATED backend/);
  assert.match(html, /<h3>Per temperature<\/h3>/);
  assert.match(html, /<h3>Best temperature for each k<\/h3>/);
  assert.match(html, /<h3>By difficulty<\/h3>/);
  assert.match(html, /<h3>By platform<\/h3>/);
  assert.match(html, /<h3>Verdict mix by temperature<\/h3>/);
  assert.match(html, /<h3>Cost<\/h3>/);
  assert.match(html, /<th>pass@10<\/th>/);
  assert.doesNotMatch(html, /pass@100/, 'k > n is not reported');

  const md = await readFile(path.join(dir, 'report.md'), 'utf8');
  assert.match(md, /^# passk report: alpha/);
  assert.match(md, /\| temperature \| questions \| samples \| pass rate \| compared \| pass@1 \| pass@5 \| pass@10 \|/);
  // Finished run: every question compared; the pooled pass rate printed with its interval.
  assert.match(md, /_Percent\. .* Temperatures compared over all 4 questions\. /);
  assert.match(md, /\n\| 0\.2 \| 4 \| 48 \| \d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\] \| 4 \| /);
  assert.match(md, /!\[Pass rate vs temperature\]\(charts\/pass_rate_vs_temperature\.png\)/);
  assert.match(md, /### Cost\n\n_At 2\.5 per GPU-hour; GPU-hours from generator lifetimes \(logs\)\._/);

  // LiveCodeBench export: one array per temperature, one entry per question, lcb_runner's keys.
  const lcb = await readJson<Array<Record<string, unknown>>>(path.join(dir, 'exports', 'alpha_t0_2_eval_all.json'));
  assert.equal(lcb.length, 4);
  assert.deepEqual(Object.keys(lcb[0]!), ['question_title', 'question_content', 'platform', 'question_id', 'contest_id', 'contest_date', 'starter_code', 'difficulty', 'output_list', 'code_list', 'graded_list', 'pass@1', 'metadata']);
  for (const entry of lcb) {
    assert.equal(entry.contest_id, 'demo', 'contest_id carried from the problem set (the demo rows say "demo")');
    assert.equal((entry.output_list as string[]).length, 12);
    assert.equal((entry.code_list as string[]).length, 12);
    assert.equal((entry.metadata as string[]).length, 12);
    const graded = entry.graded_list as boolean[];
    assert.ok(graded.every((g) => typeof g === 'boolean'));
    assert.equal(entry['pass@1'], graded.filter(Boolean).length / 12);
    for (const m of entry.metadata as string[]) assert.equal(typeof JSON.parse(m), 'object');
  }
  const combined = await readJson(path.join(dir, 'q0', 't0_2_combined.json'));
  assert.deepEqual(lcb[0]!.graded_list, combined.samples.map((s: { verdict: { passed: boolean } }) => s.verdict.passed));
  // human-eval export: one line per sample.
  const he = (await readFile(path.join(dir, 'exports', 'alpha_t1_0_results.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(he.length, 4 * 12);
  for (const line of he) {
    assert.deepEqual(Object.keys(line).slice(0, 4), ['task_id', 'completion', 'result', 'passed']);
    assert.equal(line.passed, line.result === 'passed');
  }
  assert.deepEqual((await readdir(path.join(dir, 'exports'))).sort(), ['alpha_t0_2_eval_all.json', 'alpha_t0_2_results.jsonl', 'alpha_t1_0_eval_all.json', 'alpha_t1_0_results.jsonl']);
});

test('--compare puts runs side by side: comparison tables and overlaid curves; --out elsewhere', async () => {
  const out = path.join(fx.root, 'cmp');
  await report(['report', '--run', 'alpha', '--results-dir', fx.resultsDir('alpha'), '--compare', fx.resultsDir('beta'), '--out', out, '--no-exports', '--resamples', '200']);
  const html = await readFile(path.join(out, 'report.html'), 'utf8');
  assert.match(html, /<title>passk report: alpha vs beta<\/title>/);
  assert.match(html, /<h3>Comparison<\/h3>/);
  assert.match(html, /<h3>pass@1 by temperature<\/h3>/);
  const md = await readFile(path.join(out, 'report.md'), 'utf8');
  const cmp = md.split('### Comparison')[1]!.split('###')[0]!;
  assert.match(cmp, /\| alpha \| sim \| sim \| 12 \| 4 \|/);
  assert.match(cmp, /\| beta \| sim \| sim \| 12 \| 4 \|/);
  const byT = md.split('### pass@1 by temperature')[1]!.split('###')[0]!;
  for (const t of ['0.2', '0.6', '1', '1.4']) assert.match(byT, new RegExp(`\\n\\| ${t.replace('.', '\\.')} \\|`));
  const curve = await readFile(path.join(out, 'charts', 'pass_rate_vs_temperature.svg'), 'utf8');
  assert.match(curve, />alpha</);
  assert.match(curve, />beta</);
  const csv = parseCsv(await readFile(path.join(out, 'results.csv'), 'utf8'));
  assert.deepEqual([...new Set(csv.slice(1).map((r) => r[0]))], ['alpha', 'beta']);
  assert.ok(!(await readdir(out)).includes('exports'));
});

test('a run still in progress (no summary.json yet) is reported from the combined files; bad inputs get exact errors', async () => {
  const out = path.join(fx.root, 'partial');
  const dir = fx.resultsDir('beta');
  await rm(path.join(dir, 'q1', 'summary.json'));
  await rm(path.join(dir, 'q2', 't1_4_combined.json'));
  await rm(path.join(dir, 'q2', 'summary.json'));
  const run = await loadRun(dir);
  assert.equal(run.questions.length, 4);
  assert.equal(run.questions.find((q) => q.idx === 1)!.results.length, 2, 'rows read back from the combined files');
  assert.equal(run.questions.find((q) => q.idx === 2)!.results.length, 1);
  assert.equal(run.questions.find((q) => q.idx === 1)!.complete, false);
  await report(['report', '--run', 'beta', '--results-dir', dir, '--out', out, '--no-exports', '--resamples', '100']);
  const csv = parseCsv(await readFile(path.join(out, 'results.csv'), 'utf8'));
  assert.equal(csv.length - 1, 7);
  assert.ok((await stat(path.join(out, 'report.html'))).size > 10_000);

  await assert.rejects(report(['report', '--run', 'nope', '--results-dir', path.join(fx.root, 'nothing')]), (error: unknown) => {
    assert.ok(isPasskError(error, 'ERR_NO_PLAN'));
    assert.match((error as Error).message, /plan\.json: no plan\.json in `.*nothing`: not a passk results directory/);
    return true;
  });
  await assert.rejects(report(['report', '--run', 'alpha', '--results-dir', fx.resultsDir('alpha'), '--gpu-hour-cost', '-1']), /Expected `--gpu-hour-cost` to be a number ≥ 0, got `-1`/);
});
