/**
 * `vllm` process management with a stand-in `vllm` executable on PATH (test/backends/fake-vllm.mjs):
 * start with CUDA_VISIBLE_DEVICES and the preset's flags, health wait + canary, crash and restart,
 * stop with no orphan (SIGTERM, then SIGKILL), startup failures, and `--vllm-url`.
 */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { VllmBackend, vllmAvailable } from '../../packages/generator/src/backends/vllm.js';
import { resolveEnginePreset, vllmPresetArgs } from '../../packages/generator/src/backends/presets.js';
import { FakeOpenAIServer } from './fake-openai-server.js';
import { captureLogger, request, tempDir } from './helpers.js';
// Zombie-aware: an exited process waiting to be reaped by init holds nothing.
import { isAlive } from '../helpers/procs.js';

let dir: string;
let cleanup: () => Promise<void>;
let state: string;
const savedPath = process.env.PATH;
const FAKE_ENV = ['FAKE_VLLM_STATE', 'FAKE_VLLM_STARTUP_MS', 'FAKE_VLLM_CRASH_AFTER', 'FAKE_VLLM_IGNORE_TERM', 'FAKE_VLLM_EXIT_AT_START'];


async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function starts(): Promise<Array<{ argv: string[]; cuda: string; pid: number; corePid: number }>> {
  const files = (await readdir(state)).filter((f) => f.startsWith('start-')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(state, f), 'utf8'))));
}

async function requests(): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(state, 'requests.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function fakeText(seed: number, maxTokens: number): string {
  const k = Math.min(maxTokens, 1 + (seed % 5));
  return Array.from({ length: k }, (_, j) => ` t${seed}_${j}`).join('');
}

before(async () => {
  ({ dir, cleanup } = await tempDir('vllm'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  const fake = fileURLToPath(new URL('./fake-vllm.mjs', import.meta.url));
  await copyFile(fake, join(bin, 'vllm'));
  await chmod(join(bin, 'vllm'), 0o755);
  // Only the stand-in vllm and node's own directory: no nvidia-smi, so no GPU trace.
  process.env.PATH = `${bin}:${join(process.execPath, '..')}:/usr/bin:/bin`;
});

beforeEach(async () => {
  for (const k of FAKE_ENV) delete process.env[k];
  state = join(dir, `state-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await mkdir(state);
  process.env.FAKE_VLLM_STATE = state;
});

after(async () => {
  process.env.PATH = savedPath;
  for (const k of FAKE_ENV) delete process.env[k];
  await cleanup?.();
});

test('vllm: starts the engine on its GPU with the preset, waits for health and a canary, generates, stops with no orphan', async () => {
  process.env.FAKE_VLLM_STARTUP_MS = '600';
  const port = await freePort();
  const logDir = join(dir, 'logs1');
  const { logger, lines } = captureLogger();
  const b = new VllmBackend({ model: 'Qwen/Qwen3-0.6B', gpu: 1, port, logDir, staggerMs: 100, healthIntervalMs: 100, logger, metricsIntervalMs: 0 });
  const t0 = Date.now();
  await b.init();
  assert.ok(Date.now() - t0 >= 600, 'waited for /health');
  const [s] = await starts();
  assert.equal(s!.cuda, '1');
  assert.deepEqual(s!.argv.slice(0, 6), ['serve', 'Qwen/Qwen3-0.6B', '--host', '127.0.0.1', '--port', String(port)]);
  for (const flag of ['--gpu-memory-utilization', '0.9', '--max-num-seqs', '256', '--enable-prefix-caching', '--seed']) assert.ok(s!.argv.includes(flag), flag);
  assert.ok(lines.some((l) => l.msg === 'vllm: staggered start'));

  const samples = await b.generate(request({ count: 5, seedBase: 10, maxTokens: 4 }));
  assert.deepEqual(samples.map((x) => x.output), [10, 11, 12, 13, 14].map((sd) => fakeText(sd, 4)));
  assert.deepEqual(samples.map((x) => x.completion_tokens), [10, 11, 12, 13, 14].map((sd) => Math.min(4, 1 + (sd % 5))), 'exact counts from token ids');
  const reqs = await requests();
  assert.ok(reqs.some((r) => r.max_tokens === 1 && r.prompt === 'def f():'), 'canary sent');
  const gen = reqs.find((r) => r.n === 5)!;
  for (const [k, v] of Object.entries({ model: 'Qwen/Qwen3-0.6B', seed: 10, temperature: 0.8, top_p: 0.95, max_tokens: 4, top_k: -1, min_p: 0, repetition_penalty: 1, stream: true, return_token_ids: true })) {
    assert.deepEqual(gen[k], v, k);
  }
  await b.close();
  assert.ok(!isAlive(s!.pid), 'engine gone');
  assert.ok(!isAlive(s!.corePid), 'engine core gone (no orphan)');
  const log = await readFile(join(logDir, 'gpu1.vllm.log'), 'utf8');
  assert.match(log, /INFO fake vllm serve Qwen\/Qwen3-0.6B/);
  assert.match(log, /engine exited/);
  await b.close(); // idempotent
});

test('vllm: an engine that dies mid-run is restarted and the lost requests are resent', async () => {
  process.env.FAKE_VLLM_CRASH_AFTER = '1';
  const port = await freePort();
  const b = new VllmBackend({ model: 'm', port, logDir: join(dir, 'logs2'), healthIntervalMs: 50, metricsIntervalMs: 0 });
  try {
    await b.init();
    const samples = await b.generate(request({ count: 4, seedBase: 0, maxTokens: 8 }));
    assert.deepEqual(samples.map((x) => x.output), [0, 1, 2, 3].map((sd) => fakeText(sd, 8)));
    const all = await starts();
    assert.equal(all.length, 2, 'one restart');
    assert.ok(!isAlive(all[0]!.pid) && !isAlive(all[0]!.corePid), 'the dead engine left no process behind');
  } finally {
    await b.close();
  }
  for (const s of await starts()) assert.ok(!isAlive(s.pid) && !isAlive(s.corePid));
});

test('vllm: an engine that ignores SIGTERM is killed; close() returns only when the group is gone', async () => {
  process.env.FAKE_VLLM_IGNORE_TERM = '1';
  const port = await freePort();
  const b = new VllmBackend({ model: 'm', port, logDir: join(dir, 'logs3'), healthIntervalMs: 50, stopTimeoutMs: 400, metricsIntervalMs: 0 });
  await b.init();
  const [s] = await starts();
  const t0 = Date.now();
  await b.close();
  assert.ok(Date.now() - t0 >= 350, 'waited for SIGTERM first');
  assert.ok(!isAlive(s!.pid) && !isAlive(s!.corePid));
});

test('vllm: startup failures: exit during startup (log tail in the error), and a startup timeout (engine killed)', async () => {
  process.env.FAKE_VLLM_EXIT_AT_START = '1';
  const a = new VllmBackend({ model: 'm', port: await freePort(), logDir: join(dir, 'logs4'), healthIntervalMs: 50 });
  await assert.rejects(a.init(), (e: { code?: string; message: string }) => e.code === 'ERR_BACKEND' && /CUDA out of memory/.test(e.message));
  await a.close();
  delete process.env.FAKE_VLLM_EXIT_AT_START;
  process.env.FAKE_VLLM_STARTUP_MS = '100000';
  const b = new VllmBackend({ model: 'm', port: await freePort(), logDir: join(dir, 'logs5'), healthIntervalMs: 50, startupTimeoutMs: 500, stopTimeoutMs: 2000 });
  await assert.rejects(b.init(), (e: { code?: string }) => e.code === 'ERR_BACKEND_UNAVAILABLE');
  await b.close();
  const all = await starts();
  for (const s of all) assert.ok(!isAlive(s.pid) && !isAlive(s.corePid));
});

test('vllm: --vllm-url uses a running engine (health + canary), starts and stops nothing', async () => {
  const server = new FakeOpenAIServer({ model: 'served' });
  const url = await server.start();
  const b = new VllmBackend({ vllmUrl: `${url}/v1`, metricsIntervalMs: 0, healthIntervalMs: 50 });
  try {
    await b.init();
    const samples = await b.generate(request({ count: 3, seedBase: 4 }));
    assert.equal(samples.length, 3);
    assert.equal(server.requests.at(-1)!.body.model, 'served');
    assert.equal((await starts()).length, 0);
  } finally {
    await b.close();
    await server.stop();
  }
});

test('vllm: presets (built in, from a file, extends) and availability detection', async () => {
  const balanced = await resolveEnginePreset();
  assert.equal(balanced.name, 'balanced');
  assert.deepEqual(vllmPresetArgs(balanced), ['--gpu-memory-utilization', '0.9', '--max-num-seqs', '256', '--enable-prefix-caching']);
  const mem = await resolveEnginePreset('memory_optimized');
  assert.ok(vllmPresetArgs(mem).includes('--no-enable-prefix-caching'));
  const file = join(dir, 'engines.json');
  await writeFile(file, JSON.stringify({ default: 'long', presets: { long: { extends: 'performance', maxModelLen: 16384, extraArgs: ['--enforce-eager'] }, balanced: { maxNumSeqs: 128 } } }));
  const long = await resolveEnginePreset(undefined, file);
  assert.equal(long.name, 'long');
  assert.deepEqual(vllmPresetArgs(long), ['--gpu-memory-utilization', '0.95', '--max-num-seqs', '512', '--max-model-len', '16384', '--enable-prefix-caching', '--enforce-eager']);
  assert.equal((await resolveEnginePreset('balanced', file)).maxNumSeqs, 128);
  assert.equal((await resolveEnginePreset('balanced', file)).gpuMemoryUtilization, 0.9);
  await assert.rejects(resolveEnginePreset('nope'), (e: { code?: string }) => e.code === 'ERR_BAD_OPTION');
  await writeFile(file, JSON.stringify({ presets: { x: { gpuMemoryUtilization: 3 } } }));
  await assert.rejects(resolveEnginePreset('x', file), (e: { code?: string }) => e.code === 'ERR_BAD_OPTION');
  // The stand-in vllm is on PATH but there is no nvidia-smi: auto must not pick vllm.
  const avail = vllmAvailable();
  assert.equal(avail.available, false);
  assert.match(avail.reason, /nvidia-smi/);
  await rm(file);
});
