/**
 * Generation-backend benchmarks (`node --import tsx bench/backends.ts [client|llama]`).
 *
 * 1. Client capacity: output tokens/s one generator process (the `openai` backend, streaming,
 *    vLLM's chunk shape, one token per chunk) ingests from a loopback server that answers
 *    instantly. The server runs in a child process (its own core) and replays a canned stream.
 * 2. Embedded engine: tokens/s of the `llama` backend on the tiny model vs the same generation
 *    (same prompt, seeds, sequences, threads) written directly against node-llama-cpp.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import type { GenerationRequest } from '@passk/core';
import { OpenAIBackend } from '../packages/generator/src/backends/openai.js';
import { FakeOpenAIServer } from '../test/backends/fake-openai-server.js';

const self = fileURLToPath(import.meta.url);

function req(overrides: Partial<GenerationRequest>): GenerationRequest {
  const text = 'def add(a, b):\n    """Return a + b."""\n';
  return {
    problem: { id: 'bench', title: 'bench', kind: 'humaneval', content: text, starter_code: '', tests: [], public_test_count: 0 },
    prompt: { mode: 'completion', text, messages: [{ role: 'user', content: text }] },
    firstSample: 0,
    count: 64,
    seedBase: 0,
    temperature: 0.8,
    topP: 0.95,
    maxTokens: 64,
    stop: [],
    ...overrides,
  };
}

async function serve(): Promise<void> {
  const server = new FakeOpenAIServer({ canned: true, lengthOf: (_s, max) => max });
  const url = await server.start();
  process.send!({ url });
}

async function startServerProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(self, ['--serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { url, child };
}

export async function clientCapacity(opts: { seconds?: number; n?: number; maxTokens?: number; callers?: number; concurrency?: number } = {}) {
  const seconds = opts.seconds ?? 8;
  const n = opts.n ?? 64;
  const maxTokens = opts.maxTokens ?? 1024;
  const callers = opts.callers ?? 8;
  const concurrency = opts.concurrency ?? 16;
  const { url, child } = await startServerProcess();
  const backend = new OpenAIBackend({ baseUrl: url, model: 'bench', maxN: n, maxConcurrency: concurrency, seedCheck: false });
  try {
    await backend.init();
    // Warm up (builds the server's canned body, JIT-compiles the client path).
    for (let i = 0; i < 3; i++) await backend.generate(req({ count: n, maxTokens }));
    const before = backend.latency().completion_tokens;
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    let requests = 0;
    await Promise.all(
      Array.from({ length: callers }, async (_, c) => {
        let k = 0;
        while (performance.now() < deadline) {
          await backend.generate(req({ count: n * 2, maxTokens, seedBase: c * 1_000_000 + k * 1000 }));
          requests += 2;
          k++;
        }
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    const tokens = backend.latency().completion_tokens - before;
    const result = {
      tokens_per_s: Math.round(tokens / wall),
      completion_tokens: tokens,
      wall_s: Number(wall.toFixed(2)),
      http_requests: requests,
      n,
      max_tokens: maxTokens,
      in_flight: concurrency,
      itl_p50_us: Math.round((backend.latency().itl_ms.median ?? 0) * 1000),
    };
    return result;
  } finally {
    await backend.close();
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve')) return serve();
  const which = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const all = which.length === 0;
  console.log(`# machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  if (all || which.includes('client')) {
    const r = await clientCapacity();
    console.log(`client capacity (openai backend, streaming, 1 token/chunk): ${r.tokens_per_s.toLocaleString('en-US')} output tokens/s`);
    console.log(JSON.stringify(r));
  }
  if (all || which.includes('llama')) {
    const { embeddedEngine } = await import('./backends-llama.js');
    const dir = await mkdtemp(join(tmpdir(), 'passk-bench-'));
    try {
      const r = await embeddedEngine(dir);
      console.log(JSON.stringify(r));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

await main();
