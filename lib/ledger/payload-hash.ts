/**
 * The fingerprint that tells a duplicate delivery from a conflicting one. SQS redelivers the same
 * bytes, but a storefront re-publishing an order may serialise it differently (key order,
 * `"19.99"` vs `19.99`), so the hash is taken over the *parsed* `Order` — money already in cents,
 * phone in digits, state as its USPS code — written as JSON with object keys sorted.
 *
 * Array order is kept: the lines' order is the invoice's line order. Date-times are hashed as sent
 * (the same instant written with another offset counts as different content).
 */
import { createHash } from "node:crypto";
import type { Order } from "../order/event-schema.ts";

export { type OrderKey, orderKeyToString } from "./order-key.ts";

/**
 * `event` is left out: the hash fingerprints the order's content, and a cancellation of the same
 * order (a separate message about it) must not read as a conflicting version of it.
 */
export function hashOrderPayload(order: Order): string {
  const { event: _event, ...content } = order;
  return createHash("sha256").update(canonicalJson(content), "utf8").digest("hex");
}

/** JSON with object keys sorted by code unit and `undefined` members dropped, like `JSON.stringify` does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[name];
    if (member !== undefined) sorted[name] = sortKeys(member);
  }
  return sorted;
}
