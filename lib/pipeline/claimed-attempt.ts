/**
 * One attempt at a ledger item, whatever it records: an order (`sync-order.ts`) or what follows
 * it, a cancellation or a refund (`cancel-order.ts`, `note-refund.ts`). Claim the item (or learn
 * why not: duplicate, conflict, failed for good, held by another attempt), run the steps with a
 * ServiceTitan client bounded by the lease, then complete — or record the failure with what the
 * attempt did, keeping the lease when a write may still land.
 */
import {
  EarlierFailureError,
  isPermanent,
  LeaseHeldError,
  OrderConflictError,
  ReasonCode,
  type SyncError,
  toSyncError,
} from "../errors.ts";
import {
  type ClaimResult,
  LeaseLostError,
  type LedgerRecord,
  type OrderKey,
  type OrderLedger,
  orderKeyToString,
  type SyncProgress,
} from "../ledger/ledger.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { AttemptHttp } from "./attempt-http.ts";

export interface SyncLease {
  /** Unique per processing attempt: every ledger update is conditional on it. */
  ownerToken: string;
  /**
   * How long this attempt holds the order: the invocation's remaining time plus `lateWriteMarginMs`,
   * so no other attempt writes while a write of this one may still land.
   */
  leaseMs: number;
  /** How long after its deadline a write sent by this attempt may still be applied (default 0). */
  lateWriteMarginMs?: number;
  /** Epoch ms when the invocation stops its work; no ServiceTitan write starts close to it. */
  stopAtMs?: number;
  /** How close to `stopAtMs` (or the lease's end) a write may still start (default 0). */
  writeStartMarginMs?: number;
  /** The invocation's abort signal, passed to every ServiceTitan call. */
  signal?: AbortSignal;
  /** No retry follows this attempt (last receive): a failure is recorded as final in the ledger. */
  finalAttempt?: boolean;
  /** The message's DLQ replay mark (`replayCount` attribute); 0 when never replayed. */
  replayCount?: number;
}

/** What the claim found: nothing to do (`duplicate`), or ours to run (`fresh`, `resumed`). */
export type AttemptStart =
  | { outcome: "duplicate"; record: LedgerRecord }
  | { outcome: "fresh" | "resumed"; record: LedgerRecord; claimedAtMs: number };

/**
 * Claims the item, or throws why this delivery must not run it. `conflictMessage`: what a
 * different content under the same key means for this kind of item.
 */
export async function claimAttempt(
  ledger: OrderLedger,
  key: OrderKey,
  payloadHash: string,
  lease: SyncLease,
  conflictMessage: string,
): Promise<AttemptStart> {
  const orderKey = orderKeyToString(key);
  const claimOptions = { ownerToken: lease.ownerToken, leaseMs: lease.leaseMs, replayCount: lease.replayCount ?? 0 };
  let claimedAtMs = Date.now();
  let claim: ClaimResult = await ledger.claim(key, payloadHash, claimOptions);
  if (claim.outcome === "lease_held" && lease.finalAttempt) {
    const after = await waitForHolder(ledger, key, claim.record, lease);
    if (after?.lastError !== undefined && after.lastError.at !== claim.record.lastError?.at) {
      // The holder failed while this last receive waited: that failure is the order's real cause.
      throw earlierFailure(after, orderKey, "While this last receive waited, the attempt holding the order failed");
    }
    if (after !== undefined) {
      claimedAtMs = Date.now();
      claim = await ledger.claim(key, payloadHash, claimOptions);
    }
  }
  switch (claim.outcome) {
    case "duplicate":
      return { outcome: "duplicate", record: claim.record };
    case "fresh":
    case "resumed":
      return { outcome: claim.outcome, record: claim.record, claimedAtMs };
    case "conflict":
      throw new OrderConflictError(conflictMessage, { details: { orderKey } });
    case "failed":
      throw new EarlierFailureError(
        claim.record.lastError?.reason ?? ReasonCode.Unexpected,
        "This order already failed for good with this content; it runs again only when replayed from the DLQ",
        { details: { orderKey, failedAt: claim.record.lastError?.at } },
      );
    case "lease_held":
      throw leaseHeld(claim.record, orderKey, lease);
  }
}

export interface AttemptSteps {
  /** The ServiceTitan client bounded by this attempt's lease and deadline. */
  http: ServiceTitanHttp;
  /** Mutated as steps finish; written by `checkpoint`, `complete` and `fail`. */
  progress: SyncProgress;
  /** An earlier attempt may have written to ServiceTitan without the ledger knowing. */
  resumed: boolean;
  /** Writes `progress` to the ledger now. */
  checkpoint: () => Promise<void>;
}

/** Runs the steps of a claimed attempt, then completes the item or records the failure. */
export async function runClaimedAttempt(
  deps: { ledger: OrderLedger; http: ServiceTitanHttp },
  key: OrderKey,
  lease: SyncLease,
  start: Extract<AttemptStart, { outcome: "fresh" | "resumed" }>,
  steps: (attempt: AttemptSteps) => Promise<void>,
): Promise<SyncProgress> {
  const lateWriteMarginMs = lease.lateWriteMarginMs ?? 0;
  const http = new AttemptHttp(deps.http, {
    ...(lease.signal ? { signal: lease.signal } : {}),
    lastWriteStartMs:
      Math.min(lease.stopAtMs ?? Number.POSITIVE_INFINITY, start.claimedAtMs + lease.leaseMs - lateWriteMarginMs) -
      (lease.writeStartMarginMs ?? 0),
    now: Date.now,
  });
  const progress: SyncProgress = { ...start.record.progress };
  try {
    await steps({
      http,
      progress,
      resumed: start.outcome === "resumed",
      checkpoint: () => deps.ledger.checkpoint(key, lease.ownerToken, progress),
    });
    await deps.ledger.complete(key, lease.ownerToken, progress);
    return progress;
  } catch (error) {
    const failure = toSyncError(error);
    if (!(failure instanceof LeaseLostError)) {
      await deps.ledger
        .fail(key, lease.ownerToken, failure, {
          permanent: isPermanent(failure) || lease.finalAttempt === true,
          // What this attempt created, so new content can't take the order over and reuse it.
          progress,
          ...(http.writeMayLand ? { holdLeaseMs: lateWriteMarginMs } : {}),
        })
        .catch(() => undefined); // the original failure matters more; the lease expires on its own
    }
    throw failure;
  }
}

/**
 * On the message's last receive another attempt holds the order (a duplicate delivery running
 * concurrently, or an attempt holding on after a write without a definite answer). Giving up at once
 * would dead-letter the order as `LEASE_HELD`, which names no cause. So wait — reads only, while this
 * invocation has time — until the holder lets go; returns the record then, or undefined.
 */
async function waitForHolder(
  ledger: OrderLedger,
  key: OrderKey,
  held: LedgerRecord,
  lease: SyncLease,
): Promise<LedgerRecord | undefined> {
  if (lease.stopAtMs === undefined) return undefined;
  const giveUpAtMs = lease.stopAtMs - (lease.writeStartMarginMs ?? 0);
  for (;;) {
    const waitMs = Math.min(holderPollMs, held.leaseExpiresAtMs - Date.now() + 10);
    if (Date.now() + waitMs > giveUpAtMs || lease.signal?.aborted) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
    const current = await ledger.get(key);
    const stillHeld =
      current?.status === "in_progress" &&
      current.ownerToken === held.ownerToken &&
      current.leaseExpiresAtMs > Date.now();
    if (!stillHeld) return current ?? held;
  }
}

const holderPollMs = 500;

function earlierFailure(record: LedgerRecord, orderKey: string, message: string): SyncError {
  const lastError = record.lastError;
  return new EarlierFailureError(lastError?.reason ?? ReasonCode.LeaseHeld, `${message}: ${lastError?.message}`, {
    details: { orderKey, failedAt: lastError?.at },
  });
}

/**
 * Another attempt holds the order. Retry once its lease ends — unless this is the message's last
 * receive and that attempt already recorded why it failed: then the dead letter carries that cause
 * (e.g. `NETWORK`), not `LEASE_HELD`, which only says two deliveries overlapped.
 */
function leaseHeld(record: LedgerRecord, orderKey: string, lease: SyncLease): SyncError {
  if (lease.finalAttempt && record.lastError !== undefined) {
    return earlierFailure(record, orderKey, "Last receive, and the order is still held; an earlier attempt failed");
  }
  return new LeaseHeldError("Another invocation is processing this order", {
    retryAfterMs: Math.max(0, record.leaseExpiresAtMs - Date.now()),
    details: { orderKey },
  });
}
