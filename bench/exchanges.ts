/**
 * What a ServiceTitan exchange in the sandbox log was for, so the benchmarks can tell per-order work
 * from what a container pays once (token, reference-data check, SKU look-ups) and from reconcile
 * look-ups that only a resumed order should make.
 */
import type { Exchange } from "../sandbox/types.ts";

/** `lib/config/verify-references.ts`: once per container, never per order after warm-up. */
export const referenceOperations: ReadonlySet<string> = new Set([
  "BusinessUnits_GetList",
  "JobTypes_GetList",
  "Campaigns_GetList",
  "Technicians_GetList",
  "ArrivalWindows_GetList",
  "TagTypes_GetList",
  "PaymentTypes_GetList",
  "MembershipTypes_GetList",
  "MembershipTypes_GetDurationBillingList",
  "BookingProviderTags_GetList",
  "JobCancelReasons_GetList",
]);

/** SKU searches (`lib/pipeline/pricebook-items.ts`): once per SKU per container, then cached. */
export const pricebookLookupOperations: ReadonlySet<string> = new Set([
  "Materials_GetList",
  "Equipment_GetList",
  "Services_GetList",
]);

/** The start-up check of configured pricebook items (shipping, discount) lists them by `ids`, not by SKU text. */
export const isReferenceExchange = (e: Exchange): boolean =>
  e.operationId !== undefined &&
  (referenceOperations.has(e.operationId) || (pricebookLookupOperations.has(e.operationId) && "ids" in e.query));

/** A SKU search (`searchText`), once per SKU per container. */
export const isPricebookLookup = (e: Exchange): boolean =>
  e.operationId !== undefined && pricebookLookupOperations.has(e.operationId) && !("ids" in e.query);

export const isTokenExchange = (e: Exchange): boolean => e.path.replace(/\/+$/, "") === "/connect/token";

/**
 * A list filtered by our externalData stamp, or the provider's bookings by `externalId`: how a resumed
 * order finds what a crashed attempt wrote.
 */
export const isExternalDataLookup = (e: Exchange): boolean =>
  e.method === "GET" && ("externalDataKey" in e.query || e.operationId === "Bookings_GetList2");

/** "Token" for the token endpoint, else the spec operationId (or method + path when unrouted). */
export function operationOf(e: Exchange): string {
  if (isTokenExchange(e)) return "Token";
  return e.operationId ?? `${e.method} ${e.path}`;
}

/**
 * Reconcile-only calls among one order's exchanges: externalData look-ups, and invoice reads made
 * before the order's first invoice-line write (the read-back after the lines is the verification
 * every order pays, not reconciliation). A fresh first attempt must make none.
 */
export function reconcileCalls(exchanges: readonly Exchange[]): number {
  let count = 0;
  let linesWritten = false;
  for (const e of exchanges) {
    if (e.operationId === "Invoices_UpdateInvoiceItems") linesWritten = true;
    if (isExternalDataLookup(e) || (e.operationId === "Invoices_GetList" && !linesWritten)) count++;
  }
  return count;
}

export function countByOperation(exchanges: readonly Exchange[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of exchanges) {
    const op = operationOf(e);
    counts[op] = (counts[op] ?? 0) + 1;
  }
  return counts;
}
