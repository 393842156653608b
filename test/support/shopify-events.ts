/**
 * Shopify EventBridge events for tests: the real, MIT-licensed Shopify payloads in
 * `../shared/storefronts/shopify/` (read from there, never copied), wrapped the way Shopify's partner
 * event source delivers them and an EventBridge rule puts them in an SQS body (shopify.dev, "Manage
 * webhooks with Amazon EventBridge"; `../shared/storefronts/SOURCES.md`).
 */
import { readFileSync } from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "../..");
export const shopifyPayloadsDir = path.resolve(repoRoot, "../shared/storefronts/shopify");

export type Json = Record<string, unknown>;

function readShared(file: string): Json {
  return JSON.parse(readFileSync(path.join(shopifyPayloadsDir, file), "utf8")) as Json;
}

/** `python-api-order.json`'s order: a fresh copy each call, so a test can derive from it. */
export function sharedShopifyOrder(): Json {
  return readShared("python-api-order.json").order as Json;
}

export function sharedShopifyOrders(): Json[] {
  return readShared("python-api-orders.json").orders as Json[];
}

export function sharedShopifyRefund(): Json {
  return readShared("python-api-refund.json").refund as Json;
}

export const exampleShop = "example-hvac.myshopify.com";
export const exampleEventSource = "aws.partner/shopify.com/1234567/order-sync";

let eventCount = 0;

/** The EventBridge event Shopify's partner event source emits for one webhook. */
export function shopifyEnvelope(topic: string, payload: Json, options: { shop?: string } = {}): Json {
  eventCount++;
  return {
    version: "0",
    id: `0b0e3c1a-6a4f-4f59-9d7e-${String(eventCount).padStart(12, "0")}`,
    "detail-type": "shopifyWebhook",
    source: exampleEventSource,
    account: "123456789012",
    time: "2026-11-20T21:04:05Z",
    region: "us-east-1",
    resources: [],
    detail: {
      metadata: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": options.shop ?? exampleShop,
        "X-Shopify-Hmac-SHA256": "bm90IGEgcmVhbCBobWFj",
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": `b54557e4-bdd9-4b37-8a5f-${String(eventCount).padStart(12, "0")}`,
      },
      payload,
    },
  };
}

/** The shared order as Shopify sends it once paid (`financial_status: "paid"`), with edits applied. */
export function paidShopifyOrder(edit: (order: Json) => void = () => {}): Json {
  const order = sharedShopifyOrder();
  order.financial_status = "paid";
  edit(order);
  return order;
}

/** Every address in the order, for edits that must reach billing, shipping and the customer's default. */
export function addressesOf(order: Json): Json[] {
  const customer = order.customer as Json | undefined;
  return [order.billing_address, order.shipping_address, customer?.default_address].filter(
    (address): address is Json => typeof address === "object" && address !== null,
  );
}

export function lineItemsOf(order: Json): Json[] {
  return order.line_items as Json[];
}
