/**
 * The `openai` backend's settings through the engine config file (`--engine-config`, the preset's
 * `openai` section, maxN and maxConcurrency), their validation, the same section on the vllm
 * backend's client, and the seed-rule check against servers that do and do not honour it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OpenAIBackend } from '../../packages/generator/src/backends/openai.js';
import { VllmBackend } from '../../packages/generator/src/backends/vllm.js';
import { createBackend } from '../../packages/generator/src/backends/registry.js';
import { FakeOpenAIServer, expectedText } from './fake-openai-server.js';
import { captureLogger, request, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ dir, cleanup } = await tempDir('openai-config'));
});
after(async () => cleanup?.());

async function withServer<T>(options: ConstructorParameters<typeof FakeOpenAIServer>[0], fn: (server: FakeOpenAIServer, url: string) => Promise<T>): Promise<T> {
  const server = new FakeOpenAIServer(options);
  const url = await server.start();
  try {
    return await fn(server, url);
  } finally {
    await server.stop();
  }
}

test('seed rule check: a vLLM-like server passes with three tiny probes; they do not count in the latency metrics', async () => {
  await withServer({}, async (server, url) => {
    const { logger, lines } = captureLogger();
    const b = new OpenAIBackend({ baseUrl: url, model: 'm', logger });
    try {
      const samples = await b.generate(request({ count: 6, seedBase: 40, maxTokens: 30 }));
      assert.deepEqual(samples.map((s) => s.output), [40, 41, 42, 43, 44, 45].map((sd) => expectedText(sd, 30)));
      const probes = server.requests.slice(0, 3).map((r) => [r.body.n, r.body.seed, r.body.max_tokens, r.body.temperature]);
      assert.deepEqual(probes, [[1, 41, 16, 1], [1, 41, 16, 1], [2, 40, 16, 1]]);
      assert.equal(server.requests.length, 4, 'then the request itself (one chunk of 6)');
      assert.deepEqual(b.warnings(), []);
      assert.ok(lines.some((l) => l.msg === 'openai: the server honours the seed rule (checked)'));
      assert.equal(b.latency().samples, 6, 'probes are not counted');
      await b.generate(request({ count: 2, seedBase: 0 }));
      assert.equal(server.requests.length, 5, 'checked once per backend');
    } finally {
      await b.close();
    }
  });
});

test('seed rule check: a server that does not fan seeds out, and one that ignores seeds, are reported loudly (log + warnings())', async () => {
  await withServer({ seeding: 'no-fanout' }, async (_server, url) => {
    const { logger, lines } = captureLogger();
    const b = new OpenAIBackend({ baseUrl: url, model: 'm', logger });
    try {
      assert.equal((await b.generate(request({ count: 3 }))).length, 3, 'generation goes on');
      const expected = `openai server at ${url} does not seed child i of an n request with seed + i (as vLLM does): a shard's samples depend on how it was split into requests; set "seedFanout": "client" in the engine config's "openai" section (one request per sample, seed = seed_base + i)`;
      assert.deepEqual(b.warnings(), [expected]);
      const warn = lines.find((l) => l.level === 'warn');
      assert.equal(warn!.msg, `openai: SEED RULE WARNING: ${expected}`);
    } finally {
      await b.close();
    }
    // The same server with one request per sample honours the rule: no warning.
    const c = new OpenAIBackend({ baseUrl: url, model: 'm', seedFanout: 'client' });
    try {
      await c.generate(request({ count: 2 }));
      assert.deepEqual(c.warnings(), []);
    } finally {
      await c.close();
    }
  });
  await withServer({ seeding: 'ignore' }, async (_server, url) => {
    const b = new OpenAIBackend({ baseUrl: url, model: 'm' });
    try {
      await b.generate(request({ count: 2, seedBase: 1000 }));
      assert.deepEqual(b.warnings(), [`openai server at ${url} does not honour \`seed\`: two requests with seed 1001 gave different samples, so no sample is reproducible and the seed rule cannot hold`]);
    } finally {
      await b.close();
    }
  });
});

test('engine config: the preset\'s openai section, maxN and maxConcurrency reach the openai backend; --max-concurrency wins', async () => {
  const file = join(dir, 'engines.json');
  await writeFile(
    file,
    JSON.stringify({
      presets: {
        hosted: {
          maxN: 3,
          maxConcurrency: 2,
          openai: { endpoint: 'completions', seedFanout: 'client', seedCheck: false, stream: false, retries: 0, requestTimeoutMs: 5000, metricsIntervalMs: 0, extraBody: { top_k: 20 }, headers: { 'x-test': 'yes' } },
        },
      },
    }),
  );
  await withServer({ delayMs: 50 }, async (server, url) => {
    const { logger } = captureLogger();
    const b = await createBackend({ backend: 'openai', model: 'm', openaiUrl: url, engineConfig: file, preset: 'hosted', gpu: 0, logDir: dir, logger: logger as never });
    try {
      const chat = request({ count: 5, seedBase: 10 });
      chat.prompt = { ...chat.prompt, mode: 'chat' };
      const samples = await b.generate(chat);
      assert.deepEqual(samples.map((s) => s.seed), [10, 11, 12, 13, 14]);
      assert.equal(server.requests.length, 5, 'seedFanout client: one request per sample; seedCheck false: no probes');
      for (const r of server.requests) {
        assert.equal(r.path, '/v1/completions', 'endpoint forced to completions');
        assert.equal(r.body.n, 1);
        assert.equal(r.body.stream, false);
        assert.equal(r.body.top_k, 20);
        assert.equal(r.headers['x-test'], 'yes');
      }
      assert.ok(server.maxInFlight <= 2, `maxConcurrency 2 (saw ${server.maxInFlight})`);
      assert.equal((b as OpenAIBackend).defaultInflight(), 2);
    } finally {
      await b.close();
    }
    const c = await createBackend({ backend: 'openai', model: 'm', openaiUrl: url, engineConfig: file, preset: 'hosted', maxConcurrency: 7, gpu: 0, logDir: dir, logger: logger as never });
    assert.equal((c as OpenAIBackend).defaultInflight(), 7);
    await c.close();
  });
});

test('engine config: bad openai settings are ERR_BAD_OPTION with the field named', async () => {
  const file = join(dir, 'bad.json');
  const cases: Array<[unknown, string]> = [
    [{ seedFanout: 'sometimes' }, 'preset p: openai.seedFanout must be one of "server", "client"'],
    [{ requestTimeoutMs: -1 }, 'preset p: openai.requestTimeoutMs must be an integer number of ms ≥ 0'],
    [{ stream: 'yes' }, 'preset p: openai.stream must be a boolean'],
    [{ extraBody: [1] }, 'preset p: openai.extraBody must be an object'],
    [{ timeout: 5 }, 'preset p: openai.timeout is not a setting (known: endpoint, seedFanout, chatMaxTokensField, requestTimeoutMs, idleTimeoutMs, retryBaseMs, retryMaxMs, metricsIntervalMs, seedCheck, stream, retries, extraBody, headers)'],
  ];
  for (const [openai, message] of cases) {
    await writeFile(file, JSON.stringify({ presets: { p: { openai } } }));
    await assert.rejects(
      createBackend({ backend: 'openai', model: 'm', openaiUrl: 'http://127.0.0.1:9', engineConfig: file, preset: 'p', gpu: 0, logDir: dir, logger: captureLogger().logger as never }),
      (e: { code?: string; message: string }) => e.code === 'ERR_BAD_OPTION' && e.message === `${file}: ${message}`,
      message,
    );
  }
});

test('engine config: the openai section also configures the vllm backend\'s client (extraBody over vLLM\'s explicit fields)', async () => {
  const file = join(dir, 'vllm.json');
  await writeFile(file, JSON.stringify({ presets: { v: { maxN: 2, openai: { extraBody: { top_k: 5, chat_template_kwargs: { enable_thinking: false } }, requestTimeoutMs: 60000 } } } }));
  await withServer({ model: 'served' }, async (server, url) => {
    const b = new VllmBackend({ vllmUrl: url, engineConfig: file, preset: 'v', metricsIntervalMs: 0, healthIntervalMs: 50 });
    try {
      await b.init();
      await b.generate(request({ count: 4, seedBase: 3 }));
      const gen = server.requests.filter((r) => r.path === '/v1/completions' && r.body.max_tokens !== 1);
      assert.deepEqual(gen.map((r) => r.body.n), [2, 2], 'maxN from the preset');
      for (const r of gen) {
        assert.equal(r.body.top_k, 5, 'the preset wins over top_k: -1');
        assert.deepEqual(r.body.chat_template_kwargs, { enable_thinking: false });
        assert.equal(r.body.min_p, 0, "vLLM's other explicit fields stay");
        assert.equal(r.body.return_token_ids, true);
      }
      assert.deepEqual(b.warnings(), []);
    } finally {
      await b.close();
    }
  });
});
