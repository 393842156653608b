/**
 * What the webhook receiver puts on the orders queue: WooCommerce's body, unchanged, inside a small
 * envelope saying where it came from. The worker can't see HTTP headers, and three of them matter:
 * the topic (`X-WC-Webhook-Topic`), the store (`X-WC-Webhook-Source`) and the delivery id. `store`
 * and `orderId` sit at the top level, as in our contract, so a dead letter names its order
 * (`orderKeyFromBody`) even when the order inside can't be read.
 *
 * ```json
 * { "source": "woocommerce", "envelopeVersion": 1, "store": "shop.example.com", "orderId": "727",
 *   "topic": "order.updated", "webhookId": "12", "deliveryId": "7f2c…", "receivedAt": "2026-…Z",
 *   "order": { …the REST v3 order… } }
 * ```
 */
import * as z from "zod";
import type { JsonObject } from "../../order/parse-message.ts";

export const wooCommerceSourceName = "woocommerce";
export const wooCommerceEnvelopeVersion = 1;

/** The order topics that carry an order to act on; every other topic is acknowledged and ignored. */
export const WooCommerceTopic = { OrderCreated: "order.created", OrderUpdated: "order.updated" } as const;
export type WooCommerceTopic = (typeof WooCommerceTopic)[keyof typeof WooCommerceTopic];

export function isOrderTopic(topic: string): topic is WooCommerceTopic {
  return topic === WooCommerceTopic.OrderCreated || topic === WooCommerceTopic.OrderUpdated;
}

const code = (max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.:#/-]+$/, "Expected a code-like value")
    .max(max);

export const wooCommerceEnvelopeSchema = z.object({
  source: z.literal(wooCommerceSourceName),
  envelopeVersion: z.literal(wooCommerceEnvelopeVersion),
  store: z.string().regex(/^[A-Za-z0-9_.#/-]{1,64}$/, "Expected a store key (host name)"),
  orderId: code(64),
  topic: code(64),
  webhookId: code(64).optional(),
  deliveryId: code(128).optional(),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  order: z.record(z.string(), z.unknown()),
});

export type WooCommerceEnvelope = z.output<typeof wooCommerceEnvelopeSchema>;

/** Our envelope (whatever else it holds): `source` says so. */
export function isWooCommerceEnvelope(json: JsonObject): boolean {
  return json.source === wooCommerceSourceName && "order" in json;
}

/**
 * A bare REST order (an export, `npm start -- --orders`): WooCommerce's `billing` object and
 * `line_items` array with a numeric `id` and a `status`. Shopify's order has `billing_address` and
 * `financial_status` instead, and our contract has neither.
 */
export function isBareWooCommerceOrder(json: JsonObject): boolean {
  return (
    typeof json.id === "number" &&
    typeof json.status === "string" &&
    typeof json.billing === "object" &&
    json.billing !== null &&
    Array.isArray(json.line_items)
  );
}

/** The site a REST order links to (`_links.self[0].href`), if it says. */
export function selfLinkOf(order: JsonObject): unknown {
  const links = order._links as { self?: { href?: unknown }[] } | undefined;
  return Array.isArray(links?.self) ? links.self[0]?.href : undefined;
}
