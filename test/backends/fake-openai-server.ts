/**
 * A loopback OpenAI-compatible server for the tests and the client-capacity benchmark. It speaks
 * `/v1/models`, `/v1/completions` and `/v1/chat/completions`, streaming (SSE, vLLM's chunk shape,
 * one choice and one token per chunk, a final usage chunk, `[DONE]`) and non-streaming, and seeds
 * like vLLM: child i of an `n` request uses seed `seed + i` (or, for the seed-rule checks, seeds
 * every child alike, or ignores seeds). Each sample's text is a pure function of (seed,
 * max_tokens), so tests can check the seed rule.
 *
 * Fault injection: a queue of actions, one consumed per generation request: a status with a body
 * and Retry-After, a connection dropped mid-stream, a delay before answering, a hang.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Action =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; body?: string; retryAfter?: string }
  | { kind: 'drop'; afterChunks: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' };

export interface FakeServerOptions {
  model?: string;
  /** Reject requests with n above this with a 400 (like llama-server's slot limit). */
  maxN?: number;
  /** Require `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Serve /metrics (Prometheus text). */
  metrics?: boolean;
  /** Tokens per streamed chunk (1 = vLLM's default). */
  tokensPerChunk?: number;
  /**
   * Benchmark mode: the streamed body for a given (endpoint, n, max_tokens, stop) is built once
   * (for seed 0) and replayed for every request, so the server costs almost nothing per token.
   */
  canned?: boolean;
  /** Length rule: sample with seed s stops after `lengthOf(s, maxTokens)` tokens. */
  lengthOf?: (seed: number, maxTokens: number) => number;
  /**
   * How children are seeded: 'vllm' (child i gets seed + i, the default), 'no-fanout' (every
   * child gets `seed`, like a server that does not fan seeds out), 'ignore' (a fresh random seed
   * per child: `seed` is ignored).
   */
  seeding?: 'vllm' | 'no-fanout' | 'ignore';
  /** Delay before answering every generation request, ms (to keep requests in flight). */
  delayMs?: number;
  /**
   * Requests this matches wait, unanswered, until `release()` (to keep requests in flight for as long
   * as a test needs, without a fixed delay). Requests after the release are answered at once.
   */
  hold?: (body: Record<string, unknown>) => boolean;
}

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

export const TOKEN_WORDS = Array.from({ length: 97 }, (_, k) => ` w${k}`);

export function defaultLength(seed: number, maxTokens: number): number {
  return Math.min(maxTokens, 3 + (Math.abs(seed) % 11));
}

/** The k-th token of the sample seeded `seed`. */
export function tokenOf(seed: number, k: number): string {
  return TOKEN_WORDS[Math.abs(seed * 31 + k * 7) % TOKEN_WORDS.length]!;
}

/** The full text a sample seeded `seed` gets (before stop strings). */
export function expectedText(seed: number, maxTokens: number, lengthOf = defaultLength): string {
  const len = lengthOf(seed, maxTokens);
  let s = '';
  for (let k = 0; k < len; k++) s += tokenOf(seed, k);
  return s;
}

export class FakeOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  readonly actions: Action[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private server: http.Server;
  private sockets = new Set<import('node:net').Socket>();
  private cannedBodies = new Map<string, Buffer>();
  private released = false;
  private readonly releaseWaiters: Array<() => void> = [];
  url = '';

  constructor(readonly options: FakeServerOptions = {}) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  /** Answer the requests held by the `hold` option, and hold none from now on. */
  release(): void {
    this.released = true;
    for (const wake of this.releaseWaiters.splice(0)) wake();
  }

  async stop(): Promise<void> {
    this.release();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0]!;
    if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return this.json(res, 401, { error: { message: 'bad api key', type: 'invalid_request_error' } });
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return this.json(res, 200, { object: 'list', data: [{ id: this.options.model ?? 'fake-model', object: 'model' }] });
    }
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      if (!this.options.metrics) return this.json(res, 404, { error: 'not found' });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(
        '# HELP vllm:num_requests_running x\n# TYPE vllm:num_requests_running gauge\n' +
          'vllm:num_requests_running{model_name="fake-model",engine="0"} 3.0\n' +
          'vllm:num_requests_waiting{model_name="fake-model",engine="0"} 1.0\n' +
          'vllm:kv_cache_usage_perc{model_name="fake-model",engine="0"} 0.25\n' +
          `vllm:generation_tokens_total{model_name="fake-model",engine="0"} ${this.requests.length * 10}.0\n`,
      );
      return;
    }
    const chat = path === '/v1/chat/completions';
    if (req.method !== 'POST' || (path !== '/v1/completions' && !chat)) {
      return this.json(res, 404, { error: { message: `no route ${path}` } });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return this.json(res, 400, { error: { message: 'bad json' } });
    }
    this.requests.push({ path, body, headers: req.headers });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const action = this.actions.shift() ?? { kind: 'ok' };
    if (action.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (action.retryAfter !== undefined) headers['retry-after'] = action.retryAfter;
      res.writeHead(action.status, headers).end(action.body ?? JSON.stringify({ error: { message: `injected ${action.status}` } }));
      return;
    }
    if (action.kind === 'hang') return; // never answer (the client's timeout must fire)
    if (action.kind === 'delay') await new Promise((r) => setTimeout(r, action.ms));
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    if (this.options.hold?.(body) && !this.released) await new Promise<void>((wake) => this.releaseWaiters.push(wake));
    if (res.destroyed) return; // the client went away while the request was held

    const n = typeof body.n === 'number' ? body.n : 1;
    if (this.options.maxN !== undefined && n > this.options.maxN) {
      return this.json(res, 400, { error: { message: `n must be at most ${this.options.maxN}`, type: 'BadRequestError' } });
    }
    const cacheKey = `${chat}:${n}:${String(body.max_tokens)}:${String(body.max_completion_tokens)}:${JSON.stringify(body.stop ?? [])}`;
    if (this.options.canned && body.stream && action.kind === 'ok') {
      const hit = this.cannedBodies.get(cacheKey);
      if (hit) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.end(hit);
        return;
      }
    }
    const seed = this.options.canned ? 0 : typeof body.seed === 'number' ? body.seed : 0;
    const maxTokens = Number(chat ? (body.max_completion_tokens ?? body.max_tokens ?? 16) : (body.max_tokens ?? 16));
    const stop = (body.stop as string[] | undefined) ?? [];
    const lengthOf = this.options.lengthOf ?? defaultLength;
    const prompt = chat ? JSON.stringify(body.messages) : String(body.prompt ?? '');
    const promptTokens = Math.ceil(prompt.length / 4);

    // Each child: its tokens, cut at the first stop string (the stop string is not returned).
    const seeding = this.options.seeding ?? 'vllm';
    const children = Array.from({ length: n }, (_, i) => {
      const s = seeding === 'vllm' ? seed + i : seeding === 'no-fanout' ? seed : Math.floor(Math.random() * 1e9);
      const len = lengthOf(s, maxTokens);
      const toks: string[] = [];
      let text = '';
      let finish: 'stop' | 'length' = len >= maxTokens ? 'length' : 'stop';
      for (let k = 0; k < len; k++) {
        const t = tokenOf(s, k);
        const cut = stop.map((x) => (text + t).indexOf(x)).filter((p) => p >= 0);
        if (cut.length > 0) {
          const at = Math.min(...cut);
          toks.push((text + t).slice(text.length, at));
          finish = 'stop';
          break;
        }
        toks.push(t);
        text += t;
      }
      return { toks, finish };
    });
    const completionTokens = children.reduce((a, c) => a + c.toks.length, 0);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const model = this.options.model ?? 'fake-model';

    if (!body.stream) {
      const choices = children.map((c, i) =>
        chat
          ? { index: i, message: { role: 'assistant', content: c.toks.join('') }, finish_reason: c.finish }
          : { index: i, text: c.toks.join(''), logprobs: null, finish_reason: c.finish, stop_reason: null },
      );
      return this.json(res, 200, { id: 'cmpl-fake', object: chat ? 'chat.completion' : 'text_completion', created: 1, model, choices, usage });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const per = Math.max(1, this.options.tokensPerChunk ?? 1);
    const dropAfter = action.kind === 'drop' ? action.afterChunks : Infinity;
    let sent = 0;
    const frame = (i: number, text: string, finish: string | null) =>
      chat
        ? `data: {"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1,"model":"${model}","choices":[{"index":${i},"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]}\n\n`
        : `data: {"id":"cmpl-fake","object":"text_completion","created":1,"model":"${model}","choices":[{"index":${i},"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`},"stop_reason":null}],"usage":null}\n\n`;
    const out: string[] = [];
    const cannedAll: string[] = [];
    const flushIfBig = async () => {
      if (out.length >= 256) {
        if (this.options.canned) cannedAll.push(...out);
        const ok = res.write(out.join(''));
        out.length = 0;
        if (!ok) await new Promise((r) => res.once('drain', r));
      }
    };
    // Interleave the children round-robin, like a continuous-batching engine.
    const pos = children.map(() => 0);
    let live = n;
    while (live > 0) {
      live = 0;
      for (let i = 0; i < n; i++) {
        const c = children[i]!;
        if (pos[i]! > c.toks.length) continue;
        live++;
        if (sent >= dropAfter) {
          if (out.length) res.write(out.join(''));
          res.socket?.destroy();
          return;
        }
        const k = pos[i]!;
        if (k + per >= c.toks.length) {
          out.push(frame(i, c.toks.slice(k).join(''), c.finish));
          pos[i] = c.toks.length + 1;
        } else {
          out.push(frame(i, c.toks.slice(k, k + per).join(''), null));
          pos[i] = k + per;
        }
        sent++;
        await flushIfBig();
      }
    }
    out.push(`data: {"id":"cmpl-fake","object":"text_completion","created":1,"model":"${model}","choices":[],"usage":${JSON.stringify(usage)}}\n\n`);
    out.push('data: [DONE]\n\n');
    if (this.options.canned && action.kind === 'ok') {
      // Cache the whole body (this request was written in 256-chunk pieces; rebuild it fully).
      this.cannedBodies.set(cacheKey, Buffer.from(cannedAll.join('') + out.join('')));
    }
    res.end(out.join(''));
  }

  private json(res: http.ServerResponse, status: number, value: unknown): void {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }
}
