/**
 * The generation boundary: a backend turns (prompt, n, seeds, sampling parameters) into samples.
 * Sample i of a (question, temperature) uses seed `seedBase + i`, so a shard covering samples
 * [firstSample, firstSample + count) is reproducible whichever generator makes it.
 */
import type { Problem } from './schemas/problem.js';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export interface GenerationPrompt {
  /** Chat form (servers and engines apply their chat template). */
  messages: ChatMessage[];
  /** Plain-completion form (HumanEval prompts, base models, engines without a template). */
  text: string;
  /** Which form the backend should send. */
  mode: 'chat' | 'completion';
}

export interface GenerationRequest {
  problem: Problem;
  prompt: GenerationPrompt;
  /** Index of the first sample of this request within its (question, temperature). */
  firstSample: number;
  /** Number of samples to make. */
  count: number;
  seedBase: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  stop: string[];
  signal?: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'error';

/** One sample as a backend returns it; the shard's sample (`ShardSample`) is this plus the extracted code, same field names. */
export interface GeneratedSample {
  /** Sample index within the (question, temperature): firstSample + j. */
  index: number;
  /** seedBase + index. */
  seed: number;
  /** Raw model output (`output` in the shard file too). */
  output: string;
  finish_reason: FinishReason;
  prompt_tokens: number;
  completion_tokens: number;
  /** Per-request latencies in ms, as `vllm bench serve` defines them, when known. */
  ttft_ms?: number;
  e2e_ms?: number;
  /** The sim backend only: the verdict it meant this sample to get. */
  sim_intended?: string;
}

export interface GenerationBackend {
  readonly name: string;
  /** True when outputs are synthetic (sim, tiny random model): every output says so. */
  readonly simulated: boolean;
  /** Load the model / start the engine / check the server. Called once per generator process. */
  init(signal?: AbortSignal): Promise<void>;
  generate(request: GenerationRequest): Promise<GeneratedSample[]>;
  /** Optional: shards the backend keeps in flight by default (after init; the generator's `--inflight` default); absent: 1. */
  defaultInflight?(): number;
  /** Optional: cumulative request latencies (TTFT, TPOT, ITL, E2EL summaries) for the generator log. */
  latency?(): object | undefined;
  /** Optional: warnings raised so far (seed rule, …), recorded in every shard's `gen.warnings`. */
  warnings?(): string[];
  /** Optional: the prompt as the engine renders it (the embedded engine), kept in results/<run>/prompts/. */
  renderPrompt?(request: Pick<GenerationRequest, 'prompt'>): Promise<string>;
  /** Release the model / stop the engine and wait until it has exited. Idempotent. */
  close(): Promise<void>;
}
