/**
 * Shared pieces of the generation backends: the logger shape (pino-compatible), a default CPU
 * thread count, and small helpers.
 */
import { availableParallelism } from 'node:os';
import { PasskError } from '@passk/core';

/** The subset of a pino logger the backends use: `logger.info({ ...fields }, 'message')`. */
export interface BackendLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const silentLogger: BackendLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
};

/** Cores available to this process. */
export function cpuCores(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The CPU-thread rule: at most cores − 1 (and at least 1). ggml's worker threads spin-wait, so
 * more threads than free cores makes generation ~100× slower on a small machine.
 */
export function defaultCpuThreads(cores = cpuCores()): number {
  return Math.max(1, cores - 1);
}

export function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

export function backendError(message: string, cause?: unknown): PasskError {
  return new PasskError('ERR_BACKEND', message, cause !== undefined ? { cause } : {});
}

export function unavailableError(message: string, cause?: unknown): PasskError {
  return new PasskError('ERR_BACKEND_UNAVAILABLE', message, cause !== undefined ? { cause } : {});
}

/** Abortable sleep. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A counting semaphore (FIFO). */
export class Semaphore {
  private waiters: Array<() => void> = [];
  constructor(private available: number) {}
  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortError(signal));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(wake);
    });
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available++;
  }
}
