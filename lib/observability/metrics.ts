/**
 * The worker's CloudWatch metrics, written as Embedded Metric Format lines on stdout (Powertools
 * `Metrics`): CloudWatch Logs extracts them asynchronously, so recording costs no API call and no
 * latency. Counts are aggregated in memory and handed over once per `flush()` (end of each
 * invocation): one EMF line per (metric, dimension value) is written at once, because EMF applies a
 * line's dimensions to every metric on it; the undimensioned counters go on one line that the
 * handler's `logMetrics` middleware publishes (or `Metrics.publishStoredMetrics()` without it).
 * Every record adds to an undimensioned counter (synced, duplicate, or the failure totals), so that
 * line is never empty and Powertools never warns about an invocation without metrics.
 *
 * Silence locally with `POWERTOOLS_METRICS_DISABLED=true` (or `POWERTOOLS_DEV=true`), or use
 * `noopSyncMetrics`.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { ErrorKind, type SyncError } from "../errors.ts";
import { defaultServiceName } from "./logger.ts";

export const metricsNamespace = "OrderSync";

/** Fixed metric names: dashboards and alarms in the CDK stack refer to them. */
export const MetricName = {
  OrdersSynced: "OrdersSynced",
  OrdersDuplicate: "OrdersDuplicate",
  /** Storefront messages acknowledged without action (a topic or status the worker doesn't act on). */
  MessagesIgnored: "MessagesIgnored",
  CustomerMatched: "CustomerMatched",
  OrdersFailedPermanent: "OrdersFailedPermanent",
  OrdersFailedTransient: "OrdersFailedTransient",
  ServiceTitanCalls: "ServiceTitanCalls",
  ServiceTitan429: "ServiceTitan429",
  /** Synced orders whose invoice total differs from the order's `totals.total` by more than a cent. */
  InvoiceTotalMismatch: "InvoiceTotalMismatch",
  /** Synced orders whose payment could not be recorded (`reason`: unavailable, rejected). */
  PaymentNotRecorded: "PaymentNotRecorded",
  /** Seconds since the customer index last caught up with every export feed (the refresh function). */
  IndexLagSeconds: "IndexLagSeconds",
  /** Feed rows whose e-mail, phone or address could not be indexed (skipped, never fatal). */
  IndexRowsSkipped: "IndexRowsSkipped",
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

export const MetricDimension = { MatchedBy: "matchedBy", Reason: "reason" } as const;

export interface SyncMetrics {
  recordOrderSynced(): void;
  recordDuplicate(): void;
  /** A storefront message acknowledged and not acted on (its topic or status). */
  recordIgnored(): void;
  /** How the customer was found or created: `email`, `phone`, `name_address` or `created`. */
  recordMatchedBy(kind: string): void;
  recordFailure(error: SyncError): void;
  /** One HTTP call to ServiceTitan; `undefined` status = no response (network error, timeout). */
  recordServiceTitanCall(status: number | undefined): void;
  /** A synced order whose invoice total differs from the order's (flagged, not failed). */
  recordTotalMismatch(): void;
  /** A synced order whose payment wasn't recorded: `unavailable` (404/405/410) or `rejected`. */
  recordPaymentNotRecorded(reason: string): void;
  /**
   * Hands the aggregated counts to Powertools (dimensioned ones are written at once, the rest are
   * stored for `publishStoredMetrics`) and resets them. Call once at the end of an invocation.
   */
  flush(): void;
}

export interface CreateMetricsOptions {
  serviceName?: string;
  namespace?: string;
}

export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  return new Metrics({
    namespace: options.namespace ?? process.env.POWERTOOLS_METRICS_NAMESPACE ?? metricsNamespace,
    serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? defaultServiceName,
  });
}

/** Dimension values are cardinality in CloudWatch (and cost): keep them short and code-like. */
function dimensionValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 64);
  return cleaned === "" ? "unknown" : cleaned;
}

export function createSyncMetrics(metrics: Metrics = createMetrics()): SyncMetrics {
  const plain = new Map<MetricName, number>();
  const dimensioned = new Map<string, { name: MetricName; dimension: string; value: string; count: number }>();

  const add = (name: MetricName) => plain.set(name, (plain.get(name) ?? 0) + 1);
  const addDimensioned = (name: MetricName, dimension: string, value: string) => {
    const safe = dimensionValue(value);
    const id = `${name}\u0000${dimension}\u0000${safe}`;
    const entry = dimensioned.get(id) ?? { name, dimension, value: safe, count: 0 };
    entry.count += 1;
    dimensioned.set(id, entry);
  };

  return {
    recordOrderSynced: () => add(MetricName.OrdersSynced),
    recordDuplicate: () => add(MetricName.OrdersDuplicate),
    recordIgnored: () => add(MetricName.MessagesIgnored),
    recordMatchedBy: (kind) => addDimensioned(MetricName.CustomerMatched, MetricDimension.MatchedBy, kind),
    recordFailure: (error) => {
      const name =
        error.kind === ErrorKind.Permanent ? MetricName.OrdersFailedPermanent : MetricName.OrdersFailedTransient;
      add(name);
      addDimensioned(name, MetricDimension.Reason, error.reason);
    },
    recordTotalMismatch: () => add(MetricName.InvoiceTotalMismatch),
    recordPaymentNotRecorded: (reason) => addDimensioned(MetricName.PaymentNotRecorded, MetricDimension.Reason, reason),
    recordServiceTitanCall: (status) => {
      add(MetricName.ServiceTitanCalls);
      if (status === 429) add(MetricName.ServiceTitan429);
    },
    flush: () => {
      for (const entry of dimensioned.values()) {
        const single = metrics.singleMetric();
        single.addDimension(entry.dimension, entry.value);
        single.addMetric(entry.name, MetricUnit.Count, entry.count);
      }
      dimensioned.clear();
      if (plain.size === 0) return;
      for (const [name, count] of plain) metrics.addMetric(name, MetricUnit.Count, count);
      plain.clear();
    },
  };
}

/**
 * The customer index refresh's figures, one EMF line per run. Lag is only published when the index
 * has caught up at least once: before that there is no lag to speak of, and the alarm should see
 * missing data (the backfill is still running), not a made-up number.
 */
export function publishIndexRefreshMetrics(
  metrics: Metrics,
  figures: { lagSeconds: number | undefined; skippedRows: number },
): void {
  if (figures.lagSeconds !== undefined)
    metrics.addMetric(MetricName.IndexLagSeconds, MetricUnit.Seconds, figures.lagSeconds);
  metrics.addMetric(MetricName.IndexRowsSkipped, MetricUnit.Count, figures.skippedRows);
  metrics.publishStoredMetrics();
}

/** For callers that want no metrics at all (local runs, benchmarks). */
export const noopSyncMetrics: SyncMetrics = {
  recordOrderSynced: () => {},
  recordDuplicate: () => {},
  recordIgnored: () => {},
  recordMatchedBy: () => {},
  recordFailure: () => {},
  recordServiceTitanCall: () => {},
  recordTotalMismatch: () => {},
  recordPaymentNotRecorded: () => {},
  flush: () => {},
};
