/**
 * The WooCommerce receiver as WooCommerce meets it: the real handler (`functions/woocommerce-webhook.ts`)
 * behind a local function URL (a real HTTP server), enqueueing into a local SQS queue.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { createWooCommerceWebhookHandler } from "../../functions/woocommerce-webhook.ts";
import type { WooCommerceSourceConfig } from "../../lib/config/schema.ts";
import { createLogger, memorySink } from "../../lib/observability/logger.ts";
import { ordersQueueSender } from "../../lib/sources/woocommerce/orders-queue.ts";
import { startFunctionUrlServer } from "../../local/function-url-server.ts";

export interface TestReceiver {
  url: string;
  secret: string;
  /** Every line the receiver logged (JSON). */
  logLines: string[];
  stop(): Promise<void>;
}

export const testWebhookSecret = "wc-test-secret-4f9a2c7e1b";

export async function startTestReceiver(options: {
  sqs: SQSClient;
  queueUrl: string;
  config?: WooCommerceSourceConfig;
  maxMessageBytes?: number;
}): Promise<TestReceiver> {
  const logs = memorySink();
  const handler = createWooCommerceWebhookHandler(
    () => ({
      secret: { current: async () => testWebhookSecret },
      enqueue: ordersQueueSender(options.sqs, options.queueUrl),
      ...(options.config ? { config: options.config } : {}),
      ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}),
    }),
    { logger: createLogger({ level: "DEBUG", sink: logs.sink }) },
  );
  const server = await startFunctionUrlServer(handler, { functionName: "woocommerce-webhook-local" });
  return { url: server.url, secret: testWebhookSecret, logLines: logs.lines, stop: server.stop };
}
