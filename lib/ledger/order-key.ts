/**
 * An order's identity in the ledger: `store` + `orderId` is the idempotency key of the order event
 * contract (`orderId` is only unique per store).
 */
export interface OrderKey {
  store: string;
  orderId: string;
}

/** Prefix of every order item's partition key; creation locks use their scope (`IDENTITY#`, `LOCATION#`, `SKU#`). */
export const orderPartitionKeyPrefix = "ORDER#";

/**
 * `ORDER#{store}#{orderId}` with both parts URL-encoded, so a `#` inside a store or order id can't
 * make two different orders share a key (`a#b` + `c` vs `a` + `b#c`).
 */
export function orderPartitionKey(key: OrderKey): string {
  return `${orderPartitionKeyPrefix}${encodeURIComponent(key.store)}#${encodeURIComponent(key.orderId)}`;
}

/** "store:orderId", for logs and ServiceTitan `externalData` values (no personal data in either part). */
export function orderKeyToString(key: OrderKey): string {
  return `${key.store}:${key.orderId}`;
}
