/**
 * What a WooCommerce order's status means here. Read the same way by the webhook receiver (what to
 * enqueue) and the worker (what to do), so a status the receiver lets through is one the worker
 * acts on.
 *
 * - A paid status (`sources.woocommerce.paidStatuses`): the order is synced; if it lists refunds, the
 *   latest state of its refunds is noted instead (a partial refund leaves the status as it was).
 * - `refunded` (refunded in full): a refund.
 * - `cancelled`: the order's job is cancelled.
 * - `cancelled`/`refunded` of an order never paid (`date_paid_gmt` empty), and any other status
 *   (`pending`, `on-hold`, `failed`, `checkout-draft`, custom ones): acknowledged and ignored.
 *   WooCommerce cancels unpaid orders itself when their held stock times out (60 minutes by
 *   default); those were never synced, and a cancellation for them would wait for an order that
 *   never comes and then be dead-lettered.
 */
import type { WooCommerceSourceConfig } from "../../config/schema.ts";

export const WooCommerceAction = {
  Place: "place",
  Cancel: "cancel",
  Refund: "refund",
  Ignore: "ignore",
} as const;
export type WooCommerceAction = (typeof WooCommerceAction)[keyof typeof WooCommerceAction];

export interface StatusFacts {
  status?: unknown;
  date_paid_gmt?: unknown;
  date_paid?: unknown;
  refunds?: unknown;
}

export type Classification =
  | { action: Exclude<WooCommerceAction, "ignore"> }
  /** `reason`: a code-like word for logs and metrics (the status, never free text). */
  | { action: typeof WooCommerceAction.Ignore; reason: string };

export function classifyWooCommerceOrder(order: StatusFacts, config: WooCommerceSourceConfig): Classification {
  const status = statusLabel(order.status);
  const paid = isNonEmptyString(order.date_paid_gmt) || isNonEmptyString(order.date_paid);
  if (config.paidStatuses.includes(status)) {
    return Array.isArray(order.refunds) && order.refunds.length > 0
      ? { action: WooCommerceAction.Refund }
      : { action: WooCommerceAction.Place };
  }
  if (status === "cancelled") {
    return paid
      ? { action: WooCommerceAction.Cancel }
      : { action: WooCommerceAction.Ignore, reason: "cancelled-unpaid" };
  }
  if (status === "refunded") {
    return paid
      ? { action: WooCommerceAction.Refund }
      : { action: WooCommerceAction.Ignore, reason: "refunded-unpaid" };
  }
  return { action: WooCommerceAction.Ignore, reason: status };
}

/** The status as a code-like word: custom statuses are free text to WooCommerce. */
export function statusLabel(status: unknown): string {
  return typeof status === "string" && /^[a-z0-9_-]{1,40}$/.test(status) ? status : "unknown-status";
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === "string" && value.trim() !== "";
}
