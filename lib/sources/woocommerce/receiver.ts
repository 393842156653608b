/**
 * The WooCommerce webhook receiver's logic, HTTP in and HTTP out: verify, filter, wrap, enqueue.
 * It maps nothing — the worker does, through `lib/sources/`, so `npm start` and Lambda share the
 * mapping — and answers fast: WooCommerce waits for the answer, doesn't redeliver a failed delivery,
 * and disables the webhook after 5 failures in a row (`woocommerce_max_webhook_delivery_failures`).
 *
 * 1. The creation ping (`webhook_id=<id>`, form-encoded, unsigned): 200. WooCommerce refuses to save
 *    the webhook unless the answer is exactly 200.
 * 2. A missing or wrong `X-WC-Webhook-Signature`: 401, nothing enqueued.
 * 3. A topic other than `order.created`/`order.updated`, or a status nothing is done for: 200, ignored.
 * 4. An envelope over the worker's body limit: 413 (the worker would dead-letter it unread).
 * 5. Otherwise the envelope goes on the orders queue: 200.
 * Every answer is one outcome for the metrics; logs carry the outcome, delivery id, order id and
 * sizes, never the body.
 */
import { defaultWooCommerceSource, type WooCommerceSourceConfig } from "../../config/schema.ts";
import { formatBytes } from "../../order/byte-size.ts";
import { maxBodyBytes } from "../../order/parse-message.ts";
import {
  isOrderTopic,
  type WooCommerceEnvelope,
  wooCommerceEnvelopeVersion,
  wooCommerceSourceName,
} from "./envelope.ts";
import { isValidWooCommerceSignature } from "./signature.ts";
import { classifyWooCommerceOrder, WooCommerceAction } from "./status.ts";
import { wooCommerceStoreKey } from "./store-key.ts";

export const WebhookOutcome = {
  Queued: "queued",
  Ignored: "ignored",
  Ping: "ping",
  BadSignature: "bad_signature",
  TooLarge: "too_large",
  Invalid: "invalid",
  Failed: "failed",
  MethodNotAllowed: "method_not_allowed",
} as const;
export type WebhookOutcome = (typeof WebhookOutcome)[keyof typeof WebhookOutcome];

/** WooCommerce's headers, by their lower-case names (as Lambda function URLs and Node give them). */
export const WooCommerceHeader = {
  Signature: "x-wc-webhook-signature",
  Topic: "x-wc-webhook-topic",
  Source: "x-wc-webhook-source",
  WebhookId: "x-wc-webhook-id",
  DeliveryId: "x-wc-webhook-delivery-id",
} as const;

export interface WebhookRequest {
  method: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received: the signature covers these bytes. */
  body: Uint8Array;
}

export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The webhook's shared secret; `refresh` re-reads it (a rotated secret) and says whether it changed. */
export interface WebhookSecret {
  current(): Promise<string>;
  refresh?(): Promise<boolean>;
}

/** Safe facts about one delivery (ids, sizes, codes): what the logs get. */
export interface WebhookFacts {
  deliveryId?: string;
  webhookId?: string;
  topic?: string;
  orderId?: string;
  reason?: string;
  bytes?: number;
  limitBytes?: number;
}

export interface ReceiverDependencies {
  config?: WooCommerceSourceConfig;
  secret: WebhookSecret;
  /** Puts one message body on the orders queue (`orders-queue.ts`). */
  enqueue(body: string): Promise<void>;
  /** The largest envelope the worker reads; default its `maxBodyBytes`. */
  maxMessageBytes?: number;
  now?: () => Date;
  observe?(outcome: WebhookOutcome, facts: WebhookFacts): void;
}

const pingBody = /^webhook_id=\d{1,20}$/;
/** Header values copied into the envelope and logs: code-like, bounded. */
const codeLike = /^[A-Za-z0-9_.:#/-]{1,128}$/;

export async function receiveWooCommerceWebhook(
  request: WebhookRequest,
  deps: ReceiverDependencies,
): Promise<WebhookResponse> {
  const config = deps.config ?? defaultWooCommerceSource;
  const header = (name: string) => request.headers[name];
  const facts: WebhookFacts = {
    ...code("deliveryId", header(WooCommerceHeader.DeliveryId)),
    ...code("webhookId", header(WooCommerceHeader.WebhookId)),
    ...code("topic", header(WooCommerceHeader.Topic)),
  };
  const answer = (outcome: WebhookOutcome, statusCode: number, extra: WebhookFacts = {}) => {
    deps.observe?.(outcome, { ...facts, ...extra });
    return response(statusCode, { outcome });
  };

  if (request.method.toUpperCase() !== "POST") return answer(WebhookOutcome.MethodNotAllowed, 405);
  const signature = header(WooCommerceHeader.Signature);
  if (signature === undefined && pingBody.test(Buffer.from(request.body).toString("latin1"))) {
    return answer(WebhookOutcome.Ping, 200);
  }
  if (!(await verify(request.body, signature, deps.secret))) return answer(WebhookOutcome.BadSignature, 401);

  const topic = header(WooCommerceHeader.Topic) ?? "";
  if (!isOrderTopic(topic)) return answer(WebhookOutcome.Ignored, 200, { reason: "topic" });
  let order: unknown;
  try {
    order = JSON.parse(Buffer.from(request.body).toString("utf8"));
  } catch {
    return answer(WebhookOutcome.Invalid, 400, { reason: "body is not JSON" });
  }
  if (typeof order !== "object" || order === null || Array.isArray(order)) {
    return answer(WebhookOutcome.Invalid, 400, { reason: "body is not a JSON object" });
  }
  const json = order as Record<string, unknown>;
  const orderId = typeof json.id === "number" && Number.isSafeInteger(json.id) ? String(json.id) : undefined;
  if (orderId === undefined) return answer(WebhookOutcome.Invalid, 400, { reason: "no order id" });
  const classification = classifyWooCommerceOrder(json, config);
  if (classification.action === WooCommerceAction.Ignore) {
    return answer(WebhookOutcome.Ignored, 200, { orderId, reason: `status:${classification.reason}` });
  }
  const store = wooCommerceStoreKey(config, header(WooCommerceHeader.Source));
  if (store === undefined) {
    return answer(WebhookOutcome.Invalid, 400, {
      orderId,
      reason: "X-WC-Webhook-Source is not a site URL; set sources.woocommerce.store",
    });
  }

  const envelope: WooCommerceEnvelope = {
    source: wooCommerceSourceName,
    envelopeVersion: wooCommerceEnvelopeVersion,
    store,
    orderId,
    topic,
    ...(facts.webhookId ? { webhookId: facts.webhookId } : {}),
    ...(facts.deliveryId ? { deliveryId: facts.deliveryId } : {}),
    receivedAt: (deps.now?.() ?? new Date()).toISOString(),
    order: json,
  };
  const body = JSON.stringify(envelope);
  const bytes = Buffer.byteLength(body, "utf8");
  const limitBytes = deps.maxMessageBytes ?? maxBodyBytes;
  if (bytes > limitBytes) {
    return answer(WebhookOutcome.TooLarge, 413, {
      orderId,
      bytes,
      limitBytes,
      reason: `envelope is ${formatBytes(bytes)}, over the worker's ${formatBytes(limitBytes)}`,
    });
  }
  try {
    await deps.enqueue(body);
  } catch {
    // The SDK already retried; WooCommerce records the failed delivery, and saving the order again re-sends it.
    return answer(WebhookOutcome.Failed, 500, { orderId, reason: "the orders queue refused the message" });
  }
  return answer(WebhookOutcome.Queued, 200, { orderId });
}

async function verify(body: Uint8Array, signature: string | undefined, secret: WebhookSecret): Promise<boolean> {
  if (signature === undefined) return false;
  if (isValidWooCommerceSignature(body, signature, await secret.current())) return true;
  // A rotated secret: this container may still hold the old one.
  if (secret.refresh && (await secret.refresh())) {
    return isValidWooCommerceSignature(body, signature, await secret.current());
  }
  return false;
}

function code<K extends keyof WebhookFacts>(key: K, value: string | undefined): Partial<WebhookFacts> {
  return value !== undefined && codeLike.test(value) ? { [key]: value } : {};
}

function response(statusCode: number, body: { outcome: WebhookOutcome }): WebhookResponse {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
