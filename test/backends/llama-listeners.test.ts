/**
 * The llama backend keeps its abort listeners bounded: a shard of 100 samples sharing one AbortSignal on
 * the tiny model emits no MaxListenersExceededWarning ("possible EventTarget memory leak"), and an abort
 * mid-shard still stops it. Real node-llama-cpp (CPU build), the tiny random model written at test time.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeTinyModel } from '../../packages/generator/src/tiny-model/index.js';
import { LlamaBackend } from '../../packages/generator/src/backends/llama.js';
import { request, tempDir } from './helpers.js';

let cleanup: () => Promise<void>;
let backend: LlamaBackend;
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

before(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir('llama-listeners'));
  const modelPath = join(dir, 'tiny.gguf');
  await writeTinyModel(modelPath, { seed: 7 });
  backend = new LlamaBackend({ modelPath, sequences: 4 });
  await backend.init();
  process.on('warning', onWarning);
});

after(async () => {
  process.off('warning', onWarning);
  await backend?.close();
  await cleanup?.();
});

test('llama: a shard of 100 samples on one signal emits no MaxListenersExceededWarning', async () => {
  const controller = new AbortController();
  const samples = await backend.generate(request({ count: 100, maxTokens: 2, signal: controller.signal }));
  assert.equal(samples.length, 100);
  assert.deepEqual(samples.map((s) => s.index), Array.from({ length: 100 }, (_, j) => j), 'every sample, in order');
  await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
});

test('llama: an abort mid-shard still stops the shard', async () => {
  const controller = new AbortController();
  const pending = backend.generate(request({ count: 100, maxTokens: 8, signal: controller.signal }));
  controller.abort(new Error('stop now'));
  await assert.rejects(pending);
});
