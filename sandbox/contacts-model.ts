/**
 * Legacy per-customer / per-location contacts (int64 ids): what `POST /customers`, `POST /locations`
 * and the `/customers|locations/{id}/contacts` endpoints write. On a tenant with Contact Management
 * they are mirrored into the tenant-wide contacts model too (contact-management.ts).
 */
import { mirrorLegacyContact } from "./contact-management.ts";
import { nationalDigits } from "./filters.ts";
import { allocateId, type ContactType, type LegacyContactRecord, nowIso, type SandboxState } from "./state.ts";

export interface ContactInput {
  type: ContactType;
  value: string;
  memo?: string | null;
}

/** Same contact value as ServiceTitan users see it: case and padding don't matter, phone punctuation neither. */
export function sameContactValue(type: ContactType, a: string, b: string): boolean {
  if (a.trim().toLowerCase() === b.trim().toLowerCase()) return true;
  if (type === "Email") return false;
  const da = nationalDigits(a);
  return da.length > 0 && da === nationalDigits(b);
}

export function addCustomerContact(
  state: SandboxState,
  customerId: number,
  input: ContactInput,
  at = nowIso(state),
): LegacyContactRecord {
  const record: LegacyContactRecord = {
    id: allocateId(state),
    customerId,
    type: input.type,
    value: input.value,
    memo: input.memo ?? null,
    doNotText: false,
    createdOn: at,
    modifiedOn: at,
  };
  state.customerContacts.set(record.id, record);
  mirrorLegacyContact(state, customerId, undefined, input, at);
  return record;
}

export function addLocationContact(
  state: SandboxState,
  customerId: number,
  locationId: number,
  input: ContactInput,
  at = nowIso(state),
): LegacyContactRecord {
  const record: LegacyContactRecord = {
    id: allocateId(state),
    locationId,
    type: input.type,
    value: input.value,
    memo: input.memo ?? null,
    doNotText: false,
    createdOn: at,
    modifiedOn: at,
  };
  state.locationContacts.set(record.id, record);
  mirrorLegacyContact(state, customerId, locationId, input, at);
  return record;
}

/**
 * developer.servicetitan.io (api-resources-crm): a contact added to a *new* location is copied onto
 * the customer too. Values the customer already has are not duplicated.
 */
export function copyLocationContactToCustomer(
  state: SandboxState,
  customerId: number,
  input: ContactInput,
  at = nowIso(state),
): void {
  const exists = [...state.customerContacts.values()].some(
    (c) => c.customerId === customerId && c.type === input.type && sameContactValue(input.type, c.value, input.value),
  );
  if (!exists) addCustomerContact(state, customerId, input, at);
}

export function customerContactsOf(state: SandboxState, customerId: number): LegacyContactRecord[] {
  return [...state.customerContacts.values()].filter((c) => c.customerId === customerId);
}

export function locationContactsOf(state: SandboxState, locationId: number): LegacyContactRecord[] {
  return [...state.locationContacts.values()].filter((c) => c.locationId === locationId);
}
