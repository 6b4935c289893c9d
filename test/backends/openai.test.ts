/**
 * The `openai` backend against a loopback server written for the tests: streaming and
 * non-streaming, completions and chat, errors, 429s, slow, hung and dropped responses.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAIBackend, apportion, createOpenAIBackend } from '../../packages/generator/src/backends/openai.js';
import { SseParser } from '../../packages/generator/src/backends/http-client.js';
import { parsePrometheus, pickEngineMetrics, Histogram } from '../../packages/generator/src/backends/metrics.js';
import { FakeOpenAIServer, expectedText, defaultLength } from './fake-openai-server.js';
import { captureLogger, request } from './helpers.js';

let server: FakeOpenAIServer;
let url: string;

before(async () => {
  server = new FakeOpenAIServer();
  url = await server.start();
});
after(async () => {
  await server.stop();
});

function fresh() {
  server.requests.length = 0;
  server.actions.length = 0;
  server.maxInFlight = 0;
}

function backend(extra: Partial<ConstructorParameters<typeof OpenAIBackend>[0]> = {}) {
  return new OpenAIBackend({ baseUrl: `${url}/v1`, retryBaseMs: 5, retryMaxMs: 50, seedCheck: false, ...extra });
}

test('openai: n is chunked, every sampling parameter is sent, sample i gets seed seedBase + i', async () => {
  fresh();
  const b = backend({ maxN: 4 });
  try {
    await b.init();
    assert.equal(b.model, 'fake-model', 'model from /v1/models');
    const samples = await b.generate(request({ firstSample: 0, count: 10, seedBase: 100, maxTokens: 9, stop: ['\n\n'] }));
    assert.equal(samples.length, 10);
    const posts = server.requests.filter((r) => r.path === '/v1/completions');
    assert.deepEqual(posts.map((r) => r.body.n).sort(), [2, 4, 4]);
    assert.deepEqual(posts.map((r) => r.body.seed).sort(), [100, 104, 108]);
    for (const r of posts) {
      assert.equal(r.body.model, 'fake-model');
      assert.equal(r.body.temperature, 0.8);
      assert.equal(r.body.top_p, 0.95);
      assert.equal(r.body.max_tokens, 9);
      assert.deepEqual(r.body.stop, ['\n\n']);
      assert.equal(r.body.stream, true);
      assert.deepEqual(r.body.stream_options, { include_usage: true });
      assert.equal(typeof r.body.prompt, 'string');
    }
    samples.forEach((s, i) => {
      assert.equal(s.index, i);
      assert.equal(s.seed, 100 + i);
      assert.equal(s.output, expectedText(100 + i, 9));
      const len = defaultLength(100 + i, 9);
      assert.equal(s.completion_tokens, len);
      assert.equal(s.finish_reason, len >= 9 ? 'length' : 'stop');
      assert.ok(s.prompt_tokens > 0);
      assert.ok(s.ttft_ms! >= 0 && s.e2e_ms! >= s.ttft_ms!);
    });
    const lat = b.latency();
    assert.equal(lat.samples, 10);
    assert.equal(lat.ttft_ms.count, 10);
    assert.ok(lat.itl_ms.count > 0);
    assert.equal(lat.completion_tokens, samples.reduce((a, s) => a + s.completion_tokens, 0));
  } finally {
    await b.close();
  }
});

test('openai: the seed rule holds however the samples are split into requests', async () => {
  fresh();
  const b = backend({ maxN: 3 });
  const c = backend({ seedFanout: 'client' });
  try {
    const whole = await b.generate(request({ firstSample: 0, count: 10, seedBase: 7, maxTokens: 12 }));
    const parts = [
      ...(await b.generate(request({ firstSample: 0, count: 4, seedBase: 7, maxTokens: 12 }))),
      ...(await c.generate(request({ firstSample: 4, count: 6, seedBase: 7, maxTokens: 12 }))),
    ];
    assert.deepEqual(parts.map((s) => s.output), whole.map((s) => s.output));
    assert.deepEqual(parts.map((s) => s.seed), whole.map((s) => s.seed));
    const clientPosts = server.requests.slice(-6);
    assert.ok(clientPosts.every((r) => r.body.n === 1));
    assert.deepEqual(clientPosts.map((r) => r.body.seed).sort((x, y) => Number(x) - Number(y)), [11, 12, 13, 14, 15, 16]);
  } finally {
    await b.close();
    await c.close();
  }
});

test('openai: chat prompts use /v1/chat/completions; non-streaming works too', async () => {
  fresh();
  const b = backend({ stream: false, model: 'given-model' });
  try {
    const prompt = { mode: 'chat' as const, text: 'x', messages: [{ role: 'system' as const, content: 'sys' }, { role: 'user' as const, content: 'hi' }] };
    const samples = await b.generate(request({ prompt, count: 3, seedBase: 5, maxTokens: 6 }));
    assert.equal(server.requests.length, 1, 'no /v1/models call when the model is given');
    const r = server.requests[0]!;
    assert.equal(r.path, '/v1/chat/completions');
    assert.deepEqual(r.body.messages, prompt.messages);
    assert.equal(r.body.model, 'given-model');
    assert.equal(r.body.max_tokens, 6);
    assert.equal(r.body.stream, false);
    assert.equal(r.body.stream_options, undefined);
    samples.forEach((s, i) => {
      assert.equal(s.output, expectedText(5 + i, 6));
      assert.equal(s.ttft_ms, undefined, 'no TTFT without streaming');
    });
    assert.equal(samples.reduce((a, s) => a + s.completion_tokens, 0), [0, 1, 2].reduce((a, i) => a + defaultLength(5 + i, 6), 0));
  } finally {
    await b.close();
  }
});

test('openai: streamed chat works, with max_completion_tokens when asked', async () => {
  fresh();
  const b = backend({ chatMaxTokensField: 'max_completion_tokens', model: 'm' });
  try {
    const prompt = { mode: 'chat' as const, text: 'x', messages: [{ role: 'user' as const, content: 'hi' }] };
    const samples = await b.generate(request({ prompt, count: 2, seedBase: 9, maxTokens: 5 }));
    assert.equal(server.requests[0]!.body.max_completion_tokens, 5);
    assert.equal(server.requests[0]!.body.max_tokens, undefined);
    assert.deepEqual(samples.map((s) => s.output), [expectedText(9, 5), expectedText(10, 5)]);
  } finally {
    await b.close();
  }
});

test('openai: 429 (Retry-After), 500, 503 and dropped streams are retried; results are unchanged', async () => {
  fresh();
  const { logger, lines } = captureLogger();
  const b = backend({ model: 'm', logger });
  try {
    server.actions.push(
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'status', status: 500 },
      { kind: 'drop', afterChunks: 3 },
      { kind: 'status', status: 503 },
    );
    const samples = await b.generate(request({ count: 5, seedBase: 40, maxTokens: 20 }));
    assert.deepEqual(samples.map((s) => s.output), [0, 1, 2, 3, 4].map((i) => expectedText(40 + i, 20)));
    assert.equal(server.requests.length, 5);
    assert.equal(b.latency().http_retries, 4);
    assert.equal(lines.filter((l) => l.level === 'warn').length, 4);
  } finally {
    await b.close();
  }
});

test('openai: slow responses are waited for; a hung request times out and is retried', async () => {
  fresh();
  const b = backend({ model: 'm', idleTimeoutMs: 300 });
  try {
    server.actions.push({ kind: 'delay', ms: 150 });
    const slow = await b.generate(request({ count: 2, seedBase: 1 }));
    assert.equal(slow.length, 2);
    server.actions.push({ kind: 'hang' });
    const t0 = performance.now();
    const after = await b.generate(request({ count: 2, seedBase: 1 }));
    assert.deepEqual(after.map((s) => s.output), slow.map((s) => s.output));
    assert.ok(performance.now() - t0 >= 290);
  } finally {
    await b.close();
  }
  // Non-streaming: the total request timeout.
  fresh();
  const c = backend({ model: 'm', stream: false, requestTimeoutMs: 200, retries: 0 });
  try {
    server.actions.push({ kind: 'hang' });
    await assert.rejects(c.generate(request({ count: 1 })), (e: { code?: string; message: string }) => e.code === 'ERR_BACKEND' && /timed out/.test(e.message));
  } finally {
    await c.close();
  }
});

test('openai: a server that caps n gets smaller chunks (and the seeds still line up)', async () => {
  const capped = new FakeOpenAIServer({ maxN: 3 });
  const curl = await capped.start();
  const b = new OpenAIBackend({ baseUrl: curl, model: 'm', maxN: 8, retryBaseMs: 1, seedCheck: false });
  try {
    const samples = await b.generate(request({ count: 8, seedBase: 20, maxTokens: 10 }));
    assert.deepEqual(samples.map((s) => s.output), Array.from({ length: 8 }, (_, i) => expectedText(20 + i, 10)));
    assert.ok(b.maxNPerRequest <= 3);
    const again = await b.generate(request({ count: 8, seedBase: 20, maxTokens: 10 }));
    assert.deepEqual(again.map((s) => s.output), samples.map((s) => s.output));
  } finally {
    await b.close();
    await capped.stop();
  }
});

test('openai: client errors are not retried; exhausted retries fail with ERR_BACKEND', async () => {
  fresh();
  const b = backend({ model: 'm', retries: 2 });
  try {
    server.actions.push({ kind: 'status', status: 400, body: '{"error":{"message":"max_tokens too large"}}' });
    await assert.rejects(b.generate(request({ count: 1 })), (e: { code?: string; message: string }) => e.code === 'ERR_BACKEND' && /max_tokens too large/.test(e.message));
    assert.equal(server.requests.length, 1);
    fresh();
    server.actions.push(...[1, 2, 3].map(() => ({ kind: 'status' as const, status: 502 })));
    await assert.rejects(b.generate(request({ count: 1 })), (e: { code?: string }) => e.code === 'ERR_BACKEND');
    assert.equal(server.requests.length, 3);
  } finally {
    await b.close();
  }
});

test('openai: API key from the environment; unreachable servers are ERR_BACKEND_UNAVAILABLE', async () => {
  const keyed = new FakeOpenAIServer({ apiKey: 'sekrit' });
  const kurl = await keyed.start();
  process.env.PASSK_TEST_KEY = 'sekrit';
  const ok = createOpenAIBackend({ baseUrl: kurl, apiKeyEnv: 'PASSK_TEST_KEY', seedCheck: false });
  const bad = createOpenAIBackend({ baseUrl: kurl, apiKeyEnv: 'PASSK_TEST_KEY_UNSET', retries: 0, seedCheck: false });
  try {
    await ok.init();
    assert.equal((await ok.generate(request({ count: 1 }))).length, 1);
    assert.equal(keyed.requests[0]!.headers.authorization, 'Bearer sekrit');
    await assert.rejects(bad.init(), (e: { code?: string }) => e.code === 'ERR_BACKEND_UNAVAILABLE');
  } finally {
    delete process.env.PASSK_TEST_KEY;
    await ok.close();
    await bad.close();
    await keyed.stop();
  }
  const gone = createOpenAIBackend({ baseUrl: 'http://127.0.0.1:9', retries: 1, retryBaseMs: 1, seedCheck: false });
  await assert.rejects(gone.init(), (e: { code?: string }) => e.code === 'ERR_BACKEND_UNAVAILABLE');
  await gone.close();
});

test('openai: concurrency is bounded and abort cancels in-flight requests', async () => {
  fresh();
  const b = backend({ model: 'm', maxN: 1, maxConcurrency: 2 });
  try {
    server.actions.push(...Array.from({ length: 6 }, () => ({ kind: 'delay' as const, ms: 40 })));
    const samples = await b.generate(request({ count: 6 }));
    assert.equal(samples.length, 6);
    assert.equal(server.maxInFlight, 2);
    const controller = new AbortController();
    server.actions.push({ kind: 'delay', ms: 2000 });
    const pending = b.generate(request({ count: 1, signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
  } finally {
    await b.close();
  }
});

test('openai: /metrics scrape picks the engine gauges', async () => {
  const m = new FakeOpenAIServer({ metrics: true });
  const murl = await m.start();
  const b = new OpenAIBackend({ baseUrl: murl, model: 'm', seedCheck: false });
  try {
    const got = await b.scrapeMetrics();
    assert.equal(got!['vllm:num_requests_running'], 3);
    assert.equal(got!['vllm:kv_cache_usage_perc'], 0.25);
    const none = await backend({ model: 'm' }).scrapeMetrics();
    assert.equal(none, undefined);
  } finally {
    await b.close();
    await m.stop();
  }
  const parsed = parsePrometheus('a{x="1",y="q\\"z"} 2\n# c\nb 3.5\nvllm:kv_cache_usage_perc{engine="0"} 0.2\nvllm:kv_cache_usage_perc{engine="1"} 0.4\n');
  assert.deepEqual(parsed[0], { name: 'a', labels: { x: '1', y: 'q"z' }, value: 2 });
  assert.ok(Math.abs(pickEngineMetrics(parsed)['vllm:kv_cache_usage_perc']! - 0.3) < 1e-9);
});

test('helpers: SSE parsing across arbitrary splits, apportioning, histogram percentiles', () => {
  const events: string[] = [];
  const p = new SseParser((d) => events.push(d));
  const stream = 'data: {"a":1}\n\ndata: {"b":2}\r\n\r\n: comment\ndata: x\ndata: y\n\ndata: [DONE]\n\n';
  for (let i = 0; i < stream.length; i += 3) p.push(stream.slice(i, i + 3));
  p.end();
  assert.deepEqual(events, ['{"a":1}', '{"b":2}', 'x\ny', '[DONE]']);
  assert.deepEqual(apportion([1, 1, 2], 8), [2, 2, 4]);
  assert.equal(apportion([3, 1, 1], 7).reduce((a, b) => a + b, 0), 7);
  assert.deepEqual(apportion([0, 0], 3), [2, 1]);
  const h = new Histogram();
  for (let i = 1; i <= 1000; i++) h.record(i);
  const s = h.summary();
  assert.equal(s.count, 1000);
  assert.ok(Math.abs(s.mean! - 500.5) < 1e-9);
  assert.ok(Math.abs(s.median! - 500) / 500 < 0.02, `median ${s.median}`);
  assert.ok(Math.abs(s.p99! - 990) / 990 < 0.02, `p99 ${s.p99}`);
});

test('stream fast path: agrees with JSON.parse, and declines anything unusual', async () => {
  const { parseChunkFast } = await import('../../packages/generator/src/backends/stream-parse.js');
  const cases = [
    '{"id":"cmpl-1","object":"text_completion","created":1,"model":"Qwen/Qwen3-0.6B","choices":[{"index":3,"text":" x\\"y\\n\\u00e9","logprobs":null,"finish_reason":null,"stop_reason":null}],"usage":null}',
    '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}',
    '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":1,"delta":{},"logprobs":null,"finish_reason":"length","stop_reason":null}]}',
    '{"id":"c","choices":[{"index":0,"text":"","finish_reason":"stop","stop_reason":"\\n\\n"}]}',
  ];
  for (const c of cases) {
    const fast = parseChunkFast(c);
    assert.ok(fast, c);
    const ch = (JSON.parse(c) as { choices: Array<{ index: number; text?: string; delta?: { content?: string }; finish_reason: string | null }> }).choices[0]!;
    assert.deepEqual(fast, { index: ch.index, text: ch.text ?? ch.delta?.content ?? '', finish: ch.finish_reason });
  }
  for (const c of [
    '{"id":"x","choices":[{"index":0,"text":"a","token_ids":[5],"finish_reason":null}]}',
    '{"id":"x","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}',
    '{"id":"x","choices":[{"index":0,"text":"a"},{"index":1,"text":"b"}]}',
    '{"id":"x","choices":[{"index":0,"delta":{"reasoning_content":"hm"},"finish_reason":null}]}',
    '{"error":{"message":"boom"}}',
  ]) {
    assert.equal(parseChunkFast(c), undefined, c);
  }
});
