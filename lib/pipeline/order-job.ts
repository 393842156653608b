/**
 * The job a synced order made, for what follows the order (a cancellation, a refund). The ledger
 * knows it first (`progress.jobId`). When the ledger has no record of the order (expired after its
 * retention, or a table restored without it), the job's `externalData` stamp (`orderKey`) still
 * names it: every job the worker creates carries one.
 *
 * An order still being synced has no settled job yet: acting on it mid-sync would race the order's
 * own invoice lines (cancelling a job deletes its invoice's items, api-notes §0 item 11). So the
 * follow-up waits, through SQS's redelivery, until the order completes.
 */
import type { SyncConfig } from "../config/schema.ts";
import type { ReferenceCheck } from "../config/verify-references.ts";
import { OrderFailedError, OrderNotSyncedError } from "../errors.ts";
import {
  LedgerStatus,
  type OrderKey,
  type OrderLedger,
  orderKeyToString,
  type SyncProgress,
} from "../ledger/ledger.ts";
import { type Job, listJobs } from "../servicetitan/endpoints/jpm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { type AttemptSteps, claimAttempt, runClaimedAttempt, type SyncLease } from "./claimed-attempt.ts";
import { ExternalDataKey, externalDataFilter } from "./external-data.ts";
import { type SyncResult, SyncStatus } from "./sync-order.ts";

/** What a follow-up (a cancellation, a refund) needs: no customer index, locks or pricebook. */
export interface FollowUpDependencies {
  http: ServiceTitanHttp;
  config: SyncConfig;
  references: ReferenceCheck;
  ledger: OrderLedger;
}

/**
 * The order's job (`jobId`, and the job itself when the stamp look-up read it), or — for an order that
 * completed without one (a booking, or memberships only) — that order's progress: a follow-up then has
 * no job to wait for, and decides from the progress what to do.
 */
export type OrderJob =
  | { jobId: number; job?: Job; withoutJob?: undefined }
  | { jobId?: undefined; withoutJob: SyncProgress };

/**
 * How long to wait, reading the ledger, for an order that is not synced yet: a cancellation often
 * arrives in the same batch as its order, and waiting a few seconds here beats a redelivery that
 * backs off for 30 s or more.
 */
export interface OrderWait {
  /** Epoch ms after which the look-up stops waiting (the invocation's stop time, less a margin). */
  untilMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * One follow-up of an order (a cancellation, a refund) on a ledger item of its own, claimed like an
 * order: a redelivery is a duplicate, another `content` under the same key a conflict
 * (`conflictMessage`). The steps get the wait the lease allows for an order not synced yet.
 */
export async function runFollowUp(
  deps: FollowUpDependencies,
  key: OrderKey & { followUp: string },
  claim: { content: string; conflictMessage: string },
  lease: SyncLease,
  steps: (attempt: AttemptSteps, wait: OrderWait) => Promise<void>,
): Promise<SyncResult> {
  const orderKey = orderKeyToString(key);
  const start = await claimAttempt(deps.ledger, key, claim.content, lease, claim.conflictMessage);
  if (start.outcome === "duplicate") {
    return { status: SyncStatus.Duplicate, orderKey, progress: start.record.progress, resumed: false };
  }
  const progress = await runClaimedAttempt(deps, key, lease, start, (attempt) => steps(attempt, orderWait(lease)));
  return { status: SyncStatus.Synced, orderKey, progress, resumed: start.outcome === "resumed" };
}

/** The wait a lease allows: until the invocation stops taking on work (no wait without a stop time). */
export function orderWait(lease: SyncLease): OrderWait {
  const untilMs = lease.stopAtMs === undefined ? undefined : lease.stopAtMs - (lease.writeStartMarginMs ?? 0);
  return { untilMs, signal: lease.signal };
}

/** At most this long per attempt, and one ledger read per poll. */
const maxWaitMs = 10_000;
const pollMs = 500;

export async function jobOfOrder(
  deps: { ledger: OrderLedger; http: ServiceTitanHttp; config: SyncConfig },
  order: OrderKey,
  wait: OrderWait = {},
): Promise<OrderJob> {
  const key = { store: order.store, orderId: order.orderId };
  const orderKey = orderKeyToString(key);
  // At most half of what is left, so the writes that follow still have their time.
  const startMs = Date.now();
  const giveUpAtMs = startMs + Math.min(maxWaitMs, Math.max(0, ((wait.untilMs ?? startMs) - startMs) / 2));
  let record = await deps.ledger.get(key);
  let stamped: Job | undefined;
  let stampLooked = false;
  const lookForStamp = async () => {
    stampLooked = true;
    stamped = await stampedJob(deps.http, deps.config, orderKey);
    return stamped;
  };
  while (!wait.signal?.aborted && Date.now() + pollMs < giveUpAtMs) {
    if (record?.status === LedgerStatus.InProgress) {
      // Being synced now: wait for it.
    } else if (record === undefined) {
      // Not in the ledger: a lost ledger (the job's stamp says so), or an order not claimed yet.
      // One look-up per attempt: polling ServiceTitan would spend the tenant's 60 calls/s.
      const job = stampLooked ? undefined : await lookForStamp();
      if (job) return { jobId: job.id, job };
    } else break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    record = await deps.ledger.get(key);
  }
  if (record?.status === LedgerStatus.InProgress) {
    throw new OrderNotSyncedError("The order is still being synced; this waits for it", { details: { orderKey } });
  }
  if (record?.progress.jobId !== undefined) return { jobId: record.progress.jobId };
  if (record?.status === LedgerStatus.Completed) return { withoutJob: record.progress };
  const job = stampLooked ? stamped : await lookForStamp();
  if (job) return { jobId: job.id, job };
  if (record?.status === LedgerStatus.Failed) {
    throw new OrderFailedError(
      `The order failed for good (${record.lastError?.reason ?? "unknown reason"}) before it had a job: nothing to act on in ServiceTitan`,
      { details: { orderKey, orderFailedAt: record.lastError?.at } },
    );
  }
  throw new OrderNotSyncedError("No synced order and no job stamped with this order key (yet)", {
    details: { orderKey },
  });
}

/** Any job stamped with the order key, whatever content it was made for (the earliest, if several). */
async function stampedJob(http: ServiceTitanHttp, config: SyncConfig, orderKey: string): Promise<Job | undefined> {
  const page = await listJobs(http, { externalData: externalDataFilter(config, ExternalDataKey.OrderKey, orderKey) });
  return [...page.data].sort((a, b) => a.id - b.id)[0];
}
