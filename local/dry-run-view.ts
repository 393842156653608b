/**
 * What `npm start -- --dry-run` shows of a message before its plan: for a storefront's payload, the
 * order it maps to (so a contractor trying their own Shopify exports sees the mapping), and for a
 * message that isn't an order to place, what the worker would do with it. Contact details (names,
 * e-mail, phone, addresses) are left out: the plan already says which customer and location match.
 */

import type { Order } from "../lib/order/event-schema.ts";
import { centsToDecimal } from "../lib/order/money.ts";
import { MessageKind, type SourceMessage, SourceName } from "../lib/sources/source-message.ts";

export interface MappedOrderView {
  source: string;
  orderType: Order["orderType"];
  purchaseType: Order["purchaseType"];
  placedAt: string;
  currency: string;
  company: boolean;
  lines: { sku: string; name: string; quantity: number; unitPrice: number; itemKind: string }[];
  totals?: Record<string, number | undefined>;
  payment?: { method: string; amount: number; paidAt: string };
}

export function mappedOrderView(source: string, order: Order): MappedOrderView {
  const totals = order.totals
    ? Object.fromEntries(
        Object.entries(order.totals).map(([name, cents]) => [
          name,
          cents === undefined ? undefined : centsToDecimal(cents),
        ]),
      )
    : undefined;
  return {
    source,
    orderType: order.orderType,
    purchaseType: order.purchaseType,
    placedAt: order.placedAt,
    currency: order.currency,
    company: order.customer.company !== undefined,
    lines: order.lines.map((line) => ({
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: centsToDecimal(line.unitPriceCents),
      itemKind: line.itemKind,
    })),
    ...(totals ? { totals } : {}),
    ...(order.payment
      ? {
          payment: {
            method: order.payment.method,
            amount: centsToDecimal(order.payment.amountCents),
            paidAt: order.payment.paidAt,
          },
        }
      : {}),
  };
}

/** One line for the text output. */
export function mappedOrderText(view: MappedOrderView): string {
  const lines = view.lines.map((l) => `${l.sku} ×${l.quantity} at ${l.unitPrice} (${l.itemKind})`).join(", ");
  const totals = view.totals
    ? `; totals ${Object.entries(view.totals)
        .filter(([, amount]) => amount !== undefined)
        .map(([name, amount]) => `${name} ${amount}`)
        .join(", ")}`
    : "";
  const payment = view.payment ? `; paid ${view.payment.amount} (${view.payment.method})` : "; not paid online";
  return `mapped from ${view.source}: ${view.orderType} order, ${view.purchaseType.replace("_", "-")}${view.company ? ", company" : ""}; ${lines}${totals}${payment}`;
}

/** What the worker does with a message that isn't an order to place; undefined for one that is. */
export function handlingOf(message: SourceMessage): string | undefined {
  if (message.kind === MessageKind.Ignored)
    return `ignored: ${message.source} topic ${message.topic} (acknowledged, counted)`;
  if (message.kind === MessageKind.Refund) {
    return `refund ${message.refundId} of ${centsToDecimal(message.amountCents)} ${message.currency} (${message.source})`;
  }
  if (message.order.event !== "order.placed") return `cancellation of the order (${message.source})`;
  return undefined;
}

export const isStorefront = (message: SourceMessage) => message.source !== SourceName.Contract;
