/**
 * Waiting rules: jittered exponential backoff for reads that hit 5xx/timeouts, and `Retry-After`
 * for 429s (ServiceTitan sends delta seconds per third-party probes; HTTP dates are accepted too).
 */

export interface BackoffOptions {
  /** Delay before the first retry, before jitter (default 250 ms). */
  baseMs?: number;
  /** Upper bound for any single delay (default 4 s). */
  maxMs?: number;
}

/**
 * "Equal jitter": half the exponential delay fixed, half random, so concurrent readers spread out
 * yet never retry instantly. `retry` is 1 for the first retry.
 */
export function backoffDelay(retry: number, random: () => number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 250;
  const max = options.maxMs ?? 4000;
  const exponential = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** Milliseconds to wait per a `Retry-After` header, or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
