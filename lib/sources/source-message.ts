/**
 * What one queue message means, whatever store sent it. The worker's queue carries our own contract
 * and, with the storefront sources switched on, Shopify's EventBridge events and WooCommerce's webhook
 * bodies; each source maps its payload to one of these, so everything after `lib/sources/` reads a
 * single shape.
 */
import type { Order } from "../order/event-schema.ts";

export const SourceName = {
  Contract: "contract",
  Shopify: "shopify",
  WooCommerce: "woocommerce",
} as const;
export type SourceName = (typeof SourceName)[keyof typeof SourceName];

export const MessageKind = {
  /** An order: placed (`order.event` `order.placed`) or cancelled (`order.cancelled`). */
  Order: "order",
  /** Money given back after the order: noted on the job (tag + note), never booked. */
  Refund: "refund",
  /** A topic or status this worker doesn't act on: acknowledged and counted, not dead-lettered. */
  Ignored: "ignored",
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

export interface OrderMessage {
  kind: typeof MessageKind.Order;
  source: SourceName;
  order: Order;
}

export interface RefundMessage {
  kind: typeof MessageKind.Refund;
  source: SourceName;
  store: string;
  orderId: string;
  /** The storefront's refund id: the same refund delivered twice is noted once. */
  refundId: string;
  amountCents: number;
  currency: string;
  refundedAt?: string;
}

export interface IgnoredMessage {
  kind: typeof MessageKind.Ignored;
  source: SourceName;
  /** The topic or status as the store named it (a code-like word, never personal data). */
  topic: string;
  /** `store:orderId` when known, for the logs. */
  orderKey?: string;
}

export type SourceMessage = OrderMessage | RefundMessage | IgnoredMessage;
