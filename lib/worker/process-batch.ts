/**
 * One SQS batch: every record is parsed and synced on its own, so a bad message never takes the
 * rest of the batch down. Permanent failures are sent to the DLQ by the worker itself, with the
 * reason as message attributes, and then reported as done (deleted) — only after the DLQ send
 * succeeded, so nothing is lost. Transient failures are reported in `batchItemFailures` for SQS to
 * redeliver, after their visibility was pushed out by receive count so an outage doesn't burn
 * through `maxReceiveCount` in seconds; SQS's redrive moves them to the DLQ when retries run out.
 */
import { randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchItemFailure, SQSBatchResponse, SQSRecord } from "aws-lambda";
import { BatchIndexView } from "../customer-index/batch-view.ts";
import { DlqAttribute, orderKeyFromBody } from "../dlq/attributes.ts";
import { deleteFromSourceQueue, sendToDeadLetterQueue } from "../dlq/dead-letter.ts";
import { backoffVisibility } from "../dlq/visibility.ts";
import {
  type ErrorSummary,
  isPermanent,
  LeaseHeldError,
  OutOfTimeError,
  ServiceTitanUnavailableError,
  type SyncError,
  toSyncError,
} from "../errors.ts";
import type { SyncProgress } from "../ledger/ledger.ts";
import { orderKeyToString } from "../ledger/payload-hash.ts";
import { OrderEventType } from "../order/event-schema.ts";
import { cancelOrder } from "../pipeline/cancel-order.ts";
import { noteRefund } from "../pipeline/note-refund.ts";
import { type SyncBatch, type SyncDependencies, syncOrder } from "../pipeline/sync-order.ts";
import { parseSourceMessage } from "../sources/parse-source-message.ts";
import { type IgnoredMessage, MessageKind } from "../sources/source-message.ts";
import { type InvocationBudget, type InvocationTiming, startInvocationBudget } from "./invocation-budget.ts";

export const RecordStatus = {
  Synced: "synced",
  Duplicate: "duplicate",
  DeadLettered: "dead_lettered",
  Retry: "retry",
  /** A storefront topic or status the worker doesn't act on: deleted from the queue, counted. */
  Ignored: "ignored",
} as const;
export type RecordStatus = (typeof RecordStatus)[keyof typeof RecordStatus];

export interface RecordOutcome {
  messageId: string;
  status: RecordStatus;
  /** `store:orderId` when the body parsed far enough to know it. */
  orderKey?: string;
  progress?: SyncProgress;
  error?: ErrorSummary;
}

/** What the worker reports as it goes: structured logs and metrics (redacted by their implementations). */
export interface WorkerObserver {
  recordDone(outcome: RecordOutcome): void;
  recordFailure?(error: SyncError): void;
  /** A storefront message this worker doesn't act on (its topic or status), acknowledged. */
  recordIgnored?(message: IgnoredMessage): void;
  /** ServiceTitan answered 404/405/410 to `Payments_Create`: recording is off for this container (once). */
  paymentRecordingUnavailable?(details: { status: number }): void;
  /** The customer index isn't backfilled yet: this batch matches by live searches (once per batch). */
  recordIndexFallback?(): void;
  /** The batch's index catch-up failed; matching went on with the index as it was. */
  recordIndexCatchUpFailure?(error: SyncError): void;
  /** End of an invocation: hand what was aggregated to the metrics (the handler's `logMetrics` publishes them). */
  flush?(): void;
}

export interface WorkerDependencies extends SyncDependencies {
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  /** Orders processed at once within one batch; ServiceTitan waits dominate, CPU does not. */
  recordConcurrency: number;
  /**
   * The orders queue's redrive `maxReceiveCount`: on that receive a transient failure is dead-lettered
   * by the worker itself, with its reason, instead of silently by SQS.
   */
  maxReceiveCount?: number;
  /** Visibility backoff for transient failures (seconds, doubled per receive). */
  retryBackoff?: { baseSeconds: number; maxSeconds: number };
  /** Margins of the invocation's time (defaults in `invocation-budget.ts`). */
  timing?: InvocationTiming;
  observer?: WorkerObserver;
}

export interface InvocationContext {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/**
 * `signal`: the runtime's abort signal (middy passes one that fires just before the timeout). The
 * batch stops earlier on its own (`invocation-budget.ts`) and always returns a partial response.
 */
export async function processBatch(
  records: readonly SQSRecord[],
  deps: WorkerDependencies,
  context: InvocationContext,
  signal?: AbortSignal,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  const batch: SyncBatch = {
    index: deps.customerIndex
      ? new BatchIndexView(deps.customerIndex, deps.http, {
          catchUpIntervalSeconds: deps.config.customerIndex.catchUpIntervalSeconds,
          onFallback: () => deps.observer?.recordIndexFallback?.(),
          onCatchUpFailed: (error) => deps.observer?.recordIndexCatchUpFailure?.(toSyncError(error)),
        })
      : undefined,
  };
  const budget = startInvocationBudget(context.getRemainingTimeInMillis(), {
    ...(deps.timing ? { timing: deps.timing } : {}),
    ...(signal ? { signal } : {}),
  });
  try {
    await forEachConcurrently(records, deps.recordConcurrency, async (record) => {
      const outcome = await processRecord(record, deps, context, budget, batch);
      deps.observer?.recordDone(outcome);
      if (outcome.status === RecordStatus.Retry) batchItemFailures.push({ itemIdentifier: record.messageId });
    });
  } finally {
    budget.dispose();
    deps.observer?.flush?.();
  }
  return { batchItemFailures };
}

async function processRecord(
  record: SQSRecord,
  deps: WorkerDependencies,
  context: InvocationContext,
  budget: InvocationBudget,
  batch: SyncBatch = {},
): Promise<RecordOutcome> {
  let orderKey: string | undefined;
  try {
    if (!budget.mayStartRecord()) {
      throw new OutOfTimeError("Not starting the record: too close to the invocation's deadline");
    }
    const message = parseSourceMessage(record.body, deps.config);
    if (message.kind === MessageKind.Ignored) {
      deps.observer?.recordIgnored?.(message);
      return {
        messageId: record.messageId,
        status: RecordStatus.Ignored,
        ...(message.orderKey ? { orderKey: message.orderKey } : {}),
      };
    }
    orderKey = orderKeyToString(message.kind === MessageKind.Refund ? message : message.order);
    const lease = {
      ownerToken: `${context.awsRequestId}:${record.messageId}:${randomUUID()}`,
      leaseMs: budget.leaseMs(),
      lateWriteMarginMs: budget.lateWriteMarginMs,
      stopAtMs: budget.stopAtMs,
      writeStartMarginMs: budget.writeStartMarginMs,
      signal: budget.signal,
      finalAttempt: isLastReceive(record, deps),
      replayCount: replayCountOf(record),
    };
    const result =
      message.kind === MessageKind.Refund
        ? await noteRefund(message, deps, lease)
        : message.order.event === OrderEventType.Cancelled
          ? await cancelOrder(message.order, deps, lease)
          : await syncOrder(message.order, deps, lease, batch);
    return { messageId: record.messageId, status: result.status, orderKey, progress: result.progress };
  } catch (caught) {
    const error = toSyncError(caught);
    deps.observer?.recordFailure?.(error);
    // An invalid body may still name its order (code-like store/orderId only): say which one failed.
    const knownKey = orderKey ?? keyFromInvalidBody(record.body);
    const base = { messageId: record.messageId, ...(knownKey ? { orderKey: knownKey } : {}), error: error.toSummary() };
    if (isPermanent(error)) {
      try {
        await deadLetterOnce(record, deps, error);
        return { ...base, status: RecordStatus.DeadLettered };
      } catch (sendFailure) {
        // Not in the DLQ yet: let SQS redeliver it rather than delete it.
        return { ...base, status: RecordStatus.Retry, error: toSyncError(sendFailure).toSummary() };
      }
    }
    if (isLastReceive(record, deps)) {
      // SQS's redrive would move it without a word; sent here, the dead letter says why it failed.
      try {
        await deadLetterOnce(record, deps, error);
        return { ...base, status: RecordStatus.DeadLettered };
      } catch {
        return { ...base, status: RecordStatus.Retry }; // the redrive still catches it
      }
    }
    const retryAfterMs =
      error instanceof ServiceTitanUnavailableError || error instanceof LeaseHeldError ? error.retryAfterMs : undefined;
    const retryAfterSeconds = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
    await backoffVisibility({
      sqs: deps.sqs,
      queueUrl: deps.queueUrl,
      record,
      ...deps.retryBackoff,
      ...(retryAfterSeconds ? { minSeconds: retryAfterSeconds } : {}),
    });
    return { ...base, status: RecordStatus.Retry };
  }
}

/**
 * Sends the dead letter, then deletes the message from the orders queue at once instead of leaving
 * that to the end of the invocation: if the invocation then fails whole (times out, crashes), the
 * event source redelivers its batch, and a message already dead-lettered would go to the DLQ again.
 * A failed delete is harmless here (the event source deletes it after a successful invocation).
 */
async function deadLetterOnce(record: SQSRecord, deps: WorkerDependencies, error: SyncError): Promise<void> {
  await sendToDeadLetterQueue({ sqs: deps.sqs, dlqUrl: deps.dlqUrl, record, error });
  await deleteFromSourceQueue({ sqs: deps.sqs, queueUrl: deps.queueUrl, record });
}

/** The DLQ replay mark the message carries (`lib/dlq/replay.ts` raises it); 0 when never replayed. */
function replayCountOf(record: SQSRecord): number {
  const count = Number(record.messageAttributes?.[DlqAttribute.ReplayCount]?.stringValue);
  return Number.isInteger(count) && count > 0 ? count : 0;
}

/** This receive is the last one before SQS's redrive policy moves the message to the DLQ. */
function isLastReceive(record: SQSRecord, deps: WorkerDependencies): boolean {
  const receives = Number(record.attributes?.ApproximateReceiveCount);
  return deps.maxReceiveCount !== undefined && Number.isFinite(receives) && receives >= deps.maxReceiveCount;
}

function keyFromInvalidBody(body: string): string | undefined {
  const key = orderKeyFromBody(body);
  return key ? orderKeyToString(key) : undefined;
}

async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
