/**
 * What one item of the index holds, per record kind. Ids, flags and keyed hashes only: never a
 * name, an e-mail, a phone number or an address (see `keys.ts`).
 */
import type { RecordKind } from "./table.ts";

export const ContactKind = { Email: "email", Phone: "phone", Other: "other" } as const;
export type ContactKind = (typeof ContactKind)[keyof typeof ContactKind];

interface RecordBase {
  kind: RecordKind;
  id: number;
  active: boolean;
  /**
   * ServiceTitan's `modifiedOn`, as a canonical ISO string ("" when unknown): a feed row older than
   * what the index holds (a repeat delivered out of order) never overwrites it.
   */
  modifiedOn: string;
  /** `EMAIL#…` / `PHONE#…` / `ADDRESS#…`; absent when the value is gone, inactive or unusable. */
  lookupKey?: string | undefined;
}

export interface CustomerRecord extends RecordBase {
  kind: "customer";
  mergedToId?: number | undefined;
  /** Keyed hash of the bill-to `addressKey`: tells apart units in the same building. */
  exactAddress?: string | undefined;
}

export interface LocationRecord extends RecordBase {
  kind: "location";
  customerId: number;
  mergedToId?: number | undefined;
  exactAddress?: string | undefined;
  tagTypeIds: number[];
}

export interface CustomerContactRecord extends RecordBase {
  kind: "customerContact";
  customerId: number;
  contactKind: ContactKind;
}

export interface LocationContactRecord extends RecordBase {
  kind: "locationContact";
  locationId: number;
  contactKind: ContactKind;
}

export type IndexRecord = CustomerRecord | LocationRecord | CustomerContactRecord | LocationContactRecord;

/** ServiceTitan's date-times in one canonical form, so they compare as strings; "" when unreadable. */
export function canonicalModifiedOn(value: string | undefined): string {
  if (!value) return "";
  const ms = Date.parse(value.endsWith("Z") || /[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "";
}
