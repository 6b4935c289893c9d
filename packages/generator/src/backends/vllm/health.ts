/**
 * `vllm` backend: waiting for an engine to serve. `/health` is polled until it answers and a
 * canary completion succeeds; an owned engine that exits meanwhile fails the wait (with the tail
 * of its log), and one that is not ready by the deadline is killed.
 */
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { backendError, sleep, throwIfAborted, unavailableError } from '../common.js';
import { HttpClient } from '../http-client.js';
import type { VllmBackendOptions } from './options.js';

/** The engine to wait for. */
export interface HealthTarget {
  /** Engine root URL (no `/v1`). */
  url: string;
  /** The engine's log file, named in errors. */
  logFile: string;
  opts: VllmBackendOptions;
}

/** An owned engine being started. */
export interface StartingEngine {
  child: ChildProcess;
  /** Stops the engine's process group (on a startup timeout). */
  killGroup: (pgid: number) => Promise<void>;
}

export async function waitHealthy(
  target: HealthTarget,
  deadline: number,
  signal?: AbortSignal,
  starting?: StartingEngine,
): Promise<void> {
  const { url, logFile } = target;
  const child = starting?.child;
  const http = new HttpClient(2);
  const interval = target.opts.healthIntervalMs ?? 1000;
  let last = '';
  try {
    for (;;) {
      throwIfAborted(signal);
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        throw backendError(`vllm: the engine exited during startup (code ${child.exitCode}); last lines of ${logFile}:\n${await logTail(logFile)}`);
      }
      if (Date.now() > deadline) {
        if (child?.pid !== undefined) await starting!.killGroup(child.pid);
        throw unavailableError(`vllm: the engine at ${url} was not healthy in time (${last}); see ${logFile}`);
      }
      try {
        await http.request(`${url}/health`, { timeoutMs: 5000, ...(signal ? { signal } : {}) });
        await canary(target, http, signal);
        return;
      } catch (error) {
        if ((error as Error).name === 'AbortError') throw error;
        last = (error as Error).message.slice(0, 200);
      }
      await sleep(interval, signal);
    }
  } finally {
    http.close();
  }
}

/** /health does not prove inference works (vllm#39863): one tiny completion must answer. */
async function canary(target: HealthTarget, http: HttpClient, signal?: AbortSignal): Promise<void> {
  const { url, opts } = target;
  let model = opts.model;
  if (!model) {
    const res = await http.request(`${url}/v1/models`, { timeoutMs: 10_000, ...(signal ? { signal } : {}) });
    model = (JSON.parse(res.body) as { data: Array<{ id: string }> }).data[0]?.id;
  }
  const key = process.env[opts.apiKeyEnv ?? 'OPENAI_API_KEY'];
  const res = await http.request(`${url}/v1/completions`, {
    method: 'POST',
    headers: key ? { authorization: `Bearer ${key}` } : {},
    body: JSON.stringify({ model, prompt: 'def f():', max_tokens: 1, temperature: 0, top_p: 1, n: 1, seed: 0, stream: false }),
    timeoutMs: 60_000,
    ...(signal ? { signal } : {}),
  });
  const body = JSON.parse(res.body) as { choices?: unknown[] };
  if (!Array.isArray(body.choices) || body.choices.length !== 1) throw new Error(`canary: unexpected reply ${res.body.slice(0, 200)}`);
}

async function logTail(logFile: string, lines = 20): Promise<string> {
  try {
    const text = await readFile(logFile, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '(no log)';
  }
}
