/**
 * An order's identity in the ledger: `store` + `orderId` is the idempotency key of the order event
 * contract (`orderId` is only unique per store).
 */
export interface OrderKey {
  store: string;
  orderId: string;
  /**
   * Set for what happens to an order after it was placed, each with a ledger item of its own:
   * `cancellation`, or `refund:<refundId>` (see `followUpKey`). Absent: the order itself.
   */
  followUp?: string;
}

/** Prefix of the items of follow-ups (a cancellation, a refund): listed apart from orders. */
export const followUpPartitionKeyPrefix = "FOLLOWUP#";

/** Prefix of every order item's partition key; creation locks use their scope (`IDENTITY#`, `LOCATION#`, `SKU#`). */
export const orderPartitionKeyPrefix = "ORDER#";

/**
 * `ORDER#{store}#{orderId}` with both parts URL-encoded, so a `#` inside a store or order id can't
 * make two different orders share a key (`a#b` + `c` vs `a` + `b#c`).
 */
export function orderPartitionKey(key: OrderKey): string {
  const order = `${encodeURIComponent(key.store)}#${encodeURIComponent(key.orderId)}`;
  if (key.followUp === undefined) return `${orderPartitionKeyPrefix}${order}`;
  return `${followUpPartitionKeyPrefix}${order}#${encodeURIComponent(key.followUp)}`;
}

/** "store:orderId", for logs and ServiceTitan `externalData` values (no personal data in either part). */
export function orderKeyToString(key: OrderKey): string {
  return `${key.store}:${key.orderId}`;
}
