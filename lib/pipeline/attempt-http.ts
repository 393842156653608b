/**
 * The ServiceTitan client as one attempt of one order sees it. ServiceTitan has no idempotency
 * keys, and a write can be applied after the client stopped waiting for it (a late reply, a
 * gateway timeout, an invocation frozen at its timeout). So an attempt:
 *
 * - passes the invocation's abort signal to every call (a timed-out invocation stops writing);
 * - starts no write after `lastWriteStartMs`: the invocation's stop time or the lease's end, minus
 *   a margin for the write itself — a write started later would run past them;
 * - remembers when a write got no definite answer (`writeMayLand`), so the failure keeps the lease
 *   for the late-write margin instead of releasing it, and no other attempt writes meanwhile.
 */
import { OutOfTimeError, PermanentError, ServiceTitanAuthError, ServiceTitanUnavailableError } from "../errors.ts";
import type { ServiceTitanCallStats, ServiceTitanHttp, StCallOptions, StRequest } from "../servicetitan/types.ts";

export interface AttemptTime {
  /** The invocation's abort signal (middy's, or the budget's own stop). */
  signal?: AbortSignal;
  /** Epoch ms after which no ServiceTitan write starts. */
  lastWriteStartMs: number;
  now: () => number;
}

export class AttemptHttp implements ServiceTitanHttp {
  /** A write of this attempt got no definite answer: ServiceTitan may still apply it. */
  writeMayLand = false;

  constructor(
    private readonly inner: ServiceTitanHttp,
    private readonly time: AttemptTime,
  ) {}

  get tenantId(): string {
    return this.inner.tenantId;
  }

  get stats(): ServiceTitanCallStats {
    return this.inner.stats;
  }

  async request<T>(req: StRequest<T>, options: StCallOptions = {}): Promise<T> {
    const isWrite = req.method !== "GET";
    if (isWrite && this.time.now() > this.time.lastWriteStartMs) {
      throw new OutOfTimeError(
        `Not starting ${req.method} ${req.operation ?? req.api}: too close to the invocation's deadline or the lease's end`,
        { details: { method: req.method, api: req.api, operation: req.operation } },
      );
    }
    const signal = options.signal ?? this.time.signal;
    try {
      return await this.inner.request(req, signal === undefined ? {} : { signal });
    } catch (error) {
      if (isWrite && mayStillLand(error)) this.writeMayLand = true;
      throw error;
    }
  }
}

/**
 * A rejection (4xx), an auth refusal or a 429 means ServiceTitan did not process the write; a 5xx,
 * a timeout, a dropped connection or an abandoned call may mean it did, or will.
 */
function mayStillLand(error: unknown): boolean {
  if (error instanceof PermanentError || error instanceof ServiceTitanAuthError) return false;
  return !(error instanceof ServiceTitanUnavailableError && error.status === 429);
}
