/**
 * What the receiver reports per delivery: one log line (outcome, delivery and order ids, sizes — the
 * body never) and one count of `WooCommerceWebhooks` by `outcome`, so a dashboard or an alarm sees
 * forged or mis-keyed deliveries (`bad_signature`) and orders too large to take (`too_large`).
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { type WebhookFacts, WebhookOutcome } from "./receiver.ts";

export const webhookMetricName = "WooCommerceWebhooks";
export const webhookOutcomeDimension = "outcome";

const levels: Record<WebhookOutcome, "info" | "warn" | "error"> = {
  [WebhookOutcome.Queued]: "info",
  [WebhookOutcome.Ignored]: "info",
  [WebhookOutcome.Ping]: "info",
  [WebhookOutcome.BadSignature]: "warn",
  [WebhookOutcome.TooLarge]: "warn",
  [WebhookOutcome.Invalid]: "warn",
  [WebhookOutcome.MethodNotAllowed]: "warn",
  [WebhookOutcome.Failed]: "error",
};

export function webhookObserver(logger: Logger, metrics?: Metrics) {
  return (outcome: WebhookOutcome, facts: WebhookFacts): void => {
    logger[levels[outcome]]("WooCommerce webhook", { outcome, ...facts });
    if (metrics) {
      // One delivery per invocation: the dimension applies to this count only (logMetrics clears it).
      metrics.addDimension(webhookOutcomeDimension, outcome);
      metrics.addMetric(webhookMetricName, MetricUnit.Count, 1);
    }
  };
}
