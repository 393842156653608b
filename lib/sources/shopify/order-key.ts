/**
 * The order a Shopify event is about, read without trusting the body: for the DLQ's `orderKey`
 * attribute, the replay's `--order`/`--store` filters and the logs, also when the event is invalid.
 * Only a `*.myshopify.com` domain and a plain Shopify id are taken, nothing else of the body.
 */
import type { JsonObject } from "../../order/parse-message.ts";
import { canonicalHeaders, looksLikeShopifyEvent, ShopifyHeader, shopDomainPattern } from "./envelope.ts";

/** The order id a payload names (`id` for `orders/*`, `order_id` for `refunds/*`), when it is a plain Shopify id. */
export function orderIdOf(payload: Record<string, unknown>, topic: string): string | undefined {
  const candidate = topic.startsWith("refunds/")
    ? payload.order_id
    : topic.startsWith("orders/")
      ? payload.id
      : undefined;
  if (typeof candidate === "number" && Number.isSafeInteger(candidate) && candidate > 0) return String(candidate);
  if (typeof candidate === "string" && /^[1-9]\d{0,18}$/.test(candidate)) return candidate;
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
