/**
 * Retry timing for downloads: exponential backoff with jitter, `Retry-After`, and a sleep that a
 * cancelled task can cut short.
 */

/**
 * Delay before retry number `retry` (1 for the first retry): `base × 2^(retry-1)`, capped at
 * `max`, then scaled by a random factor in [0.5, 1) ("equal jitter"). The jitter spreads out
 * clients that failed together, so they do not all come back at the same instant; keeping half
 * the delay fixed still backs off a server that is struggling.
 */
export function backoffDelay(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** (retry - 1));
  return exponential * (0.5 + random() / 2);
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delta-seconds (`"2"`) or an HTTP date.
 * Undefined when absent or unreadable (the caller then falls back to backoff).
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects with `signal.reason` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
