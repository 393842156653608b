/**
 * ServiceTitan's limit: 60 calls per second per application per tenant (developer.servicetitan.io
 * FAQ); throttled calls get 429 with `Retry-After` in delta seconds (3P, api-notes §2). The sandbox
 * keeps the accepted calls of the last second per key (tenant + app key) — a sliding 1 s window.
 */
export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until a slot frees up (≥ 1) when refused. */
  retryAfterSeconds: number;
}

export class SlidingWindowLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    private perSecond: number,
    private readonly windowMs = 1000,
  ) {}

  setLimit(perSecond: number): void {
    this.perSecond = perSecond;
  }

  take(key: string, now = Date.now()): RateDecision {
    const recent = (this.windows.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.windows.set(key, recent);
    if (recent.length < this.perSecond) {
      recent.push(now);
      return { allowed: true, retryAfterSeconds: 0 };
    }
    const oldest = recent[0] ?? now;
    const waitMs = oldest + this.windowMs - now;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
