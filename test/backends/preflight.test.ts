/**
 * Bad backend settings fail in `passk run` before any worker starts (exit 2, the exact message, no
 * generator log), and a run whose every generator has used up its restarts ends with exit 1 and
 * each generator's last error instead of waiting forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, writeFile, access } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';
import { runPassk, runDirs } from '../helpers/passk.js';
import { fakeBin, isolatedPath } from './fakes.js';
import { processesMatching } from '../helpers/procs.js';

// At the top level: tempDir() removes the directory after the whole file.
const root = await tempDir();
const vllmPath = isolatedPath(await fakeBin(root, { vllm: true }));
const withSmi = isolatedPath(await fakeBin(root, { vllm: true }), await fakeBin(root, { nvidiaSmi: true }));

const exists = (f: string) => access(f).then(() => true, () => false);
let k = 0;

async function refused(args: string[], env: NodeJS.ProcessEnv, stderr: string | RegExp): Promise<void> {
  const run = `pre${k++}`;
  const r = await runPassk(['run', ...runDirs(root, run), '--problems', 'demo', '--end', '1', '--n', '2', '--temperatures', '0.5', '--evaluators', '1', ...args], { env, timeoutMs: 60_000 });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  // The CLI's own line is the last one (the orchestrator's log also echoes errors to stderr).
  const last = r.stderr.trim().split('\n').at(-1)!;
  if (typeof stderr === 'string') assert.equal(last, stderr);
  else assert.match(last, stderr);
  assert.equal(await exists(path.join(root, 'results', run, 'gpu0.log')), false, 'no generator was started');
  assert.equal(await exists(path.join(root, 'results', run, 'eval0.log')), false, 'no evaluator was started');
}

test('passk run refuses bad backend settings before starting any worker', { timeout: 300_000 }, async () => {
  const env = { PATH: vllmPath };
  await refused(['--backend', 'vllm'], env, 'passk: ERR_BAD_OPTION: Expected `--model` with `--backend vllm` (the model `vllm serve` loads: a Hugging Face id or a local path), or `--vllm-url` for an engine you started');
  await refused(['--backend', 'vllm', '--model', 'm'], { PATH: isolatedPath() }, 'passk: ERR_BACKEND_UNAVAILABLE: vllm backend: vllm is not on PATH (pip install vllm), or pass --vllm-url');
  await refused(['--backend', 'vllm', '--vllm-url', 'localhost:8000'], env, 'passk: ERR_BAD_OPTION: Expected `--vllm-url` to be an http:// or https:// URL, got `localhost:8000`');
  await refused(['--backend', 'vllm', '--model', 'm', '--gpus', '3'], { PATH: withSmi, FAKE_NVSMI_GPUS: '2' }, 'passk: ERR_BAD_OPTION: Expected `--gpus` to be at most 2 with `--backend vllm` (nvidia-smi lists 2 GPU(s)), got `3`');
  await refused(['--backend', 'openai'], env, "passk: ERR_BAD_OPTION: Expected `--openai-url` with `--backend openai` (the server's base URL, e.g. http://127.0.0.1:8000/v1)");
  await refused(['--backend', 'llama', '--model', '/nonexistent/model.gguf'], env, 'passk: ERR_BAD_OPTION: Expected `--model` to be a GGUF file with `--backend llama`, got `/nonexistent/model.gguf` (no such file)');
  await refused(['--backend', 'sim', '--inflight', '0'], env, 'passk: ERR_BAD_OPTION: Expected `--inflight` to be an integer from 1 and up, got `0`');
  await refused(['--backend', 'openai', '--openai-url', 'http://127.0.0.1:9', '--preset', 'fast'], env, 'passk: ERR_BAD_OPTION: unknown engine preset "fast" (known: balanced, performance, memory_optimized)');
  const dir = path.join(root, 'configs');
  await mkdir(dir, { recursive: true });
  const broken = path.join(dir, 'broken.json');
  await writeFile(broken, '{"presets": {');
  await refused(['--backend', 'vllm', '--model', 'm', '--engine-config', broken], env, new RegExp(`^passk: ERR_JSON_MALFORMED: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: engine config is not valid JSON: `));
  const wrong = path.join(dir, 'wrong.json');
  await writeFile(wrong, JSON.stringify({ presets: { balanced: { gpuMemoryUtilization: 2 } } }));
  await refused(['--backend', 'vllm', '--model', 'm', '--engine-config', wrong], env, `passk: ERR_BAD_OPTION: ${wrong}: preset balanced: gpuMemoryUtilization must be a number in [0.01, 1]`);
  await refused(['--backend', 'vllm', '--model', 'm', '--engine-config', path.join(dir, 'missing.json')], env, new RegExp(`^passk: ERR_BAD_OPTION: ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/missing\\.json: cannot read engine config: ENOENT`));
});

test('a run whose every generator has used up its restarts ends with exit 1 and their last errors', { timeout: 180_000 }, async () => {
  const run = 'gaveup';
  const queueDir = path.join(root, 'queue', run);
  await mkdir(path.join(root, 'state-gaveup'));
  // The engine dies at every start ("CUDA out of memory"): nothing preflight can know.
  const r = await runPassk(
    ['run', ...runDirs(root, run), '--backend', 'vllm', '--model', 'm', '--problems', 'demo', '--end', '1', '--n', '2', '--temperatures', '0.5', '--evaluators', '1', '--max-restarts', '1', '--restart-backoff-ms', '100'],
    { env: { PATH: vllmPath, FAKE_VLLM_STATE: path.join(root, 'state-gaveup'), FAKE_VLLM_EXIT_AT_START: '1' }, timeoutMs: 120_000 },
  );
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const log = path.join(root, 'results', run, 'gpu0.vllm.log');
  const expected = `passk: every generator (gpu0) failed again after 1 restarts and is not restarted, with 1 generation item(s) left; stopping. Last errors: gpu0: vllm: the engine exited during startup (code 3); last lines of ${log}. Fix the cause and run the same command again to resume.`;
  assert.ok(r.stdout.includes(expected), r.stdout);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /^passk: ERR_WORKER_CRASHED: every generator of run `gaveup` crashed again after 1 restart\(s\)/, 'the error line, with its code (docs/errors.md)');
  assert.deepEqual(processesMatching(queueDir), [], 'nothing left running');
});
