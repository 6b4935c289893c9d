/**
 * A generator holds several shards in flight (`--inflight`, default the openai/vllm client's
 * concurrency), against the loopback OpenAI test server, through the real `passk run`: the server
 * sees that many generation requests at once; every shard carries its share of the generator's
 * time (wall_s) beside its own duration (elapsed_s), and the server's seed-rule warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { startPassk, runDirs, waitFor, readJson, leftovers } from '../helpers/passk.js';
import { FakeOpenAIServer } from './fake-openai-server.js';
import { BusyClock, defaultInflight } from '../../packages/generator/src/daemon/generator.js';
import { createSimBackend } from '../../packages/generator/src/backends/sim.js';
import { processesMatching } from '../helpers/procs.js';

// 2 questions × 2 temperatures × (8 samples / shards of 2) = 16 shards of one request each.
const ARGS = ['--backend', 'openai', '--model', 'm', '--problems', 'demo', '--end', '2', '--n', '8', '--shard-size', '2', '--temperatures', '0.5,1.0', '--gpus', '1', '--evaluators', '0', '--no-combiner'];

async function generateAll(inflight: string[], seeding: 'vllm' | 'no-fanout') {
  const server = new FakeOpenAIServer({ delayMs: 400, seeding });
  const url = await server.start();
  const root = await tempDir();
  const dirs = runDirs(root, 'inflight');
  const queueDir = path.join(root, 'queue', 'inflight');
  const run = startPassk(['run', ...dirs, ...ARGS, '--openai-url', url, ...inflight]);
  try {
    await waitFor(async () => (await readdir(path.join(queueDir, 'pending_eval')).catch(() => [])).length === 16, 60_000, 'all 16 shards generated');
  } finally {
    run.child.kill('SIGINT');
    await run.exit;
    await server.stop();
  }
  await waitFor(() => processesMatching(queueDir).length === 0, 15_000, 'every worker to exit');
  const shards = await Promise.all((await readdir(path.join(queueDir, 'pending_eval'))).map(async (f) => JSON.parse(await readFile(path.join(queueDir, 'pending_eval', f), 'utf8'))));
  const gpuLog = await readFile(path.join(root, 'results', 'inflight', 'gpu0.log'), 'utf8');
  const generation = server.requests.filter((r) => r.body.max_tokens === 2000);
  return { server, shards, gpuLog, generation, url };
}

test('--inflight 4: four shards in flight at once; wall_s is each shard\'s share of the generator\'s time; the seed-rule warning is in every shard', { timeout: 120_000 }, async () => {
  const { server, shards, gpuLog, generation, url } = await generateAll(['--inflight', '4'], 'no-fanout');
  assert.equal(generation.length, 16, 'one generation request per shard');
  assert.equal(server.maxInFlight, 4, 'exactly --inflight shards in flight');
  assert.match(gpuLog, /"inflight":4/);
  assert.match(gpuLog, /generation: up to 4 items in flight/);
  const warning = `openai server at ${url} does not seed child i of an n request with seed + i (as vLLM does): a shard's samples depend on how it was split into requests; set "seedFanout": "client" in the engine config's "openai" section (one request per sample, seed = seed_base + i)`;
  for (const s of shards) {
    assert.deepEqual(s.gen.warnings, [warning], `${s.item} records the warning`);
    assert.ok(s.gen.elapsed_s >= s.gen.wall_s, 'elapsed ≥ share');
  }
  assert.match(gpuLog, /SEED RULE WARNING/);
  const wall = shards.reduce((a, s) => a + s.gen.wall_s, 0);
  const elapsed = shards.reduce((a, s) => a + s.gen.elapsed_s, 0);
  const span = (Math.max(...shards.map((s) => Date.parse(s.gen.finished_at))) - Math.min(...shards.map((s) => Date.parse(s.gen.started_at)))) / 1000;
  assert.ok(wall <= span + 0.05, `Σ wall_s (${wall}) is at most the generator's busy span (${span})`);
  assert.ok(elapsed > 2.5 * wall, `shards overlapped: Σ elapsed_s ${elapsed} vs Σ wall_s ${wall}`);
});

test('openai default: as many shards in flight as the client has request slots (16); an honest server gives no warning', { timeout: 120_000 }, async () => {
  const { server, shards, gpuLog } = await generateAll([], 'vllm');
  assert.equal(server.maxInFlight, 16);
  assert.match(gpuLog, /"inflight":16/);
  for (const s of shards) assert.equal(s.gen.warnings, undefined);
});

test('a generator SIGKILLed while it holds four claims: all four are reclaimed, the run finishes, every sample counted once', { timeout: 180_000 }, async () => {
  // Generation requests (max_tokens 2000; the seed check's probes ask for 16) are held unanswered
  // until the generator is killed, so its four claims are surely held at once, for as long as it takes.
  const server = new FakeOpenAIServer({ hold: (body) => body.max_tokens === 2000 });
  const url = await server.start();
  const root = await tempDir();
  const dirs = runDirs(root, 'kill4');
  const queueDir = path.join(root, 'queue', 'kill4');
  const resultsDir = path.join(root, 'results', 'kill4');
  const args = ARGS.filter((a, i) => !['--evaluators', '--no-combiner'].includes(a) && ARGS[i - 1] !== '--evaluators');
  const run = startPassk(['run', ...dirs, ...args, '--evaluators', '1', '--openai-url', url, '--inflight', '4', '--restart-backoff-ms', '200']);
  try {
    // The worker record (written every heartbeat) lists the four items, and four claims are held.
    const { claims, gpu0 } = await waitFor(async () => {
      const held = (await readdir(path.join(queueDir, 'claimed')).catch(() => [] as string[])).filter((f) => f.includes('.gen.'));
      const record = await readJson(path.join(queueDir, 'workers', 'gpu0.json')).catch(() => undefined);
      return held.length === 4 && String(record?.current_item).split(',').length === 4 ? { claims: held, gpu0: record } : undefined;
    }, 60_000, 'four generation claims held at once');
    for (const c of claims) assert.match(c, new RegExp(`-${gpu0.pid}-`), 'all held by gpu0');
    process.kill(gpu0.pid, 'SIGKILL');
    server.release(); // the restarted generator's requests are answered at once
    const { code } = await run.exit;
    assert.equal(code, 0, run.stdout() + run.stderr());
  } finally {
    run.child.kill('SIGKILL');
    await server.stop();
  }
  const summary = await readJson(path.join(resultsDir, 'run_summary.json'));
  assert.equal(summary.samples_done, 2 * 2 * 8, 'every sample counted exactly once');
  assert.match(await readFile(path.join(resultsDir, 'orchestrator.log'), 'utf8'), /"worker":"gpu0".*worker crashed; restarting/);
  assert.deepEqual(await leftovers(queueDir), []);
});

test('inflight defaults: 1 for sim (and llama); the busy clock splits overlapping time', async () => {
  const sim = createSimBackend({});
  await sim.init();
  assert.equal(defaultInflight(sim), 1);
  await sim.close();
  let nowMs = 0; // the clock's own time source: the shares are exact, whatever the machine's load
  const clock = new BusyClock(() => nowMs);
  const a = clock.begin();
  nowMs += 200;
  const b = clock.begin();
  nowMs += 200;
  const shareA = clock.end(a);
  const shareB = clock.end(b);
  assert.equal(shareA, 0.3, 'A: 0.2 s alone + 0.2 s shared = 0.3 s');
  assert.equal(shareB, 0.1, 'B: 0.2 s shared = 0.1 s');
});
