/** `openai` backend: the retry policy (exponential backoff with jitter, honouring Retry-After). */
import { type BackendLogger, sleep, throwIfAborted } from '../common.js';
import { HttpStatusError, isRetryable } from '../http-client.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff delay, ms; doubles per retry. */
  retryBaseMs: number;
  /** Longest delay, ms (also caps Retry-After). */
  retryMaxMs: number;
}

export interface RetryContext {
  policy: RetryPolicy;
  /** Backend name, for the log. */
  backend: string;
  logger: BackendLogger;
  /** Called once per retry, before the delay (e.g. to count retries). */
  onRetry?: () => void;
}

/**
 * Run `fn`, retrying retryable failures (see `isRetryable`) up to `policy.retries` times. Aborts and
 * other errors are thrown at once, as is the last failure.
 */
export async function withRetries<T>(
  ctx: RetryContext,
  what: string,
  signal: AbortSignal | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const { policy } = ctx;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      throwIfAborted(signal);
      if (!isRetryable(error) || attempt >= policy.retries) throw error;
      const backoff = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** attempt) * (0.5 + Math.random() * 0.5);
      const retryAfter = error instanceof HttpStatusError ? error.retryAfterMs : undefined;
      const delay = retryAfter !== undefined ? Math.min(policy.retryMaxMs, retryAfter) : backoff;
      ctx.onRetry?.();
      ctx.logger.warn(
        { backend: ctx.backend, attempt: attempt + 1, delay_ms: Math.round(delay), err: (error as Error).message.slice(0, 300) },
        `${what}: retrying`,
      );
      await sleep(delay, signal);
    }
  }
}
