/**
 * Feed rows → index records. A row whose e-mail, phone or address can't be used (junk like "n/a",
 * a number that isn't North American, an address without street or ZIP) is still written — so the
 * record's previous value stops pointing at it — but without a look-up key, and counted as skipped.
 * A contact ServiceTitan reports inactive is written the same way (not counted: nothing is wrong).
 */
import type { StAddress } from "../servicetitan/endpoints/crm.ts";
import type {
  ExportCustomer,
  ExportCustomerContact,
  ExportLocation,
  ExportLocationContact,
} from "../servicetitan/endpoints/crm-export.ts";
import type { ContactType } from "../servicetitan/models/crm.ts";
import type { IndexKeys } from "./keys.ts";
import {
  ContactKind,
  type CustomerContactRecord,
  type CustomerRecord,
  canonicalModifiedOn,
  type LocationContactRecord,
  type LocationRecord,
} from "./records.ts";

export interface MappedRow<R> {
  record: R;
  /** The row's value could not be indexed (see the file comment). */
  unusable: boolean;
}

export function contactKindOf(type: ContactType): ContactKind {
  if (type === "Email") return ContactKind.Email;
  if (type === "Phone" || type === "MobilePhone") return ContactKind.Phone;
  return ContactKind.Other;
}

/** The look-up key of a contact value, or undefined (and whether that means "unusable"). */
export function contactLookupKey(
  keys: IndexKeys,
  type: ContactType,
  value: string,
): { lookupKey: string | undefined; unusable: boolean } {
  const kind = contactKindOf(type);
  if (kind === ContactKind.Other) return { lookupKey: undefined, unusable: false };
  const lookupKey = kind === ContactKind.Email ? keys.email(value) : keys.phone(value);
  return { lookupKey, unusable: lookupKey === undefined };
}

function addressKeys(keys: IndexKeys, address: StAddress | null | undefined) {
  if (!address) return { lookupKey: undefined, exactAddress: undefined, unusable: true };
  const lookupKey = keys.address(address);
  return { lookupKey, exactAddress: keys.exactAddress(address), unusable: lookupKey === undefined };
}

export function customerRecordOf(keys: IndexKeys, row: ExportCustomer): MappedRow<CustomerRecord> {
  const { lookupKey, exactAddress, unusable } = addressKeys(keys, row.address);
  return {
    record: {
      kind: "customer",
      id: row.id,
      active: row.active,
      mergedToId: row.mergedToId,
      modifiedOn: canonicalModifiedOn(row.modifiedOn),
      lookupKey,
      exactAddress,
    },
    unusable,
  };
}

export function locationRecordOf(keys: IndexKeys, row: ExportLocation): MappedRow<LocationRecord> {
  const { lookupKey, exactAddress, unusable } = addressKeys(keys, row.address);
  return {
    record: {
      kind: "location",
      id: row.id,
      customerId: row.customerId,
      active: row.active,
      mergedToId: row.mergedToId,
      modifiedOn: canonicalModifiedOn(row.modifiedOn),
      lookupKey,
      exactAddress,
      tagTypeIds: row.tagTypeIds,
    },
    unusable,
  };
}

export function customerContactRecordOf(keys: IndexKeys, row: ExportCustomerContact): MappedRow<CustomerContactRecord> {
  const value = row.active ? contactLookupKey(keys, row.type, row.value) : { lookupKey: undefined, unusable: false };
  return {
    record: {
      kind: "customerContact",
      id: row.id,
      customerId: row.customerId,
      active: row.active,
      contactKind: contactKindOf(row.type),
      modifiedOn: canonicalModifiedOn(row.modifiedOn),
      lookupKey: value.lookupKey,
    },
    unusable: value.unusable,
  };
}

export function locationContactRecordOf(keys: IndexKeys, row: ExportLocationContact): MappedRow<LocationContactRecord> {
  const value = row.active ? contactLookupKey(keys, row.type, row.value) : { lookupKey: undefined, unusable: false };
  return {
    record: {
      kind: "locationContact",
      id: row.id,
      locationId: row.locationId,
      active: row.active,
      contactKind: contactKindOf(row.type),
      modifiedOn: canonicalModifiedOn(row.modifiedOn),
      lookupKey: value.lookupKey,
    },
    unusable: value.unusable,
  };
}
