/**
 * `llama`: the embedded engine (node-llama-cpp, prebuilt CPU binary from npm). Loads one GGUF file,
 * keeps one context with `sequences` parallel sequences, and runs the samples of a request on those
 * sequences at once (node-llama-cpp batches the decode calls of parallel sequences).
 *
 * Sample i uses seed `seedBase + i`. Each sample has its own sampler seed, so the text of a sample
 * does not depend on which other samples run beside it (measured bit-identical on CPU, F32).
 */
import type { ChatMessage, GeneratedSample, GenerationBackend, GenerationRequest, FinishReason } from '@passk/core';
import type { ChatHistoryItem, Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import {
  type BackendLogger,
  backendError,
  cpuCores,
  defaultCpuThreads,
  silentLogger,
  throwIfAborted,
  unavailableError,
} from './common.js';
import { SequencePool, runWorkers } from './llama-pool.js';
import { TINY_MODEL_NAME } from '../tiny-model/index.js';
import { resolveEnginePreset } from './presets.js';

/** What every sample of one request shares: the module, the prompt's tokens, the clamped max_tokens, the stops. */
interface PreparedRequest {
  mod: typeof import('node-llama-cpp');
  tokens: Token[];
  promptTokens: number;
  maxTokens: number;
  stop: string[];
}

export interface LlamaBackendOptions {
  /** Path of the GGUF model file (`--model PATH`). Required. */
  modelPath: string;
  /**
   * CPU threads for ggml (`--threads`). Capped at cores − 1 on CPU: node-llama-cpp's own default
   * (max(4, cores)) oversubscribes a small machine and runs ~100× slower.
   * @default max(1, cores − 1)
   */
  threads?: number;
  /** Parallel sequences in the context: how many samples decode together. @default 8 */
  sequences?: number;
  /**
   * Context size per sequence, in tokens (prompt + completion). KV memory grows with
   * contextSize × sequences.
   * @default min(the model's training context, 4096)
   */
  contextSize?: number;
  /** Maximum tokens per decode call. @default node-llama-cpp's default (the context size) */
  batchSize?: number;
  /**
   * Compute backend. `false` is CPU only (the prebuilt CPU binary). `'cuda'`/`'vulkan'`/`'auto'`
   * need the matching `@node-llama-cpp/*` binary package installed.
   * @default false
   */
  gpu?: false | 'auto' | 'cuda' | 'vulkan' | 'metal';
  /**
   * Mark outputs as synthetic. By default true exactly when the file is passk's tiny random model
   * (`general.name` starts with `passk-tiny-random`).
   * @default auto-detected
   */
  simulated?: boolean;
  /** Engine presets file (`--engine-config FILE`); its preset's `llama` section fills unset options. @default none */
  engineConfig?: string;
  /** Preset name in that file (or a built-in). @default the file's "default", else 'balanced' */
  preset?: string;
  /** Log sink for engine messages (llama.cpp's own log lines go to `debug`/`warn`/`error`). @default silent */
  logger?: BackendLogger;
}

/** Options after defaults, as the backend uses them (exposed for logs and tests). */
export interface ResolvedLlamaOptions {
  modelPath: string;
  threads: number;
  sequences: number;
  contextSize: number | undefined;
  batchSize: number | undefined;
  gpu: false | 'auto' | 'cuda' | 'vulkan' | 'metal';
}

/** Resolve the thread count under the cores − 1 rule (CPU only; a GPU build keeps what it is given). */
export function resolveLlamaThreads(requested: number | undefined, gpu: LlamaBackendOptions['gpu'], cores = cpuCores()): number {
  const cap = defaultCpuThreads(cores);
  if (requested === undefined || requested <= 0) return cap;
  if (gpu === false) return Math.min(Math.floor(requested), cap);
  return Math.floor(requested);
}

/** passk chat messages → node-llama-cpp chat history, ending with an open model turn. */
function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system'
      ? { type: 'system', text: m.content }
      : m.role === 'user'
        ? { type: 'user', text: m.content }
        : { type: 'model', response: [m.content] },
  );
  history.push({ type: 'model', response: [] });
  return history;
}

export class LlamaBackend implements GenerationBackend {
  readonly name = 'llama';
  readonly options: ResolvedLlamaOptions;
  private readonly logger: BackendLogger;
  private simulatedOverride: boolean | undefined;
  private detectedSimulated = false;
  private llama?: Llama;
  private model?: LlamaModel;
  private context?: LlamaContext;
  private pool?: SequencePool;
  private chatTemplate: boolean = false;
  private initPromise?: Promise<void>;
  private closed = false;
  private readonly given: LlamaBackendOptions;

  constructor(options: LlamaBackendOptions) {
    this.given = options;
    if (!options.modelPath) throw unavailableError('llama backend: --model PATH (a GGUF file) is required');
    const gpu = options.gpu ?? false;
    this.options = {
      modelPath: options.modelPath,
      threads: resolveLlamaThreads(options.threads, gpu),
      sequences: Math.max(1, Math.floor(options.sequences ?? 8)),
      contextSize: options.contextSize,
      batchSize: options.batchSize,
      gpu,
    };
    this.logger = options.logger ?? silentLogger;
    this.simulatedOverride = options.simulated;
    if (options.threads !== undefined && options.threads > this.options.threads) {
      this.logger.warn(
        { requested: options.threads, threads: this.options.threads, cores: cpuCores() },
        'llama: threads capped at cores - 1 (more threads than free cores makes ggml spin and run ~100x slower)',
      );
    }
  }

  get simulated(): boolean {
    return this.simulatedOverride ?? this.detectedSimulated;
  }

  /** The loaded model (after init), for callers that need its tokenizer. */
  get loadedModel(): LlamaModel | undefined {
    return this.model;
  }

  init(signal?: AbortSignal): Promise<void> {
    this.initPromise ??= this.doInit(signal);
    return this.initPromise;
  }

  private async doInit(signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    let mod: typeof import('node-llama-cpp');
    try {
      mod = await import('node-llama-cpp');
    } catch (cause) {
      throw unavailableError('llama backend: node-llama-cpp is not installed (npm install node-llama-cpp)', cause);
    }
    throwIfAborted(signal);
    if (this.given.engineConfig !== undefined || this.given.preset !== undefined) {
      const preset = await resolveEnginePreset(this.given.preset, this.given.engineConfig);
      const l = preset.llama ?? {};
      if (this.given.sequences === undefined && l.sequences !== undefined) this.options.sequences = Math.max(1, Math.floor(l.sequences));
      if (this.given.contextSize === undefined && l.contextSize !== undefined) this.options.contextSize = l.contextSize;
      if (this.given.batchSize === undefined && l.batchSize !== undefined) this.options.batchSize = l.batchSize;
    }
    const { getLlama, LlamaLogLevel } = mod;
    const engineLog: Array<{ level: string; message: string }> = [];
    try {
      this.llama = await getLlama({
        gpu: this.options.gpu,
        build: 'never',
        maxThreads: this.options.threads,
        logLevel: LlamaLogLevel.warn,
        logger: (level, message) => {
          const line = message.trimEnd();
          engineLog.push({ level, message: line });
          if (engineLog.length > 50) engineLog.shift();
          if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) this.logger.error({ engine: 'llama.cpp' }, line);
          else if (level === LlamaLogLevel.warn) this.logger.warn({ engine: 'llama.cpp' }, line);
          else this.logger.debug({ engine: 'llama.cpp' }, line);
        },
      });
    } catch (cause) {
      throw unavailableError(
        `llama backend: no usable prebuilt node-llama-cpp binary for gpu=${String(this.options.gpu)} (install @node-llama-cpp/<platform>)`,
        cause,
      );
    }
    throwIfAborted(signal);
    try {
      this.model = await this.llama.loadModel({ modelPath: this.options.modelPath });
    } catch (cause) {
      const detail = engineLog.map((l) => l.message).join(' | ');
      throw backendError(`llama backend: failed to load ${this.options.modelPath}${detail ? `: ${detail}` : ''}`, cause);
    }
    throwIfAborted(signal);
    const name = String(this.model.fileInfo.metadata?.general?.name ?? '');
    this.detectedSimulated = name.startsWith(TINY_MODEL_NAME);
    const tokenizerMeta = this.model.fileInfo.metadata?.tokenizer as { chat_template?: string } | undefined;
    this.chatTemplate = typeof tokenizerMeta?.chat_template === 'string' && tokenizerMeta.chat_template.length > 0;
    const contextSize = this.options.contextSize ?? Math.min(this.model.trainContextSize, 4096);
    this.options.contextSize = contextSize;
    this.context = await this.model.createContext({
      sequences: this.options.sequences,
      contextSize,
      threads: this.options.threads,
      ...(this.options.batchSize !== undefined ? { batchSize: this.options.batchSize } : {}),
    });
    const seqs: LlamaContextSequence[] = [];
    for (let i = 0; i < this.options.sequences; i++) seqs.push(this.context.getSequence());
    this.pool = new SequencePool(seqs);
    this.logger.info(
      {
        backend: 'llama',
        model: this.options.modelPath,
        model_name: name,
        simulated: this.simulated,
        threads: this.options.threads,
        sequences: this.options.sequences,
        context_size: contextSize,
        gpu: this.llama.gpu,
        chat_template: this.chatTemplate,
        init_ms: Math.round(performance.now() - started),
      },
      this.simulated
        ? 'llama: loaded the tiny random model: its output is noise, this run demonstrates the pipeline'
        : 'llama: model loaded',
    );
  }

  /**
   * The exact text the engine is given for a prompt: chat prompts go through the model's own chat
   * template when the GGUF has one; otherwise (and for completion prompts) `prompt.text` is used.
   */
  async renderPrompt(request: Pick<GenerationRequest, 'prompt'>): Promise<string> {
    const { prompt } = request;
    if (prompt.mode !== 'chat' || !this.chatTemplate || !this.model) return prompt.text;
    const { resolveChatWrapper } = await import('node-llama-cpp');
    const wrapper = resolveChatWrapper(this.model);
    const state = wrapper.generateContextState({ chatHistory: toChatHistory(prompt.messages) });
    return state.contextText.toString();
  }

  private async promptTokens(request: GenerationRequest): Promise<{ tokens: Token[]; count: number }> {
    const model = this.model!;
    const mod = await import('node-llama-cpp');
    let tokens: Token[];
    if (request.prompt.mode === 'chat' && this.chatTemplate) {
      const wrapper = mod.resolveChatWrapper(model);
      const state = wrapper.generateContextState({ chatHistory: toChatHistory(request.prompt.messages) });
      tokens = state.contextText.tokenize(model.tokenizer);
    } else {
      tokens = model.tokenize(request.prompt.text, false);
    }
    const bos = model.tokens.bos != null && model.tokens.shouldPrependBosToken && tokens[0] !== model.tokens.bos ? 1 : 0;
    return { tokens, count: tokens.length + bos };
  }

  /** Sample j of the request on a sequence of the pool: seed seedBase + firstSample + j, TTFT and E2E measured. */
  private async sample(request: GenerationRequest, prepared: PreparedRequest, j: number, signal: AbortSignal): Promise<GeneratedSample> {
    const { mod, tokens, promptTokens, maxTokens, stop } = prepared;
    const index = request.firstSample + j;
    const seed = request.seedBase + index;
    const seq = await this.pool!.take(signal);
    try {
      throwIfAborted(signal);
      const before = seq.tokenMeter.getState().usedOutputTokens;
      const completion = new mod.LlamaCompletion({ contextSequence: seq });
      const sent = performance.now();
      let ttft: number | undefined;
      try {
        const result = await completion.generateCompletionWithMeta(tokens, {
          maxTokens,
          temperature: request.temperature,
          topP: request.topP,
          topK: 0,
          minP: 0,
          seed,
          repeatPenalty: false,
          trimWhitespaceSuffix: false,
          disableContextShift: true,
          ...(stop.length > 0 ? { customStopTriggers: stop } : {}),
          ...(signal ? { signal } : {}),
          onToken: () => {
            ttft ??= performance.now() - sent;
          },
        });
        const e2e = performance.now() - sent;
        const completionTokens = seq.tokenMeter.getState().usedOutputTokens - before;
        const finish: FinishReason = result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
        const sample: GeneratedSample = {
          index,
          seed,
          output: result.response,
          finish_reason: finish,
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          e2e_ms: e2e,
        };
        // An EOS-only completion has no content chunk: like `vllm bench serve`, TTFT is then the
        // time to the (empty) final result.
        sample.ttft_ms = ttft ?? e2e;
        return sample;
      } finally {
        completion.dispose({ disposeSequence: false });
      }
    } finally {
      this.pool!.give(seq);
    }
  }

  async generate(request: GenerationRequest): Promise<GeneratedSample[]> {
    if (this.closed) throw backendError('llama backend: generate() after close()');
    if (!this.pool) await this.init(request.signal);
    const { signal } = request;
    throwIfAborted(signal);
    const mod = await import('node-llama-cpp');
    const model = this.model!;
    const contextSize = this.options.contextSize!;
    const { tokens, count: promptTokens } = await this.promptTokens(request);
    const room = contextSize - 1 - promptTokens;
    if (room < 1) {
      throw backendError(`llama backend: prompt of ${promptTokens} tokens does not fit the context size ${contextSize}`);
    }
    const maxTokens = Math.max(1, Math.min(request.maxTokens, room));
    if (maxTokens < request.maxTokens) {
      this.logger.debug({ requested: request.maxTokens, max_tokens: maxTokens, prompt_tokens: promptTokens }, 'llama: max_tokens clamped to the context');
    }
    const stop = request.stop.filter((s) => s.length > 0);
    const started = performance.now();
    const prepared: PreparedRequest = { mod, tokens, promptTokens, maxTokens, stop };
    // At most pool-size loops pull sample indices: the shard's signal gets a bounded number of listeners (llama-pool.ts).
    const samples = await runWorkers(this.pool!, request.count, signal, (j, inner) => this.sample(request, prepared, j, inner));
    const wall = performance.now() - started;
    const completion = samples.reduce((a, s) => a + s.completion_tokens, 0);
    this.logger.debug(
      {
        backend: 'llama',
        first_sample: request.firstSample,
        count: request.count,
        completion_tokens: completion,
        wall_ms: Math.round(wall),
        gen_tps: wall > 0 ? Math.round((completion / wall) * 1000) : 0,
        model: model.filename,
      },
      'llama: request done',
    );
    return samples;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.initPromise?.catch(() => undefined);
    } finally {
      await this.context?.dispose().catch(() => undefined);
      await this.model?.dispose().catch(() => undefined);
      await this.llama?.dispose().catch(() => undefined);
      this.context = undefined;
      this.model = undefined;
      this.llama = undefined;
      this.pool = undefined;
    }
  }
}

/** Factory for the registry: `--backend llama --model PATH [--threads N]`. */
export function createLlamaBackend(options: LlamaBackendOptions): GenerationBackend {
  return new LlamaBackend(options);
}
