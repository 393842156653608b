/**
 * What `npm start -- --dry-run` says about a storefront message (WooCommerce, Shopify): the order
 * it maps to, in one line a person can check against the store's admin (type, lines, money, payment,
 * no names or addresses), and what a refund, a cancellation or an ignored status would do.
 */

import type { Order } from "../lib/order/event-schema.ts";
import { centsToDecimal } from "../lib/order/money.ts";
import { MessageKind, type SourceMessage } from "../lib/sources/source-message.ts";

export function mappedOrderLine(source: string, order: Order): string {
  const money = (cents: number | undefined) => (cents === undefined ? "?" : centsToDecimal(cents).toFixed(2));
  const lines = order.lines
    .map((line) => `${line.sku} ×${line.quantity} @ ${money(line.unitPriceCents)} (${line.itemKind})`)
    .join(", ");
  const totals = order.totals
    ? `; subtotal ${money(order.totals.subtotal)}, shipping ${money(order.totals.shipping ?? 0)}, discount ${money(order.totals.discount ?? 0)}, tax ${money(order.totals.tax ?? 0)}, total ${money(order.totals.total)} ${order.currency}`
    : "";
  const payment = order.payment ? `; paid ${money(order.payment.amountCents)} by ${order.payment.method}` : "";
  return `mapped from ${source}: ${order.orderType} order, ${order.purchaseType}; ${lines}${totals}${payment}`;
}

/** A message that isn't an order to place: what the worker would do with it. */
export function nonPlacementLine(message: SourceMessage): string {
  switch (message.kind) {
    case MessageKind.Ignored:
      return `${message.source} ${message.topic}: acknowledged and ignored`;
    case MessageKind.Refund:
      return `${message.source} refund ${message.refundId} of ${centsToDecimal(message.amountCents).toFixed(2)} ${message.currency}: noted on the order's job`;
    default:
      return `${message.source} ${message.order.event}: the order's job is cancelled if still scheduled, else tagged and noted`;
  }
}

export function messageOrderKey(message: SourceMessage): string | undefined {
  switch (message.kind) {
    case MessageKind.Ignored:
      return message.orderKey;
    case MessageKind.Refund:
      return `${message.store}:${message.orderId}`;
    default:
      return `${message.order.store}:${message.order.orderId}`;
  }
}
