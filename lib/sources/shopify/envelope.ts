/**
 * Shopify's Amazon EventBridge delivery, as the orders queue receives it: an EventBridge rule that
 * targets SQS puts the whole event in the message body. Shopify's partner event source sends
 * `detail-type: "shopifyWebhook"`, `source: "aws.partner/shopify.com/<app id>/<name>"`, the webhook's
 * headers in `detail.metadata` and the webhook body (the order, the refund) in `detail.payload`
 * (shopify.dev, "Manage webhooks with Amazon EventBridge").
 *
 * The envelope is Powertools' EventBridge schema, narrowed to Shopify's detail-type and source:
 * every field EventBridge always sends is checked, not just the two we read.
 */
import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import * as z from "zod";
import type { JsonObject } from "../../order/parse-message.ts";

export const shopifyDetailType = "shopifyWebhook";
export const shopifySourcePrefix = "aws.partner/shopify.com/";

/** The headers Shopify copies into `detail.metadata`, as its documentation spells them. */
export const ShopifyHeader = {
  Topic: "X-Shopify-Topic",
  ShopDomain: "X-Shopify-Shop-Domain",
  WebhookId: "X-Shopify-Webhook-Id",
  ApiVersion: "X-Shopify-API-Version",
} as const;

/**
 * HTTP header names are case-insensitive, and nothing promises the metadata keeps Shopify's casing:
 * known headers are read whatever their case.
 */
export function canonicalHeaders(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const canonical = new Map(Object.values(ShopifyHeader).map((name) => [name.toLowerCase(), name]));
  return Object.fromEntries(
    Object.entries(value).map(([key, header]) => [canonical.get(key.toLowerCase()) ?? key, header]),
  );
}

/**
 * A shop's permanent `*.myshopify.com` domain (the primary domain can change; this one can't): the
 * store key of its orders. Lower-case letters, digits and hyphens before the suffix, which keeps it a
 * valid contract `store` (at most 64 characters, no `:`).
 */
export const shopDomainPattern = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const shopDomain = z
  .string()
  .trim()
  .toLowerCase()
  .max(64)
  .regex(shopDomainPattern, "Expected the shop's <name>.myshopify.com domain");

/** A topic as Shopify names them (`orders/paid`, `refunds/create`): a code, never personal data. */
const topic = z
  .string()
  .max(100)
  .regex(/^[a-z0-9_]+(\/[a-z0-9_]+)+$/, "Expected a Shopify webhook topic such as orders/paid");

const metadataSchema = z.preprocess(
  canonicalHeaders,
  z.looseObject({
    [ShopifyHeader.Topic]: topic,
    [ShopifyHeader.ShopDomain]: shopDomain,
    [ShopifyHeader.WebhookId]: z.string().max(200).optional(),
    [ShopifyHeader.ApiVersion]: z.string().max(20).optional(),
  }),
);

export const shopifyEventSchema = EventBridgeSchema.extend({
  "detail-type": z.literal(shopifyDetailType),
  source: z.string().max(256).startsWith(shopifySourcePrefix, `Expected a source starting ${shopifySourcePrefix}`),
  detail: z.object({
    metadata: metadataSchema,
    payload: z.record(z.string(), z.unknown()),
  }),
});
export type ShopifyEvent = z.output<typeof shopifyEventSchema>;

/**
 * Whether a body claims to be a Shopify EventBridge event. Either mark is enough: a body that claims
 * to be Shopify's and isn't valid is Shopify's error to report, with Shopify's field names, rather
 * than a contract violation listing every contract field as missing.
 */
export function looksLikeShopifyEvent(json: JsonObject): boolean {
  const source = json.source;
  return (
    json["detail-type"] === shopifyDetailType || (typeof source === "string" && source.startsWith(shopifySourcePrefix))
  );
}
