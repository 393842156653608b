/**
 * How the worker stamps what it creates in ServiceTitan. ServiceTitan has no idempotency keys, so
 * `externalData` (scoped to our application GUID, invisible to other integrations) is how a retry
 * finds the record an earlier, crashed attempt created before the ledger could record it.
 */
import type { SyncConfig } from "../config/schema.ts";

export const ExternalDataKey = {
  /** On jobs: the order the job fulfils (`store:orderId`). One job per order. */
  OrderKey: "orderKey",
  /** On customers, locations and pricebook items the worker created: the order that created them. */
  CreatedByOrder: "createdByOrder",
  /**
   * Beside `orderKey`/`createdByOrder` on jobs and on customers created with their first location:
   * the payload hash of the order content they were made for. A corrected order (same key, new
   * content) that takes over a failed one must never reuse what the first version created (the
   * first version's customer is someone else), so a reconcile accepts only records with its own
   * hash — or none, as records stamped before the hash existed carry none.
   */
  PayloadHash: "orderPayloadHash",
} as const;
export type ExternalDataKey = (typeof ExternalDataKey)[keyof typeof ExternalDataKey];

export interface ExternalDataStamp {
  applicationGuid: string;
  externalData: { key: string; value: string }[];
}

export function externalDataStamp(
  config: SyncConfig,
  key: ExternalDataKey,
  value: string,
  payloadHash?: string,
): ExternalDataStamp {
  return {
    applicationGuid: config.externalDataApplicationGuid,
    externalData: [{ key, value }, ...(payloadHash ? [{ key: ExternalDataKey.PayloadHash, value: payloadHash }] : [])],
  };
}

/** Made for this content: the record's hash stamp equals `payloadHash`, or it has none (stamped before hashes). */
export function stampedForContent(
  record: { externalData?: readonly { key: string; value: string }[] },
  payloadHash: string,
): boolean {
  const stamped = (record.externalData ?? []).find((entry) => entry.key === ExternalDataKey.PayloadHash);
  return stamped === undefined || stamped.value === payloadHash;
}

export function externalDataFilter(config: SyncConfig, key: ExternalDataKey, value: string) {
  return { applicationGuid: config.externalDataApplicationGuid, key, values: [value] };
}
