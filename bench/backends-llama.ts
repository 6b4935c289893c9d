/**
 * Embedded-engine benchmark: the `llama` backend vs the same generation written directly against
 * node-llama-cpp (same tiny model, prompt, seeds, sequences, threads, sampling), alternating runs.
 */
import { join } from 'node:path';
import { getLlama, LlamaCompletion, LlamaLogLevel, type LlamaContextSequence } from 'node-llama-cpp';
import type { GenerationRequest } from '@passk/core';
import { writeTinyModel } from '../packages/generator/src/tiny-model/index.js';
import { LlamaBackend } from '../packages/generator/src/backends/llama.js';
import { defaultCpuThreads } from '../packages/generator/src/backends/common.js';

const PROMPT = 'def fizzbuzz(n: int) -> list[str]:\n    """Return the FizzBuzz sequence from 1 to n."""\n';

export async function embeddedEngine(dir: string, opts: { samples?: number; maxTokens?: number; sequences?: number; rounds?: number } = {}) {
  const samples = opts.samples ?? 32;
  const maxTokens = opts.maxTokens ?? 128;
  const sequences = opts.sequences ?? 8;
  const rounds = opts.rounds ?? 9;
  const threads = defaultCpuThreads();
  const modelPath = join(dir, 'tiny.gguf');
  // EOS made rare so every sample runs to max_tokens: both sides do identical work.
  await writeTinyModel(modelPath, { seed: 0, eosBias: -1.5 });

  // Direct node-llama-cpp.
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ sequences, contextSize: 512, threads });
  const free: LlamaContextSequence[] = Array.from({ length: sequences }, () => context.getSequence());
  const waiters: Array<(s: LlamaContextSequence) => void> = [];
  const take = () => (free.length ? Promise.resolve(free.pop()!) : new Promise<LlamaContextSequence>((r) => waiters.push(r)));
  const give = (s: LlamaContextSequence) => (waiters.length ? waiters.shift()!(s) : free.push(s));
  const direct = async (): Promise<{ tokens: number; ms: number; texts: string[] }> => {
    const t0 = performance.now();
    let tokens = 0;
    const texts = await Promise.all(
      Array.from({ length: samples }, async (_, i) => {
        const seq = await take();
        try {
          const before = seq.tokenMeter.getState().usedOutputTokens;
          const c = new LlamaCompletion({ contextSequence: seq });
          const r = await c.generateCompletionWithMeta(PROMPT, { maxTokens, temperature: 0.8, topP: 0.95, topK: 0, minP: 0, seed: 42 + i, repeatPenalty: false });
          c.dispose({ disposeSequence: false });
          tokens += seq.tokenMeter.getState().usedOutputTokens - before;
          return r.response;
        } finally {
          give(seq);
        }
      }),
    );
    return { tokens, ms: performance.now() - t0, texts };
  };

  // The passk backend.
  const backend = new LlamaBackend({ modelPath, sequences, threads, contextSize: 512 });
  await backend.init();
  const request: GenerationRequest = {
    problem: { id: 'bench', title: 'bench', kind: 'humaneval', content: PROMPT, starter_code: '', tests: [], public_test_count: 0 },
    prompt: { mode: 'completion', text: PROMPT, messages: [{ role: 'user', content: PROMPT }] },
    firstSample: 0,
    count: samples,
    seedBase: 42,
    temperature: 0.8,
    topP: 0.95,
    maxTokens,
    stop: [],
  };
  const viaBackend = async () => {
    const t0 = performance.now();
    const out = await backend.generate(request);
    return { tokens: out.reduce((a, s) => a + s.completion_tokens, 0), ms: performance.now() - t0, texts: out.map((s) => s.output) };
  };

  await direct();
  await viaBackend(); // warm-up
  const d: number[] = [];
  const b: number[] = [];
  let same = true;
  for (let r = 0; r < rounds; r++) {
    // Alternate which side runs first, so drift in machine load hits both equally.
    let x: Awaited<ReturnType<typeof direct>>;
    let y: Awaited<ReturnType<typeof viaBackend>>;
    if (r % 2 === 0) {
      x = await direct();
      y = await viaBackend();
    } else {
      y = await viaBackend();
      x = await direct();
    }
    d.push((x.tokens / x.ms) * 1000);
    b.push((y.tokens / y.ms) * 1000);
    same &&= JSON.stringify(x.texts) === JSON.stringify(y.texts);
  }
  await backend.close();
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
  const md = median(d);
  const mb = median(b);
  const result = {
    direct_tokens_per_s: Math.round(md),
    backend_tokens_per_s: Math.round(mb),
    ratio: Number((mb / md).toFixed(3)),
    identical_texts: same,
    samples,
    max_tokens: maxTokens,
    sequences,
    threads,
    rounds,
    direct_runs: d.map(Math.round),
    backend_runs: b.map(Math.round),
  };
  console.log(
    `embedded engine (tiny model, ${samples} samples x ${maxTokens} tokens, ${sequences} sequences, ${threads} thread): ` +
      `backend ${result.backend_tokens_per_s} tok/s vs node-llama-cpp direct ${result.direct_tokens_per_s} tok/s (ratio ${result.ratio}; identical texts: ${same})`,
  );
  return result;
}
