/**
 * A WooCommerce order's refunds as one `RefundMessage`. The order lists every refund so far
 * (`refunds[]`: id, reason, a negative `total`), and WooCommerce builds a webhook's body when it
 * delivers it, so two refunds made a minute apart may both arrive in both deliveries. The message
 * therefore carries the refunds' state, not one refund: `amountCents` is everything refunded so far
 * and `refundId` names every refund it covers ("101+102"), so each new refund is noted once and a
 * re-delivery of the same state is a duplicate.
 */
import { createHash } from "node:crypto";
import { InvalidMessageError, ReasonCode } from "../../errors.ts";
import { parseMoneyToCents } from "../../order/money.ts";
import { MessageKind, type RefundMessage, SourceName } from "../source-message.ts";
import { asUtc } from "./map-order.ts";
import type { RestOrder } from "./rest-order.ts";

/** Longer lists of refund ids are named by a digest (the refund id is a key downstream). */
const maxRefundIdLength = 64;

export function refundOf(order: RestOrder, store: string): RefundMessage {
  const amounts = order.refunds.map((refund, index) => {
    const cents = parseMoneyToCents(refund.total ?? "");
    if (cents === undefined) {
      throw new InvalidMessageError(ReasonCode.ContractViolation, "WooCommerce refund total is not money", [
        `refunds.${index}.total`,
      ]);
    }
    return Math.abs(cents);
  });
  const ids = order.refunds.map((refund) => refund.id).sort((a, b) => a - b);
  // Status `refunded` without a listed refund (an old export): the whole order was refunded.
  const amountCents = ids.length > 0 ? amounts.reduce((sum, cents) => sum + cents, 0) : orderTotalCents(order);
  return {
    kind: MessageKind.Refund,
    source: SourceName.WooCommerce,
    store,
    orderId: String(order.id),
    refundId: refundIdOf(ids),
    amountCents,
    currency: order.currency.toUpperCase(),
    ...(order.date_modified_gmt ? { refundedAt: asUtc(order.date_modified_gmt) } : {}),
  };
}

function orderTotalCents(order: RestOrder): number {
  const cents = parseMoneyToCents(order.total ?? "");
  if (cents === undefined) {
    throw new InvalidMessageError(ReasonCode.ContractViolation, "WooCommerce order total is not money", ["total"]);
  }
  return cents;
}

function refundIdOf(ids: readonly number[]): string {
  if (ids.length === 0) return "full";
  const joined = ids.join("+");
  if (joined.length <= maxRefundIdLength) return joined;
  const digest = createHash("sha256").update(joined).digest("hex").slice(0, 16);
  return `${ids.length}-refunds-${ids.at(-1)}-${digest}`;
}
