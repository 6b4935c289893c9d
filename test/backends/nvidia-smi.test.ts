/**
 * Everything that reads `nvidia-smi`, against a stand-in on PATH (test/backends/fake-nvidia-smi.mjs):
 * the GPU-release wait after generators stop (engine pids, the driver's release lag, timeout,
 * unrelated processes, no nvidia-smi), the `gpu_trace.csv` sampling of the vllm backend, and
 * `--backend auto` choosing vllm when a GPU and `vllm` are present.
 */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { engineProcesses, waitForGpuRelease } from '../../packages/cli/src/orchestrator/gpu-release.js';
import { VllmBackend, vllmAvailable } from '../../packages/generator/src/backends/vllm.js';
import { resolveAutoBackend } from '../../packages/generator/src/backends/registry.js';
import { captureLogger, tempDir } from './helpers.js';
import { fakeBin, isolatedPath, until } from './fakes.js';
import { freePort } from '../helpers/ports.js';

let dir: string;
let cleanup: () => Promise<void>;
let state: string;
let vllmBin: string;
let smiBin: string;
const saved = { PATH: process.env.PATH, PASSK_CACHE_DIR: process.env.PASSK_CACHE_DIR };

before(async () => {
  ({ dir, cleanup } = await tempDir('nvsmi'));
  vllmBin = await fakeBin(dir, { vllm: true });
  smiBin = await fakeBin(dir, { nvidiaSmi: true });
  process.env.PASSK_CACHE_DIR = join(dir, 'cache');
});

beforeEach(async () => {
  state = join(dir, `state-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await mkdir(state);
  process.env.FAKE_NVSMI_STATE = state;
  process.env.FAKE_VLLM_STATE = state;
  delete process.env.FAKE_NVSMI_GPUS;
  process.env.PATH = isolatedPath(smiBin);
});

after(async () => {
  process.env.PATH = saved.PATH;
  if (saved.PASSK_CACHE_DIR === undefined) delete process.env.PASSK_CACHE_DIR;
  else process.env.PASSK_CACHE_DIR = saved.PASSK_CACHE_DIR;
  for (const k of ['FAKE_NVSMI_STATE', 'FAKE_VLLM_STATE', 'FAKE_NVSMI_GPUS']) delete process.env[k];
  await cleanup?.();
});

/** A stand-in generator with one child (its "engine"); resolves with both pids. */
async function generatorWithEngine(): Promise<{ generator: number; engine: number }> {
  const g = spawn(process.execPath, ['-e', "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);"], { stdio: ['ignore', 'pipe', 'ignore'] });
  const engine = await new Promise<number>((r) => g.stdout!.once('data', (d) => r(Number(String(d).trim()))));
  return { generator: g.pid!, engine };
}

const apps = (list: Array<{ pid: number; used_memory: number }>) => writeFile(join(state, 'apps.json'), JSON.stringify(list));

test('GPU release: waits until the stopped engine processes are no longer listed by nvidia-smi (not the generator pids), ignoring other processes', { timeout: 30_000 }, async () => {
  const { generator, engine } = await generatorWithEngine();
  const pids = engineProcesses([generator]);
  assert.deepEqual(pids, [generator, engine].sort((a, b) => a - b), 'the generator and its engine are noted');
  // The engine holds 2000 MiB; another user's process (this test) holds 300 MiB and must not block.
  await apps([{ pid: engine, used_memory: 2000 }, { pid: process.pid, used_memory: 300 }]);
  process.kill(engine, 'SIGKILL');
  process.kill(generator, 'SIGKILL');
  // The driver still lists the dead engine for 1.2 s.
  setTimeout(() => void apps([{ pid: process.pid, used_memory: 300 }]), 1200);
  const { logger, lines } = captureLogger();
  const t0 = Date.now();
  assert.equal(await waitForGpuRelease(pids, logger, { intervalMs: 100, timeoutMs: 10_000 }), true);
  const took = Date.now() - t0;
  assert.ok(took >= 1100, `waited for the release (${took} ms)`); // upper bound: the test's own timeout (a hang fails it)
  const waiting = lines.find((l) => l.msg === 'waiting for the stopped engines to release GPU memory');
  assert.deepEqual((waiting!.obj as { held: unknown }).held, [{ pid: engine, used_mib: 2000 }]);
  const done = lines.find((l) => l.msg === 'GPU memory of the stopped engines is released');
  assert.deepEqual((done!.obj as { memory_used_mib: unknown }).memory_used_mib, { gpu0: 305 });
  const calls = await readFile(join(state, 'calls.log'), 'utf8');
  assert.match(calls, /--query-compute-apps=pid,used_memory --format=csv,noheader,nounits/);
});

test('GPU release: bounded by the timeout, with an error line naming the pids; no nvidia-smi: nothing to wait for', { timeout: 30_000 }, async () => {
  await apps([{ pid: 4_000_001, used_memory: 1500 }]);
  const { logger, lines } = captureLogger();
  const t0 = Date.now();
  assert.equal(await waitForGpuRelease([4_000_001], logger, { intervalMs: 100, timeoutMs: 600 }), false);
  assert.ok(Date.now() - t0 >= 600);
  const err = lines.find((l) => l.level === 'error');
  assert.equal(err!.msg, 'GPU memory still held by stopped engine processes after 1 s; going on');
  assert.deepEqual((err!.obj as { held: unknown }).held, [{ pid: 4_000_001, used_mib: 1500 }]);

  process.env.PATH = isolatedPath();
  const quiet = captureLogger();
  assert.equal(await waitForGpuRelease([4_000_001], quiet.logger, { intervalMs: 100, timeoutMs: 600 }), true);
  assert.deepEqual(quiet.lines.map((l) => l.msg), ['no nvidia-smi here: GPU memory release not checked']);
});

test('vllm: gpu_trace.csv samples its own GPU through nvidia-smi', { timeout: 30_000 }, async () => {
  process.env.PATH = isolatedPath(vllmBin, smiBin);
  process.env.FAKE_NVSMI_GPUS = '2';
  const logDir = join(dir, 'trace');
  const b = new VllmBackend({ model: 'm', gpu: 1, port: await freePort(), logDir, staggerMs: 0, healthIntervalMs: 50, metricsIntervalMs: 0, gpuTraceIntervalMs: 100 });
  try {
    await b.init();
    await until(async () => (await readFile(join(logDir, 'gpu_trace.csv'), 'utf8').catch(() => '')).split('\n').length >= 5, 10_000, 'trace lines');
  } finally {
    await b.close();
  }
  const [header, ...rows] = (await readFile(join(logDir, 'gpu_trace.csv'), 'utf8')).trim().split('\n');
  assert.equal(header, 'timestamp,gpu,utilization_gpu_pct,memory_used_mib,memory_total_mib,power_draw_w,temperature_c');
  assert.ok(rows.length >= 3);
  for (const row of rows) assert.match(row!, /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{3},1,41,5,81559,123\.45,51$/, 'GPU 1 only, whole lines');
  const calls = await readFile(join(state, 'calls.log'), 'utf8');
  assert.match(calls, /--query-gpu=timestamp,index,utilization\.gpu,memory\.used,memory\.total,power\.draw,temperature\.gpu --format=csv,noheader,nounits -i 1 -lms 100/);
});

test('--backend auto: vllm when nvidia-smi lists a GPU and vllm is on PATH (and the model is not a .gguf); llama otherwise', { timeout: 60_000 }, async () => {
  process.env.PATH = isolatedPath(vllmBin, smiBin);
  process.env.FAKE_NVSMI_GPUS = '2';
  assert.deepEqual(vllmAvailable(), { available: true, gpus: 2, reason: '2 GPU(s)' });
  assert.deepEqual(await resolveAutoBackend('Qwen/Qwen3-0.6B'), { backend: 'vllm', model: 'Qwen/Qwen3-0.6B', reason: '2 GPU(s) and vllm found' });
  assert.equal((await resolveAutoBackend('/models/x.gguf')).backend, 'llama', 'a GGUF file goes to the embedded engine');
  const tiny = await resolveAutoBackend('');
  assert.equal(tiny.backend, 'llama', 'no --model: the tiny model on the embedded engine');
  process.env.FAKE_NVSMI_GPUS = '0';
  assert.deepEqual(vllmAvailable(), { available: false, gpus: 0, reason: 'no GPU listed by nvidia-smi' });
  assert.equal((await resolveAutoBackend('Qwen/Qwen3-0.6B')).backend, 'llama');
  process.env.FAKE_NVSMI_GPUS = '1';
  process.env.PATH = isolatedPath(smiBin);
  assert.deepEqual(vllmAvailable(), { available: false, gpus: 0, reason: 'vllm not on PATH' });
});
