/**
 * The order a Shopify event is about, read without trusting the body: for the DLQ's `orderKey`
 * attribute, the replay's `--order`/`--store` filters and the logs, also when the event is invalid.
 * Only a `*.myshopify.com` domain and a plain Shopify id are taken, nothing else of the body.
 */
import type { JsonObject } from "../../order/parse-message.ts";
import { canonicalHeaders, looksLikeShopifyEvent, ShopifyHeader, shopDomainPattern } from "./envelope.ts";
import { exactOrderId } from "./payload-schema.ts";

/** The order id a payload names (`id` for `orders/*`, `order_id` for `refunds/*`), when it is an exact Shopify id. */
export function orderIdOf(payload: Record<string, unknown>, topic: string): string | undefined {
  if (topic.startsWith("orders/")) return exactOrderId(payload.id, payload.admin_graphql_api_id);
  if (topic.startsWith("refunds/")) return exactOrderId(payload.order_id, undefined);
  return undefined;
}

export function shopifyOrderKeyOf(json: JsonObject): { store: string; orderId: string } | undefined {
  if (!looksLikeShopifyEvent(json)) return undefined;
  const detail = json.detail;
  if (typeof detail !== "object" || detail === null) return undefined;
  const { metadata, payload } = detail as { metadata?: unknown; payload?: unknown };
  const headers = canonicalHeaders(metadata) as Record<string, unknown> | undefined;
  const topic = headers?.[ShopifyHeader.Topic];
  const domain = headers?.[ShopifyHeader.ShopDomain];
  if (typeof topic !== "string" || typeof domain !== "string") return undefined;
  const store = domain.trim().toLowerCase();
  if (store.length > 64 || !shopDomainPattern.test(store)) return undefined;
  if (typeof payload !== "object" || payload === null) return undefined;
  const orderId = orderIdOf(payload as Record<string, unknown>, topic);
  return orderId ? { store, orderId } : undefined;
}
