/**
 * Shopify's `refunds/create` payload (the refund resource) as a `RefundMessage`. The money given back
 * is the sum of the refund's successful `refund` transactions; a refund that gave no money back (a
 * restock or a cancelled line with nothing charged) is nothing for the office to settle: `undefined`,
 * and the event is ignored.
 */
import { InvalidMessageError, ReasonCode } from "../../errors.ts";
import { MessageKind, type RefundMessage, SourceName } from "../source-message.ts";
import { payloadPath, shopifyFieldPath } from "./field-path.ts";
import type { ShopifyRefund } from "./payload-schema.ts";

export function shopifyRefundToMessage(refund: ShopifyRefund, store: string): RefundMessage | undefined {
  const transactions = (refund.transactions ?? []).filter(
    (transaction) => transaction.kind === "refund" && transaction.status === "success",
  );
  const amountCents = transactions.reduce((total, transaction) => total + transaction.amount, 0);
  if (amountCents <= 0) return undefined;
  const currencies = [...new Set(transactions.map((transaction) => transaction.currency?.toUpperCase()))];
  const currency = currencies[0];
  if (currencies.length !== 1 || currency === undefined || !/^[A-Z]{3}$/.test(currency)) {
    throw new InvalidMessageError(
      ReasonCode.ContractViolation,
      "Shopify refund is not valid: its refund transactions must name one ISO 4217 currency",
      [shopifyFieldPath([...payloadPath, "transactions"])],
    );
  }
  const refundedAt = refund.created_at && isIsoDateTime(refund.created_at) ? refund.created_at : undefined;
  return {
    kind: MessageKind.Refund,
    source: SourceName.Shopify,
    store,
    orderId: refund.order_id,
    refundId: refund.id,
    amountCents,
    currency,
    ...(refundedAt ? { refundedAt } : {}),
  };
}

function isIsoDateTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value);
}
