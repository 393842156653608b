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
} as const;
export type ExternalDataKey = (typeof ExternalDataKey)[keyof typeof ExternalDataKey];

export interface ExternalDataStamp {
  applicationGuid: string;
  externalData: { key: string; value: string }[];
}

export function externalDataStamp(config: SyncConfig, key: ExternalDataKey, value: string): ExternalDataStamp {
  return { applicationGuid: config.externalDataApplicationGuid, externalData: [{ key, value }] };
}

export function externalDataFilter(config: SyncConfig, key: ExternalDataKey, value: string) {
  return { applicationGuid: config.externalDataApplicationGuid, key, values: [value] };
}
