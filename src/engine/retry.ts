/**
 * Layer: engine. Retries an attempt while the failure says it is retryable (the
 * adapter classified it at the border), with capped exponential backoff.
 */
import { isRivetError } from '../common/errors.js';

export interface RetryPolicy {
  readonly maxRetries: number;
  readonly backoffMs: number;
}

const MAX_BACKOFF_MS = 60_000;

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Runs `attempt` until it succeeds, fails permanently, `canRetry()` says no (e.g. a
 * part is already committed), or the budget is spent.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: {
    readonly canRetry: () => boolean;
    readonly onRetry: (n: number, error: unknown, delayMs: number) => void;
    readonly sleep: (ms: number) => Promise<void>;
  },
): Promise<{ value: T; retries: number }> {
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(n), retries: n - 1 };
    } catch (error) {
      const retryable = isRivetError(error) && error.retryable;
      if (!retryable || n > policy.maxRetries || !hooks.canRetry()) throw error;
      const delay = backoffDelay(policy, n);
      hooks.onRetry(n, error, delay);
      await hooks.sleep(delay);
    }
  }
}
