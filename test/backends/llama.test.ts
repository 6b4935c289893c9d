/**
 * The embedded engine for real: node-llama-cpp's CPU build on the tiny random model written at
 * test time (no weights downloaded).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';
import { buildTinyModel, writeTinyModel } from '../../packages/generator/src/tiny-model/index.js';
import { LlamaBackend, createLlamaBackend, resolveLlamaThreads } from '../../packages/generator/src/backends/llama.js';
import { captureLogger, request, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let modelPath: string;
let backend: LlamaBackend;

before(async () => {
  ({ dir, cleanup } = await tempDir('llama'));
  modelPath = join(dir, 'tiny.gguf');
  await writeTinyModel(modelPath, { seed: 7 });
  backend = new LlamaBackend({ modelPath, sequences: 4 });
  await backend.init();
});

after(async () => {
  await backend?.close();
  await cleanup?.();
});

test('tiny model: deterministic per seed, under 1 MB, a valid llama GGUF', async () => {
  const a = buildTinyModel({ seed: 7 });
  const b = buildTinyModel({ seed: 7 });
  const c = buildTinyModel({ seed: 8 });
  assert.ok(a.equals(b), 'same seed, same bytes');
  assert.ok(!a.equals(c), 'different seed, different bytes');
  assert.ok(a.length < 1_000_000, `size ${a.length}`);
  assert.ok(a.equals(await readFile(modelPath)));
  assert.equal((await stat(modelPath)).size, a.length);
  const info = await readGgufFileInfo(modelPath);
  assert.equal(info.version, 3);
  assert.equal(info.metadata.general.architecture, 'llama');
  assert.equal(info.metadata.general.name, 'passk-tiny-random-seed7');
  assert.equal(info.tensorInfo?.length, 3 + 2 * 9);
  const tokens = (info.metadata.tokenizer as { ggml: { tokens: readonly string[] } }).ggml.tokens;
  assert.equal(tokens.length, 260);
});

test('llama: n samples with indexes, seeds, token counts and timings', async () => {
  assert.equal(backend.simulated, true, 'the tiny model is flagged as simulated');
  const req = request({ firstSample: 10, count: 6, seedBase: 500, maxTokens: 24 });
  const samples = await backend.generate(req);
  assert.equal(samples.length, 6);
  const model = backend.loadedModel!;
  const promptTokens = model.tokenize(req.prompt.text, false).length + 1; // + BOS
  samples.forEach((s, j) => {
    assert.equal(s.index, 10 + j);
    assert.equal(s.seed, 500 + 10 + j);
    assert.equal(s.prompt_tokens, promptTokens);
    assert.ok(s.completion_tokens >= 1 && s.completion_tokens <= 24, `completion_tokens ${s.completion_tokens}`);
    const textTokens = model.tokenize(s.output, false).length;
    if (s.finish_reason === 'length') {
      assert.equal(s.completion_tokens, 24);
      assert.equal(textTokens, 24);
    } else {
      assert.equal(s.finish_reason, 'stop');
      // EOS is counted as a completion token (as vLLM counts it) but has no text.
      assert.equal(s.completion_tokens, textTokens + 1);
    }
    assert.ok(typeof s.ttft_ms === 'number' && typeof s.e2e_ms === 'number' && s.ttft_ms <= s.e2e_ms);
  });
});

test('llama: the seed rule: same seeds, same text, however the samples are split or batched', async () => {
  const whole = await backend.generate(request({ firstSample: 0, count: 8, seedBase: 42, maxTokens: 40 }));
  const again = await backend.generate(request({ firstSample: 0, count: 8, seedBase: 42, maxTokens: 40 }));
  assert.deepEqual(again.map((s) => s.output), whole.map((s) => s.output));
  const [left, right] = await Promise.all([
    backend.generate(request({ firstSample: 0, count: 3, seedBase: 42, maxTokens: 40 })),
    backend.generate(request({ firstSample: 3, count: 5, seedBase: 42, maxTokens: 40 })),
  ]);
  assert.deepEqual([...left, ...right].map((s) => s.output), whole.map((s) => s.output));
  // A different engine instance, one sequence (no batching at all), same texts.
  const solo = new LlamaBackend({ modelPath, sequences: 1 });
  try {
    const shard = await solo.generate(request({ firstSample: 5, count: 3, seedBase: 42, maxTokens: 40 }));
    assert.deepEqual(shard.map((s) => s.output), whole.slice(5).map((s) => s.output));
  } finally {
    await solo.close();
  }
  assert.ok(new Set(whole.map((s) => s.output)).size > 1, 'different seeds give different texts');
});

test('llama: stop strings end a sample with finish_reason stop and are cut from the text', async () => {
  const free = await backend.generate(request({ count: 4, seedBase: 3, maxTokens: 64 }));
  // Pick a character that occurs in the first sample's text and stop on it.
  const text = free[0]!.output;
  const stopChar = text.length > 3 ? text[3]! : 'e';
  const stopped = await backend.generate(request({ count: 1, seedBase: 3, maxTokens: 64, stop: [stopChar] }));
  const s = stopped[0]!;
  if (text.includes(stopChar)) {
    assert.equal(s.finish_reason, 'stop');
    assert.equal(s.output, text.slice(0, text.indexOf(stopChar)));
  }
  assert.ok(!s.output.includes(stopChar));
});

test('llama: abort signal rejects the request', async () => {
  const controller = new AbortController();
  const pending = backend.generate(request({ count: 4, maxTokens: 400, signal: controller.signal }));
  setTimeout(() => controller.abort(), 5);
  await assert.rejects(pending);
  // The backend still works afterwards.
  const ok = await backend.generate(request({ count: 2, maxTokens: 8 }));
  assert.equal(ok.length, 2);
});

test('llama: threads follow the cores - 1 rule on CPU', () => {
  assert.equal(resolveLlamaThreads(undefined, false, 2), 1);
  assert.equal(resolveLlamaThreads(undefined, false, 1), 1);
  assert.equal(resolveLlamaThreads(undefined, false, 16), 15);
  assert.equal(resolveLlamaThreads(8, false, 2), 1);
  assert.equal(resolveLlamaThreads(8, 'cuda', 2), 8);
  const { logger, lines } = captureLogger();
  const b = createLlamaBackend({ modelPath: 'x.gguf', threads: 64, logger }) as LlamaBackend;
  assert.ok(b.options.threads < 64);
  assert.ok(lines.some((l) => l.level === 'warn'));
});

test('llama: an engine preset fills unset options', async () => {
  const { writeFile } = await import('node:fs/promises');
  const file = join(dir, 'engines.json');
  await writeFile(file, JSON.stringify({ default: 'small', presets: { small: { llama: { sequences: 2, contextSize: 256 } } } }));
  const b = new LlamaBackend({ modelPath, engineConfig: file });
  try {
    await b.init();
    assert.equal(b.options.sequences, 2);
    assert.equal(b.options.contextSize, 256);
    assert.equal((await b.generate(request({ count: 3, maxTokens: 8 }))).length, 3);
  } finally {
    await b.close();
  }
});

test('tiny-model command: writes the file through yargs and says the output is noise', async () => {
  const { default: yargs } = await import('yargs');
  const { tinyModelCommand } = await import('../../packages/generator/src/commands/tiny-model.js');
  const out = join(dir, 'cmd', 'tiny.gguf');
  const written: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    await yargs().command(tinyModelCommand).strict().parseAsync(['tiny-model', '--out', out, '--seed', '7']);
    await yargs().command(tinyModelCommand).strict().parseAsync(['tiny-model', '--out', `${out}.2k`, '--seed', '7', '--context', '2048']);
  } finally {
    process.stdout.write = orig;
  }
  assert.ok((await readFile(out)).equals(buildTinyModel({ seed: 7, contextLength: 4096 })), 'default context: 4096, room for LiveCodeBench prompts');
  assert.ok((await readFile(`${out}.2k`)).equals(buildTinyModel({ seed: 7, contextLength: 2048 })));
  const info = await readGgufFileInfo(`${out}.2k`);
  assert.equal((info.metadata as { llama?: { context_length?: number } }).llama?.context_length, 2048);
  assert.match(written.join(''), /context 4096\); random weights: its output is noise/);
});

test('generator: the prompt file records the exact text the embedded engine renders', async () => {
  const { generateShard } = await import('../../packages/generator/src/daemon/shard.js');
  const { runLayout } = await import('../../packages/core/src/queue/layout.js');
  const layout = runLayout({ run: 'r', queueDir: join(dir, 'rq'), resultsDir: join(dir, 'rr') });
  const lcb = { id: 'lcb-1', title: 'Echo', kind: 'stdin', content: 'Read a line and print it.', starter_code: '', tests: [], public_test_count: 0 } as never;
  const plan = { top_p: 0.95, max_tokens: 8, stop: [], model: 'tiny' } as never;
  const item = { version: 1, item: 'q3_t0_5_s0', question_idx: 3, temperature: 0.5, shard: 0, first_sample: 0, count: 2, seed_base: 0, attempts: 0 } as const;
  // A LiveCodeBench prompt (~600 byte-level tokens) needs more than the default 512 context.
  const roomy = join(dir, 'tiny-2k.gguf');
  await writeTinyModel(roomy, { seed: 7, contextLength: 2048 });
  const engine = new LlamaBackend({ modelPath: roomy, sequences: 2 });
  try {
    await engine.init();
    const ctx = { backend: engine, plan, problems: { problem: async () => lcb }, layout, generatorName: 'gpu0', strictExtraction: true };
    const shard = await generateShard(ctx, item, new AbortController().signal);
    assert.equal(shard.samples.length, 2);
    assert.equal(shard.gen.strict_extraction, true);
    const recorded = JSON.parse(await readFile(join(dir, 'rr', 'prompts', 'q3.json'), 'utf8'));
    assert.equal(recorded.prompt.mode, 'chat');
    assert.equal(typeof recorded.rendered, 'string');
    assert.equal(recorded.rendered, await engine.renderPrompt({ prompt: recorded.prompt }), 'the text as the engine sees it');
    assert.ok(recorded.rendered.includes('Read a line and print it.'));
  } finally {
    await engine.close();
  }
});

test('llama: a missing model file fails init with ERR_BACKEND', async () => {
  const b = new LlamaBackend({ modelPath: join(dir, 'missing.gguf') });
  await assert.rejects(b.init(), (e: { code?: string }) => e.code === 'ERR_BACKEND');
  await b.close();
});
