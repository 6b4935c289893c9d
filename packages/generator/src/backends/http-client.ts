/**
 * A small HTTP client for OpenAI-compatible servers on node:http/https with keep-alive:
 * JSON requests, server-sent-event streams, a total timeout and an idle timeout, abort signals,
 * and a classification of failures into retryable or not.
 */
import http from 'node:http';
import https from 'node:https';
import { abortError } from './common.js';

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfterMs: number | undefined,
    url: string,
  ) {
    super(`HTTP ${status} from ${url}: ${body.slice(0, 500)}`);
    this.name = 'HttpStatusError';
  }
}

/** The connection dropped, timed out or the stream ended before it was complete. */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'network' | 'timeout' | 'idle-timeout' | 'truncated',
    cause?: unknown,
  ) {
    super(message, cause !== undefined ? { cause } : undefined);
    this.name = 'HttpTransportError';
  }
}

/** 408, 409, 425, 429 and 5xx are retried; every transport failure is retried. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpTransportError) return true;
  if (error instanceof HttpStatusError) return [408, 409, 425, 429].includes(error.status) || error.status >= 500;
  return false;
}

export interface HttpRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Whole-request limit in ms (0 = none). */
  timeoutMs?: number;
  /** Limit on silence between received bytes in ms (0 = none). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Streaming: called with every decoded text piece of a 2xx body (the body is not buffered). */
  onText?: (text: string) => void;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The buffered body (empty when `onText` consumed it). */
  body: string;
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** What reading one response needs from its request. */
interface Exchange {
  url: string;
  onText?: (text: string) => void;
  /** True once the request has resolved or rejected. */
  settled: () => boolean;
  finish: (error: Error | undefined, response?: HttpResponse) => void;
  /** (Re)arm the idle timer: data arrived. */
  armIdle: () => void;
}

/** A 2xx body goes to onText as it arrives (when given), anything else is buffered; the end settles the request. */
function readResponse(res: http.IncomingMessage, x: Exchange): void {
  const { url, onText, finish } = x;
  x.armIdle();
  const status = res.statusCode ?? 0;
  const ok = status >= 200 && status < 300;
  res.setEncoding('utf8');
  let buffered = '';
  res.on('data', (text: string) => {
    if (x.settled()) return;
    x.armIdle();
    if (ok && onText) {
      try {
        onText(text);
      } catch (error) {
        finish(error as Error);
      }
    } else buffered += text;
  });
  res.on('aborted', () => finish(new HttpTransportError(`connection to ${url} dropped mid-response`, 'truncated')));
  res.on('error', (error) => finish(new HttpTransportError(`response from ${url} failed: ${error.message}`, 'truncated', error)));
  res.on('end', () => {
    if (x.settled()) return;
    if (!res.complete) return finish(new HttpTransportError(`connection to ${url} dropped mid-response`, 'truncated'));
    if (!ok) return finish(new HttpStatusError(status, buffered, parseRetryAfter(res.headers['retry-after']), url));
    finish(undefined, { status, headers: res.headers, body: buffered });
  });
}

export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(maxSockets = 64) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  }

  request(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const { method = 'GET', headers = {}, body, timeoutMs = 0, idleTimeoutMs = 0, signal, onText } = options;
    return new Promise<HttpResponse>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const target = new URL(url);
      const isHttps = target.protocol === 'https:';
      const lib = isHttps ? https : http;
      let settled = false;
      let totalTimer: NodeJS.Timeout | undefined;
      let idleTimer: NodeJS.Timeout | undefined;
      const finish = (error: Error | undefined, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        if (totalTimer) clearTimeout(totalTimer);
        if (idleTimer) clearTimeout(idleTimer);
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          req.destroy();
          reject(error);
        } else resolve(response!);
      };
      const onAbort = () => finish(abortError(signal));
      const armIdle = () => {
        if (idleTimeoutMs <= 0) return;
        if (idleTimer) idleTimer.refresh();
        else
          idleTimer = setTimeout(
            () => finish(new HttpTransportError(`no data from ${url} for ${idleTimeoutMs} ms`, 'idle-timeout')),
            idleTimeoutMs,
          );
      };
      const reqHeaders: Record<string, string> = { ...headers };
      if (body !== undefined) {
        reqHeaders['content-type'] ??= 'application/json';
        reqHeaders['content-length'] = String(Buffer.byteLength(body));
      }
      const req = lib.request(
        target,
        { method, headers: reqHeaders, agent: isHttps ? this.httpsAgent : this.httpAgent },
        (res) => readResponse(res, { url, onText, settled: () => settled, finish, armIdle }),
      );
      req.on('error', (error) => finish(new HttpTransportError(`request to ${url} failed: ${error.message}`, 'network', error)));
      if (timeoutMs > 0) {
        totalTimer = setTimeout(
          () => finish(new HttpTransportError(`request to ${url} timed out after ${timeoutMs} ms`, 'timeout')),
          timeoutMs,
        );
      }
      armIdle();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (body !== undefined) req.end(body);
      else req.end();
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/**
 * Incremental server-sent-events parser: feed text, get the `data:` payload of each event
 * (multi-line data joined with '\n'). Handles \n and \r\n line ends and pieces split anywhere.
 */
export class SseParser {
  private rest = '';
  constructor(private readonly onData: (data: string) => void) {}

  push(text: string): void {
    let buf = this.rest + text;
    if (buf.includes('\r')) buf = buf.replace(/\r\n?/g, '\n');
    let start = 0;
    for (;;) {
      const end = buf.indexOf('\n\n', start);
      if (end < 0) break;
      this.event(buf, start, end);
      start = end + 2;
    }
    this.rest = start === 0 ? buf : buf.slice(start);
  }

  /** Flush a last event not followed by a blank line. */
  end(): void {
    if (this.rest.trim().length > 0) this.event(this.rest, 0, this.rest.length);
    this.rest = '';
  }

  private event(buf: string, start: number, end: number): void {
    // Fast path: a single `data: …` line.
    if (buf.startsWith('data: ', start)) {
      const nl = buf.indexOf('\n', start);
      if (nl < 0 || nl >= end) {
        this.onData(buf.slice(start + 6, end));
        return;
      }
    }
    const lines = buf.slice(start, end).split('\n');
    const data: string[] = [];
    for (const line of lines) {
      if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
    if (data.length > 0) this.onData(data.join('\n'));
  }
}
