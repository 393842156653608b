/**
 * What the worker tells operators: one structured log line per record outcome (order key, status,
 * ServiceTitan ids, matched-by, the error's reason, field paths and ServiceTitan traceId — never
 * personal data: the logger redacts every item) and EMF metrics flushed once per invocation.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { SyncMetrics } from "../observability/metrics.ts";
import { type RecordOutcome, RecordStatus, type WorkerObserver } from "./process-batch.ts";

export function createTelemetryObserver(logger: Logger, metrics: SyncMetrics): WorkerObserver {
  return {
    recordDone(outcome: RecordOutcome) {
      const { progress, error } = outcome;
      const fields = {
        messageId: outcome.messageId,
        ...(outcome.orderKey ? { orderKey: outcome.orderKey } : {}),
        status: outcome.status,
        ...(progress
          ? {
              matchedBy: progress.matchedBy,
              customerId: progress.customerId,
              locationId: progress.locationId,
              jobId: progress.jobId,
              invoiceId: progress.invoiceId,
            }
          : {}),
        ...(error ? { error } : {}),
      };
      switch (outcome.status) {
        case RecordStatus.Synced:
          metrics.recordOrderSynced();
          if (progress?.matchedBy) metrics.recordMatchedBy(progress.matchedBy);
          logger.info("Order synced", fields);
          if (progress?.totalMismatch) {
            metrics.recordTotalMismatch();
            logger.warn("Invoice total differs from the order total; job flagged for the office", {
              orderKey: outcome.orderKey,
              jobId: progress.jobId,
              invoiceTotalCents: progress.invoiceTotalCents,
            });
          }
          if (progress?.paymentNotRecorded) metrics.recordPaymentNotRecorded(progress.paymentNotRecorded);
          break;
        case RecordStatus.Duplicate:
          metrics.recordDuplicate();
          logger.info("Order already synced; duplicate delivery skipped", fields);
          break;
        case RecordStatus.Ignored:
          metrics.recordIgnored();
          logger.info(
            "Storefront message acknowledged and ignored: the worker doesn't act on its topic or status",
            fields,
          );
          break;
        case RecordStatus.DeadLettered:
          logger.error("Order failed permanently; sent to the DLQ", fields);
          break;
        case RecordStatus.Retry:
          logger.warn("Order failed; SQS will redeliver it", fields);
          break;
      }
    },
    paymentRecordingUnavailable(details) {
      logger.warn(
        "ServiceTitan no longer accepts Payments_Create: payment recording is off for this container; payments go to job notes",
        details,
      );
    },
    recordIndexFallback() {
      logger.warn(
        "Customer index backfill not complete: matching by live phone and name + address searches (e-mail only with Contact Management)",
      );
    },
    recordIndexCatchUpFailure(error) {
      logger.warn("Customer index catch-up failed; matching with the index as it is", { error: error.toSummary() });
    },
    recordFailure(error) {
      metrics.recordFailure(error);
    },
    flush() {
      metrics.flush();
    },
  };
}
