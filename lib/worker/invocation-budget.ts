/**
 * How one invocation spends its time. Lambda freezes a function at its timeout, mid-call; the
 * event source then redelivers the whole batch (records already synced or dead-lettered included)
 * and nothing the frozen invocation had in flight is known. So the worker stops on its own first:
 *
 * - `stopAtMs` = the deadline minus `finishMarginMs` — time left to record failures in the ledger,
 *   send dead letters and return a partial batch response. At `stopAtMs` the budget's signal aborts
 *   every ServiceTitan call in flight (middy's own signal, fired just before the deadline, too);
 * - no record starts within `recordStartMarginMs` of `stopAtMs`, and no ServiceTitan write within
 *   `writeStartMarginMs`: they are left for the redelivery (margins shrink for short timeouts);
 * - the lease on an order lasts until the deadline plus `lateWriteMarginMs`: a write sent just
 *   before the stop may still be applied by ServiceTitan after the client gave up on it, and no
 *   other attempt may write to the order until then (`lib/pipeline/attempt-http.ts`).
 *
 * How late ServiceTitan may still apply an abandoned write is UNCONFIRMED (its gateway's own
 * timeout is undocumented); `lateWriteMarginMs` is the assumption, and `verifyInvoice` removes a
 * duplicated invoice line that lands within the next attempt anyway.
 */

export interface InvocationTiming {
  /** Kept free at the end of the invocation for ledger writes, dead letters and the response. Default 3 s. */
  finishMarginMs?: number;
  /** A record is not started with less than this left before the stop. Default 5 s. */
  recordStartMarginMs?: number;
  /** How long after the deadline a write sent by the invocation may still land. Default 60 s. */
  lateWriteMarginMs?: number;
  /** No ServiceTitan write starts with less than this left before the stop. Default 2 s. */
  writeStartMarginMs?: number;
}

export const defaultInvocationTiming: Required<InvocationTiming> = {
  finishMarginMs: 3_000,
  recordStartMarginMs: 5_000,
  lateWriteMarginMs: 60_000,
  writeStartMarginMs: 2_000,
};

export interface InvocationBudget {
  /** Epoch ms: work stops here. */
  readonly stopAtMs: number;
  /** Aborted at `stopAtMs` or when the runtime's own signal fires. */
  readonly signal: AbortSignal;
  readonly lateWriteMarginMs: number;
  readonly writeStartMarginMs: number;
  /** Whether a record may still start now. */
  mayStartRecord(): boolean;
  /** The lease for an order claimed now: the deadline plus the late-write margin. */
  leaseMs(): number;
  /** Clears the stop timer once the batch is done. */
  dispose(): void;
}

export function startInvocationBudget(
  remainingMs: number,
  options: { timing?: InvocationTiming; signal?: AbortSignal; now?: () => number } = {},
): InvocationBudget {
  const timing = { ...defaultInvocationTiming, ...options.timing };
  const now = options.now ?? Date.now;
  const startedAtMs = now();
  const deadlineMs = startedAtMs + remainingMs;
  // A short invocation keeps a fifth of its time for the finish rather than none at all.
  const stopAtMs = deadlineMs - Math.min(timing.finishMarginMs, remainingMs / 5);
  const recordStartMarginMs = Math.min(timing.recordStartMarginMs, remainingMs / 5);
  const writeStartMarginMs = Math.min(timing.writeStartMarginMs, remainingMs / 10);
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), Math.max(0, stopAtMs - startedAtMs));
  timer.unref?.();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, options.signal]);
  return {
    stopAtMs,
    signal,
    lateWriteMarginMs: timing.lateWriteMarginMs,
    writeStartMarginMs,
    mayStartRecord: () => !signal.aborted && stopAtMs - now() >= recordStartMarginMs,
    leaseMs: () => Math.max(1_000, deadlineMs - now() + timing.lateWriteMarginMs),
    dispose: () => clearTimeout(timer),
  };
}
