/**
 * Shopify's EventBridge events on the orders queue, by topic:
 *
 * - `orders/paid`: the order, placed.
 * - `orders/updated` and `orders/create`: the same order again when it is paid and not cancelled —
 *   Shopify re-sends the whole order on every change. Mapped exactly as `orders/paid`, a re-send
 *   whose mapped content is unchanged (a refund, a fulfilment, a tag) is a duplicate; one whose
 *   content changed after it was synced (an edited line or address) is the contract's
 *   `ORDER_CONFLICT`, dead-lettered for the office. An unpaid or cancelled one is ignored: the order
 *   comes with `orders/paid`, its cancellation with `orders/cancelled`.
 * - `orders/cancelled`: the order, with `event: "order.cancelled"`.
 * - `refunds/create`: a refund of the order.
 * - anything else: ignored (acknowledged and counted).
 *
 * A payload that is only `{"id": …}` is Shopify's stand-in for one over 1,000,000 bytes: it can't be
 * synced, and goes to the DLQ as `PAYLOAD_OMITTED`.
 */
import type * as z from "zod";
import type { SyncConfig } from "../../config/schema.ts";
import { InvalidMessageError, PayloadOmittedError, ReasonCode } from "../../errors.ts";
import { skuMatcher } from "../../normalize/sku-glob.ts";
import { OrderEventType, orderEventSchema } from "../../order/event-schema.ts";
import type { JsonObject } from "../../order/parse-message.ts";
import { formatIssuePath, maxReportedIssues } from "../../validation/issues.ts";
import { MessageKind, type SourceMessage, SourceName } from "../source-message.ts";
import { looksLikeShopifyEvent, ShopifyHeader, shopifyEventSchema } from "./envelope.ts";
import { payloadPath, shopifyFieldPath } from "./field-path.ts";
import { paidFinancialStatuses, type ShopifyMapping, shopifyOrderToContract } from "./map-order.ts";
import { shopifyRefundToMessage } from "./map-refund.ts";
import { orderIdOf } from "./order-key.ts";
import { shopifyOrderSchema, shopifyRefundSchema } from "./payload-schema.ts";

export const ShopifyTopic = {
  OrdersPaid: "orders/paid",
  OrdersCreate: "orders/create",
  OrdersUpdated: "orders/updated",
  OrdersCancelled: "orders/cancelled",
  RefundsCreate: "refunds/create",
} as const;

/** The topics the CDK rule forwards (`orders/create` is read the same way if someone routes it). */
export const handledShopifyTopics: readonly string[] = [
  ShopifyTopic.OrdersPaid,
  ShopifyTopic.OrdersUpdated,
  ShopifyTopic.OrdersCancelled,
  ShopifyTopic.RefundsCreate,
];

export function parseShopifyEvent(json: JsonObject, config: SyncConfig): SourceMessage | undefined {
  if (!looksLikeShopifyEvent(json)) {
    rejectBareOrder(json);
    return undefined;
  }
  const event = parseWith(shopifyEventSchema, json, [], "Shopify EventBridge event");
  const topic = event.detail.metadata[ShopifyHeader.Topic];
  const store = event.detail.metadata[ShopifyHeader.ShopDomain];
  const payload = event.detail.payload;
  const ignored = (): SourceMessage => ({
    kind: MessageKind.Ignored,
    source: SourceName.Shopify,
    topic,
    ...(orderIdOf(payload, topic) ? { orderKey: `${store}:${orderIdOf(payload, topic)}` } : {}),
  });

  const isOrderTopic = [
    ShopifyTopic.OrdersPaid,
    ShopifyTopic.OrdersCreate,
    ShopifyTopic.OrdersUpdated,
    ShopifyTopic.OrdersCancelled,
  ].includes(topic as never);
  if (!isOrderTopic && topic !== ShopifyTopic.RefundsCreate) return ignored();
  rejectOmittedPayload(payload, store, topic);

  if (topic === ShopifyTopic.RefundsCreate) {
    const refund = parseWith(shopifyRefundSchema, payload, payloadPath, "Shopify refund");
    return shopifyRefundToMessage(refund, store) ?? ignored();
  }
  const order = parseWith(shopifyOrderSchema, payload, payloadPath, "Shopify order");
  const isResend = topic === ShopifyTopic.OrdersUpdated || topic === ShopifyTopic.OrdersCreate;
  if (isResend && (!paidFinancialStatuses.has(order.financial_status ?? "") || order.cancelled_at)) return ignored();

  const { input, provenance } = shopifyOrderToContract(order, store, mappingFrom(config));
  if (topic === ShopifyTopic.OrdersCancelled) input.event = OrderEventType.Cancelled;
  const result = orderEventSchema.safeParse(input);
  if (!result.success) {
    const located = result.error.issues.map((issue) => ({
      path: shopifyFieldPath(nearestSource(provenance, issue.path)),
      message: issue.message,
    }));
    throw invalid("Shopify order does not map to a valid order", located);
  }
  return { kind: MessageKind.Order, source: SourceName.Shopify, order: result.data };
}

function mappingFrom(config: SyncConfig): ShopifyMapping {
  const shopify = config.sources.shopify;
  return {
    isServiceSku: skuMatcher(shopify?.serviceSkus ?? []),
    isSubscriptionSku: skuMatcher(shopify?.subscriptionSkus ?? []),
    productItemKind: config.product.defaultItemKind ?? "material",
  };
}

/** The Shopify path a contract field came from, or its closest recorded parent's. */
function nearestSource(
  provenance: ReadonlyMap<string, readonly PropertyKey[]>,
  contractPath: readonly PropertyKey[],
): readonly PropertyKey[] {
  for (let length = contractPath.length; length > 0; length--) {
    const found = provenance.get(formatIssuePath(contractPath.slice(0, length)));
    if (found) return found;
  }
  return payloadPath;
}

function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: readonly PropertyKey[],
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalid(
    `${what} is not valid`,
    result.error.issues.map((issue) => ({
      path: shopifyFieldPath([...prefix, ...issue.path]),
      message: issue.code === "unrecognized_keys" ? "unknown key" : issue.message,
    })),
  );
}

function invalid(what: string, issues: readonly { path: string; message: string }[]): InvalidMessageError {
  const reported = issues.slice(0, maxReportedIssues);
  const paths = [...new Set(reported.map((issue) => issue.path))];
  return new InvalidMessageError(
    ReasonCode.ContractViolation,
    `${what}: ${reported.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
    paths,
  );
}

/** `{"id": …}` and nothing else: Shopify's payload for a resource over 1,000,000 bytes. */
function rejectOmittedPayload(payload: Record<string, unknown>, store: string, topic: string): void {
  const keys = Object.keys(payload);
  if (keys.length !== 1 || keys[0] !== "id") return;
  const id = orderIdOf(payload, topic);
  throw new PayloadOmittedError(
    `Shopify sent ${topic} for ${id ? `order ${store}:${id}` : store} without its payload (only the id: the payload was over Shopify's 1,000,000-byte limit); see the runbook's PAYLOAD_OMITTED`,
    [shopifyFieldPath([...payloadPath])],
  );
}

/**
 * A Shopify order without its EventBridge envelope (a webhook body, or an Admin API export
 * `{"order": …}` / `{"orders": […]}`) lacks what only the envelope says: the shop (the store key) and the topic. Said
 * plainly, instead of a contract violation listing every contract field.
 */
function rejectBareOrder(json: JsonObject): void {
  const listed = Array.isArray(json.orders) ? (json.orders[0] as unknown) : undefined;
  const wrapped = json.order ?? listed;
  const order = typeof wrapped === "object" && wrapped !== null ? (wrapped as JsonObject) : json;
  const gid = order.admin_graphql_api_id;
  const isShopifyOrder =
    json.schemaVersion === undefined &&
    Array.isArray(order.line_items) &&
    (order.financial_status !== undefined || (typeof gid === "string" && gid.startsWith("gid://shopify/Order/")));
  if (!isShopifyOrder) return;
  throw new InvalidMessageError(
    ReasonCode.ContractViolation,
    'A Shopify order without its EventBridge envelope: the worker reads Shopify orders as Shopify\'s EventBridge source delivers them, which name the shop and the topic (README, "Connect your store: Shopify", shows how to wrap an exported order)',
    ["$"],
  );
}
