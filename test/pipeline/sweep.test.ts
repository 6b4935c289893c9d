import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { combinedFileName, localHost, assertValid, planSchema, problemSchema, questionSummarySchema, runSummarySchema, temperatureResultFileSchema, type Plan } from '@passk/core';
import { writeCombined, rowFromCombined } from '@passk/combiner';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, runDirs, readJson, leftovers, combinedSampleProblems } from '../helpers/passk.js';
import { RunProcesses, newMarker } from '../helpers/procs.js';

const SMALL = ['--backend', 'sim', '--problems', 'demo', '--end', '4', '--n', '6', '--shard-size', '4', '--temperatures', '0.2,1.0', '--gpus', '1', '--evaluators', '1', '--sim-tps', '0', '--progress-interval', '1'];

test('a sim sweep runs to the end: seed-format summaries, every sample counted once, nothing left behind', async () => {
  const root = await tempDir();
  const args = ['run', ...runDirs(root, 'sweep'), ...SMALL];
  const procs = new RunProcesses(newMarker());
  const result = await runPassk(args, { env: procs.env });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /SIMULATED/);
  const [, , , queueOverride, , resultsOverride] = runDirs(root, 'sweep');
  // `passk` when on PATH, else bin/passk's absolute path (a hint works when pasted).
  assert.ok(/watch with `(passk|\/\S+\/bin\/passk) /.test(result.stdout), result.stdout);
  assert.ok(result.stdout.includes(` status --run sweep --queue-dir ${queueOverride} --results-dir ${resultsOverride} --watch\``), `the status hint keeps the overrides:\n${result.stdout}`);
  const resultsDir = path.join(root, 'results', 'sweep');
  const queueDir = path.join(root, 'queue', 'sweep');
  const plan = await readJson(path.join(resultsDir, 'plan.json'));
  assert.equal(plan.questions.length, 4);
  for (const q of plan.questions) {
    const summary = await readJson(path.join(resultsDir, `q${q.idx}`, 'summary.json'));
    assert.equal(summary.question_idx, q.idx);
    assert.equal(summary.question_title, q.title);
    assert.equal(summary.n, 6);
    assert.deepEqual(summary.temperatures, [0.2, 1.0]);
    assert.equal(summary.results.length, 2);
    for (const row of summary.results) {
      assert.equal(row.n, 6);
      assert.equal(row.passed, row.sim_intended_correct, `q${q.idx} t${row.temperature}: graded passes equal the passes the sim model meant`);
      assert.equal(row.pass_rate, Math.round((10000 * row.passed) / 6) / 100);
      assert.equal(typeof row.gen_tps, 'number');
      assert.equal(Object.values(row.verdicts as Record<string, number>).reduce((a, b) => a + b, 0), 6);
      const combinedName = combinedFileName(row.temperature);
      const combined = await readJson(path.join(resultsDir, `q${q.idx}`, combinedName));
      assert.deepEqual(combined.samples.map((s: { index: number }) => s.index), [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(combined.samples.map((s: { seed: number }) => s.seed), [0, 1, 2, 3, 4, 5]);
      assert.equal(combined.passed, row.passed);
      assert.equal(combined.simulated, true, 'combined files are labelled like summary.json');
      assert.equal(combined.simulation_note, 'SIMULATED backend: completions come from a synthetic model; the numbers test the pipeline, not a model.');
      for (const s of combined.samples) assert.equal(s.verdict.passed, s.sim_intended === 'passed', `sample ${s.index}: ${s.sim_intended} graded ${s.verdict.status}`);
    }
  }
  assert.deepEqual(await combinedSampleProblems(resultsDir), []);
  // Every file a run leaves matches its schema in packages/core/src/schemas/ (docs/schemas.md).
  assertValid(planSchema, plan, { file: 'plan.json' });
  assertValid(runSummarySchema, await readJson(path.join(resultsDir, 'run_summary.json')), { file: 'run_summary.json' });
  for (const q of plan.questions) {
    assertValid(questionSummarySchema, await readJson(path.join(resultsDir, `q${q.idx}`, 'summary.json')), { file: `q${q.idx}/summary.json` });
    assertValid(problemSchema, await readJson(path.join(resultsDir, 'problems', `q${q.idx}.json`)), { file: `problems/q${q.idx}.json` });
    const state = await readJson(path.join(queueDir, 'combined', `q${q.idx}.json`));
    for (const row of Object.values(state)) assertValid(temperatureResultFileSchema, row, { file: `combined/q${q.idx}.json` });
  }
  const runSummary = await readJson(path.join(resultsDir, 'run_summary.json'));
  assert.equal(runSummary.finished, true);
  assert.equal(runSummary.grading, 'lcb', 'the default grading mode, recorded');
  assert.equal(runSummary.strict_extraction, true, "lcb grading goes with LiveCodeBench's extraction rule");
  assert.equal(runSummary.questions_done, 4);
  assert.equal(runSummary.samples_done, 4 * 2 * 6);
  assert.deepEqual(await leftovers(queueDir), []);
  for (const log of ['orchestrator.log', 'gpu0.log', 'eval0.log', 'combiner.log']) assert.ok((await readdir(resultsDir)).includes(log), `${log} written`);
  assert.deepEqual(procs.leftovers(), [], 'no process of the run left behind (fork servers included)');

  const again = await runPassk(args);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already written/);

  const mismatch = await runPassk(['run', ...runDirs(root, 'sweep'), ...SMALL.map((a) => (a === '6' ? '7' : a))]);
  assert.equal(mismatch.code, 2);
  assert.match(mismatch.stderr, /ERR_PLAN_MISMATCH: .*plan\.json: run `sweep` exists with a different plan \(n: was 6, now 7\)/);
  // --grading lcb (the default) implies LiveCodeBench's extraction rule; the fallbacks are opt-in.
  const strict = await runPassk([...args, '--no-strict-extraction']);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, /different plan \(strict_extraction: was true, now false\)/);
  const judge = await runPassk([...args, '--grading', 'judge', '--strict-extraction']);
  assert.equal(judge.code, 2);
  assert.match(judge.stderr, /different plan \(grading: was "lcb", now "judge"\)/);
});

test('bad options get exact messages', async () => {
  const root = await tempDir();
  const bad = await runPassk(['run', ...runDirs(root, 'bad'), '--temperatures', '0.2,x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Expected `--temperatures` to be a comma-separated list of numbers ≥ 0, got `0.2,x`/);
  const badRun = await runPassk(['status', '--run', '../x']);
  assert.equal(badRun.code, 2);
  assert.match(badRun.stderr, /Expected `--run` to be a name/);
});

test("combined files of passk's tiny random model say that its output is noise; a real model's carry no label; a dead writer's temp is removed", async () => {
  const root = await tempDir();
  const shardFile = path.join(root, 'q0_t0_5_s0.json');
  const sample = { index: 0, seed: 0, output: 'x', code: 'print(1)', extraction: 'raw', finish_reason: 'stop', prompt_tokens: 3, completion_tokens: 2, verdict: { passed: true, status: 'passed', failed_test: null, tests_run: 1, cpu_ms: 1, wall_ms: 2, message: '' } };
  const gen = { generator: 'gpu0', backend: 'llama', model: 'm', simulated: true, started_at: 'a', finished_at: 'b', wall_s: 1, prompt_tokens: 3, completion_tokens: 2, gen_tps: 2, finish_reasons: { stop: 1 } };
  await writeFile(shardFile, JSON.stringify({ version: 1, item: 'q0_t0_5_s0', question_idx: 0, temperature: 0.5, shard: 0, first_sample: 0, count: 1, seed_base: 0, attempts: 0, gen, eval: { evaluator: 'eval0', started_at: 'a', finished_at: 'b', wall_s: 1, cached: 0 }, samples: [sample] }));
  const question = { idx: 0, id: 'demo_s01', title: 'T' };
  const tinyModel = path.join(root, 'models', 'passk-tiny-random-s0-c512.gguf');
  const plan = { version: 1, run: 'r', created_at: 'a', problems: 'demo', questions: [question], n: 1, shard_size: 1, temperatures: [0.5], seed: 0, top_p: 0.95, max_tokens: 8, stop: [], backend: 'llama', model: tinyModel, simulated: true } as Plan;
  const tiny = path.join(root, 'tiny', 't0_5_combined.json');
  await writeCombined({ plan, question, temperature: 0.5, shardFiles: [shardFile], target: tiny, fsync: false });
  const combined = await readJson(tiny);
  assert.equal(combined.simulated, true);
  assert.equal(combined.simulation_note, `TINY RANDOM MODEL (${tinyModel}): its output is noise; this run demonstrates the pipeline, not a model.`);
  assert.equal(combined.samples.length, 1);
  const real = path.join(root, 'real', 't0_5_combined.json');
  await writeCombined({ plan: { ...plan, model: '/models/qwen.gguf', simulated: false }, question, temperature: 0.5, shardFiles: [shardFile], target: real, fsync: false });
  const realCombined = await readJson(real);
  assert.equal(realCombined.simulated, false);
  assert.equal('simulation_note' in realCombined, false);
  assert.equal('warnings' in realCombined, false, 'no warnings field without backend warnings');

  // Backend warnings recorded in the shards (e.g. the seed rule not honoured) reach the combined row, each once.
  const warned = path.join(root, 'warned.json');
  const shard = JSON.parse(await readFile(shardFile, 'utf8'));
  await writeFile(warned, JSON.stringify({ ...shard, gen: { ...shard.gen, warnings: ['seed rule not honoured', 'seed rule not honoured'] } }));
  const row = await writeCombined({ plan, question, temperature: 0.5, shardFiles: [warned], target: path.join(root, 'w', 't0_5_combined.json'), fsync: false });
  assert.deepEqual(row.warnings, ['seed rule not honoured']);
  assert.deepEqual((await readJson(path.join(root, 'w', 't0_5_combined.json'))).warnings, ['seed rule not honoured']);
  assert.deepEqual((await rowFromCombined(path.join(root, 'w', 't0_5_combined.json'))).warnings, ['seed rule not honoured'], 'a restarted combiner keeps them');

  // A combiner SIGKILLed mid-write left its hidden temp: the next write of that file removes it; a live writer's stays.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const deadTemp = path.join(root, 'real', `.t0_5_combined.json.${localHost()}-${dead}-aaaaaa-1.tmp`);
  const liveTemp = path.join(root, 'real', `.t0_5_combined.json.${localHost()}-${process.ppid}-bbbbbb-2.tmp`);
  await writeFile(deadTemp, '{"samples":[');
  await writeFile(liveTemp, '{"samples":[');
  await writeCombined({ plan: { ...plan, model: '/models/qwen.gguf', simulated: false }, question, temperature: 0.5, shardFiles: [shardFile], target: real, fsync: false });
  assert.deepEqual((await readdir(path.join(root, 'real'))).sort(), [path.basename(liveTemp), 't0_5_combined.json']);
});
