/**
 * ServiceTitan allows 60 calls per second per (app, tenant) and answers 429 beyond that. A sliding
 * window (not a token bucket) is used because it gives the hard guarantee that matters here: no
 * 1-second window ever holds more than `maxCalls` grants, whatever the burst pattern.
 *
 * Waiters are served strictly in arrival order through a promise chain, so only the head of the
 * queue ever sleeps and a burst of concurrent callers can't overshoot between wake-ups.
 */

export interface RateLimiterOptions {
  /** Grants allowed in any window of `windowMs` (default 1 s). */
  maxCalls: number;
  windowMs?: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export class SlidingWindowRateLimiter {
  readonly maxCalls: number;
  readonly windowMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Grant times still inside the window, oldest first (never longer than `maxCalls`). */
  readonly #grants: number[] = [];
  #queue: Promise<void> = Promise.resolve();
  #pausedUntil = 0;

  constructor(options: RateLimiterOptions) {
    if (!Number.isInteger(options.maxCalls) || options.maxCalls < 1) {
      throw new RangeError("maxCalls must be a positive integer");
    }
    this.maxCalls = options.maxCalls;
    this.windowMs = options.windowMs ?? 1000;
    this.#now = options.now;
    this.#sleep = options.sleep;
  }

  /** Resolves when the caller may send one request; the grant is recorded at that moment. */
  acquire(): Promise<void> {
    const turn = this.#queue.then(() => this.#waitForSlot());
    // A failing sleep must not wedge everyone queued behind it.
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Holds every caller until `until` (epoch ms). Used on a 429: the tenant's budget is shared by all
   * callers, so when one is throttled the others would be too.
   */
  pauseUntil(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }

  async #waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.#now();
      if (now < this.#pausedUntil) {
        await this.#sleep(this.#pausedUntil - now);
        continue;
      }
      while (this.#grants.length > 0 && (this.#grants[0] ?? 0) <= now - this.windowMs) this.#grants.shift();
      if (this.#grants.length < this.maxCalls) {
        this.#grants.push(now);
        return;
      }
      const oldest = this.#grants[0] ?? now;
      await this.#sleep(Math.max(1, oldest + this.windowMs - now));
    }
  }
}
