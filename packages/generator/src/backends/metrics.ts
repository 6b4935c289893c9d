/**
 * Client-side latency metrics, defined as `vllm bench serve` defines them (docs/backends.md):
 *  - TTFT: request sent → first content chunk received (streaming only);
 *  - E2EL: request sent → last byte (here: the sample's final chunk) received;
 *  - TPOT: per sample with output_len > 1: (E2EL − TTFT) / (output_len − 1);
 *  - ITL: every gap between consecutive streamed chunks of a sample, pooled over all samples.
 * A sample of an `n` request counts as one request (vLLM fans `n` out into n child requests).
 *
 * Plus a Prometheus text parser for engine `/metrics` scrapes.
 */

/** Streaming summary with approximate percentiles from a log-bucketed histogram (~1% error). */
export class Histogram {
  private static readonly PER_DOUBLING = 64;
  /** Buckets cover 2^-20 … 2^30 (≈1e-6 … 1e9); values outside are clamped into the end buckets. */
  private static readonly MIN_EXP = -20;
  private static readonly SIZE = (30 - -20) * 64 + 1;
  private counts = new Float64Array(Histogram.SIZE);
  count = 0;
  sum = 0;
  sumSquares = 0;
  min = Infinity;
  max = -Infinity;

  private static bucket(value: number): number {
    if (value <= 0) return 0;
    const k = Math.floor((Math.log2(value) - Histogram.MIN_EXP) * Histogram.PER_DOUBLING);
    return k < 0 ? 0 : k >= Histogram.SIZE ? Histogram.SIZE - 1 : k;
  }

  record(value: number): void {
    if (!Number.isFinite(value)) return;
    this.count++;
    this.sum += value;
    this.sumSquares += value * value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.counts[Histogram.bucket(value)]!++;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < Histogram.SIZE; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.sumSquares += other.sumSquares;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let k = 0; k < Histogram.SIZE; k++) {
      seen += this.counts[k]!;
      if (seen >= rank) {
        const mid = 2 ** ((k + 0.5) / Histogram.PER_DOUBLING + Histogram.MIN_EXP);
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }

  summary(): StatSummary {
    if (this.count === 0) return { count: 0 };
    const mean = this.sum / this.count;
    const variance = Math.max(0, this.sumSquares / this.count - mean * mean);
    return {
      count: this.count,
      mean,
      median: this.percentile(50),
      std: Math.sqrt(variance),
      p99: this.percentile(99),
      min: this.min,
      max: this.max,
    };
  }
}

export interface StatSummary {
  count: number;
  mean?: number;
  median?: number;
  std?: number;
  p99?: number;
  min?: number;
  max?: number;
}

export interface LatencySummary {
  /** Milliseconds. */
  ttft_ms: StatSummary;
  tpot_ms: StatSummary;
  itl_ms: StatSummary;
  e2el_ms: StatSummary;
  samples: number;
  completion_tokens: number;
  prompt_tokens: number;
  finish_reasons: Record<string, number>;
  http_requests: number;
  http_retries: number;
}

/** Accumulates per-sample latencies; one per backend. */
export class LatencyRecorder {
  readonly ttft = new Histogram();
  readonly tpot = new Histogram();
  readonly itl = new Histogram();
  readonly e2el = new Histogram();
  samples = 0;
  completionTokens = 0;
  promptTokens = 0;
  httpRequests = 0;
  httpRetries = 0;
  finishReasons: Record<string, number> = {};

  /** Record one finished sample. `ttftMs` is undefined when not streamed. */
  sample(s: { ttftMs?: number; e2eMs: number; outputTokens: number; promptTokens: number; finishReason: string }): void {
    this.samples++;
    this.completionTokens += s.outputTokens;
    this.promptTokens += s.promptTokens;
    this.finishReasons[s.finishReason] = (this.finishReasons[s.finishReason] ?? 0) + 1;
    this.e2el.record(s.e2eMs);
    if (s.ttftMs !== undefined) {
      this.ttft.record(s.ttftMs);
      if (s.outputTokens > 1) this.tpot.record((s.e2eMs - s.ttftMs) / (s.outputTokens - 1));
    }
  }

  summary(): LatencySummary {
    return {
      ttft_ms: this.ttft.summary(),
      tpot_ms: this.tpot.summary(),
      itl_ms: this.itl.summary(),
      e2el_ms: this.e2el.summary(),
      samples: this.samples,
      completion_tokens: this.completionTokens,
      prompt_tokens: this.promptTokens,
      finish_reasons: { ...this.finishReasons },
      http_requests: this.httpRequests,
      http_retries: this.httpRetries,
    };
  }
}

/** Shard-level numbers from a list of samples and the wall time it took to make them. */
export function shardStats(
  samples: Array<{ completion_tokens: number; finish_reason: string }>,
  wallMs: number,
): { gen_tps: number; completion_tokens: number; finish_reasons: Record<string, number> } {
  const finish_reasons: Record<string, number> = {};
  let completion_tokens = 0;
  for (const s of samples) {
    completion_tokens += s.completion_tokens;
    finish_reasons[s.finish_reason] = (finish_reasons[s.finish_reason] ?? 0) + 1;
  }
  return { gen_tps: wallMs > 0 ? (completion_tokens * 1000) / wallMs : 0, completion_tokens, finish_reasons };
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse Prometheus text exposition format (comments skipped; histogram series kept as samples). */
export function parsePrometheus(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let lm: RegExpExecArray | null;
      while ((lm = re.exec(m[3])) !== null) labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** The engine gauges/counters passk logs, summed over label sets (e.g. data-parallel ranks). */
export const ENGINE_METRICS = [
  'vllm:num_requests_running',
  'vllm:num_requests_waiting',
  'vllm:kv_cache_usage_perc',
  'vllm:generation_tokens_total',
  'vllm:prompt_tokens_total',
  'vllm:num_preemptions_total',
  'vllm:prefix_cache_queries_total',
  'vllm:prefix_cache_hits_total',
  // SGLang / llama.cpp server names, when present.
  'sglang:num_running_reqs',
  'sglang:num_queue_reqs',
  'sglang:token_usage',
  'llamacpp:requests_processing',
  'llamacpp:requests_deferred',
  'llamacpp:kv_cache_usage_ratio',
] as const;

export function pickEngineMetrics(samples: PromSample[]): Record<string, number> {
  const wanted = new Set<string>(ENGINE_METRICS);
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (!wanted.has(s.name)) continue;
    out[s.name] = (out[s.name] ?? 0) + s.value;
  }
  // Per-rank gauges of kv cache usage are fractions: report the mean, not the sum.
  const kv = samples.filter((s) => s.name === 'vllm:kv_cache_usage_perc');
  if (kv.length > 1) out['vllm:kv_cache_usage_perc'] = kv.reduce((a, s) => a + s.value, 0) / kv.length;
  return out;
}
