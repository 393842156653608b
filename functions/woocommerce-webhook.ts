/**
 * Lambda entry point behind the WooCommerce webhook's function URL (auth NONE: the HMAC signature
 * is the authentication). Thin by design: the request is turned into bytes and headers, the work is
 * `receiveWooCommerceWebhook` (`lib/sources/woocommerce/receiver.ts`), and the wiring (queue client,
 * cached secret) is built once per container.
 *
 * Function URLs hand a text body (JSON) over as a string and anything else (WooCommerce's
 * form-encoded ping) base64-encoded; either way the signature is checked over the bytes sent.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { createLogger } from "../lib/observability/logger.ts";
import { createMetrics } from "../lib/observability/metrics.ts";
import {
  type ReceiverDependencies,
  receiveWooCommerceWebhook,
  type WebhookRequest,
} from "../lib/sources/woocommerce/receiver.ts";
import { receiverDependenciesFromEnvironment } from "../lib/sources/woocommerce/receiver-environment.ts";
import { webhookObserver } from "../lib/sources/woocommerce/receiver-telemetry.ts";

export function createWooCommerceWebhookHandler(
  dependencies: () => Omit<ReceiverDependencies, "observe">,
  telemetry: { logger: Logger; metrics?: Metrics },
) {
  const handler = middy<LambdaFunctionURLEvent, LambdaFunctionURLResult, Error, Context>().use(
    injectLambdaContext(telemetry.logger, { resetKeys: true }),
  );
  if (telemetry.metrics) handler.use(logMetrics(telemetry.metrics));
  const observe = webhookObserver(telemetry.logger, telemetry.metrics);
  return handler.handler(async (event) =>
    receiveWooCommerceWebhook(webhookRequest(event), { ...dependencies(), observe }),
  );
}

export function webhookRequest(event: LambdaFunctionURLEvent): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: event.requestContext.http.method,
    headers,
    body: Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8"),
  };
}

const logger = createLogger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "order-sync-woocommerce" });
const metrics = createMetrics();
let containerDependencies: Omit<ReceiverDependencies, "observe"> | undefined;

function dependenciesOnce(): Omit<ReceiverDependencies, "observe"> {
  containerDependencies ??= receiverDependenciesFromEnvironment(process.env);
  return containerDependencies;
}

export const handler = createWooCommerceWebhookHandler(dependenciesOnce, { logger, metrics });
