/**
 * The WooCommerce source: recognises the receiver's envelope (`envelope.ts`) and a bare REST v3
 * order (an export given to `npm start -- --orders`), and maps either to a `SourceMessage`. The
 * order's status decides what it is (`status.ts`); only then is the order read in full, so a
 * `pending` order with half its fields empty is ignored rather than dead-lettered.
 */
import { defaultWooCommerceSource, type SourcesConfig, type WooCommerceSourceConfig } from "../../config/schema.ts";
import { InvalidMessageError, ReasonCode } from "../../errors.ts";
import { OrderEventType } from "../../order/event-schema.ts";
import type { JsonObject } from "../../order/parse-message.ts";
import { formatIssues, issuePaths } from "../../validation/issues.ts";
import { MessageKind, type SourceMessage, SourceName } from "../source-message.ts";
import {
  isBareWooCommerceOrder,
  isOrderTopic,
  isWooCommerceEnvelope,
  selfLinkOf,
  wooCommerceEnvelopeSchema,
} from "./envelope.ts";
import { mapWooCommerceOrder } from "./map-order.ts";
import { refundOf } from "./refund.ts";
import { restOrderSchema } from "./rest-order.ts";
import { classifyWooCommerceOrder, WooCommerceAction } from "./status.ts";
import { wooCommerceStoreKey } from "./store-key.ts";

export function parseWooCommerceMessage(json: JsonObject, sources: SourcesConfig): SourceMessage | undefined {
  const config = sources.woocommerce ?? defaultWooCommerceSource;
  if (isWooCommerceEnvelope(json)) {
    const parsed = wooCommerceEnvelopeSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidMessageError(
        ReasonCode.ContractViolation,
        `WooCommerce envelope is malformed: ${formatIssues(parsed.error.issues)}`,
        issuePaths(parsed.error.issues),
      );
    }
    const envelope = parsed.data;
    if (!isOrderTopic(envelope.topic)) return ignored(envelope.topic, envelope.store, envelope.orderId);
    if (String(envelope.order.id) !== envelope.orderId) {
      throw new InvalidMessageError(
        ReasonCode.ContractViolation,
        "WooCommerce envelope's orderId differs from its order's id",
        ["orderId", "order.id"],
      );
    }
    return fromOrder(envelope.order, envelope.store, config);
  }
  if (isBareWooCommerceOrder(json)) {
    const store = wooCommerceStoreKey(config, selfLinkOf(json));
    if (store === undefined) {
      throw new InvalidMessageError(
        ReasonCode.ContractViolation,
        "WooCommerce order names no store: it has no _links.self; set sources.woocommerce.store in the mapping config",
        ["_links.self"],
      );
    }
    return fromOrder(json, store, config);
  }
  return undefined;
}

function fromOrder(json: JsonObject, store: string, config: WooCommerceSourceConfig): SourceMessage {
  const classification = classifyWooCommerceOrder(json, config);
  const orderId = typeof json.id === "number" && Number.isSafeInteger(json.id) ? String(json.id) : undefined;
  if (classification.action === WooCommerceAction.Ignore)
    return ignored(`status:${classification.reason}`, store, orderId);
  const parsed = restOrderSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidMessageError(
      ReasonCode.ContractViolation,
      `WooCommerce order is malformed: ${formatIssues(parsed.error.issues)}`,
      issuePaths(parsed.error.issues),
    );
  }
  const order = parsed.data;
  if (classification.action === WooCommerceAction.Refund) return refundOf(order, store);
  const event = classification.action === WooCommerceAction.Cancel ? OrderEventType.Cancelled : OrderEventType.Placed;
  return {
    kind: MessageKind.Order,
    source: SourceName.WooCommerce,
    order: mapWooCommerceOrder(order, { store, event, config }),
  };
}

function ignored(topic: string, store: string, orderId: string | undefined): SourceMessage {
  return {
    kind: MessageKind.Ignored,
    source: SourceName.WooCommerce,
    topic: `woocommerce:${topic}`.slice(0, 80),
    ...(orderId ? { orderKey: `${store}:${orderId}` } : {}),
  };
}
