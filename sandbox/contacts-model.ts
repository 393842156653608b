/**
 * ServiceTitan keeps contacts in two models: legacy per-customer / per-location contacts (int64
 * ids) and the tenant-wide contacts model (GUID contacts, contact methods, relationships). The
 * sandbox mirrors every legacy contact into the newer model — one contact per customer, one method
 * per distinct value, relationships to the customer and to each location that has contacts — so an
 * email lookup through `/contacts/contact-methods` finds customers created via `POST /customers`.
 * Whether live ServiceTitan does this is UNCONFIRMED (api-notes §5 item 3); the worker must not
 * depend on it alone.
 */
import { randomUUID } from "node:crypto";
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
  at = nowIso(),
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
  mirrorIntoContactsModel(state, customerId, input, at);
  return record;
}

export function addLocationContact(
  state: SandboxState,
  customerId: number,
  locationId: number,
  input: ContactInput,
  at = nowIso(),
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
  const contactId = mirrorIntoContactsModel(state, customerId, input, at);
  ensureRelationship(state, contactId, locationId, "location", at);
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
  at = nowIso(),
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

function mirrorIntoContactsModel(state: SandboxState, customerId: number, input: ContactInput, at: string): string {
  let contactId = state.customerContactIds.get(customerId);
  if (contactId === undefined) {
    contactId = randomUUID();
    state.customerContactIds.set(customerId, contactId);
    state.contacts.set(contactId, {
      id: contactId,
      referenceId: null,
      name: state.customers.get(customerId)?.name ?? null,
      title: null,
      isArchived: false,
      createdOn: at,
      createdBy: state.apiUserId,
      modifiedOn: at,
      modifiedBy: state.apiUserId,
    });
  }
  const id = contactId;
  const hasMethod = [...state.contactMethods.values()].some(
    (m) => m.contactId === id && m.type === input.type && sameContactValue(input.type, m.value, input.value),
  );
  if (!hasMethod) {
    const methodId = randomUUID();
    state.contactMethods.set(methodId, {
      id: methodId,
      contactId: id,
      referenceId: null,
      type: input.type,
      value: input.value,
      memo: input.memo ?? null,
      createdOn: at,
      createdBy: state.apiUserId,
      modifiedOn: at,
      modifiedBy: state.apiUserId,
    });
  }
  ensureRelationship(state, id, customerId, "customer", at);
  return id;
}

function ensureRelationship(
  state: SandboxState,
  contactId: string,
  relatedEntityId: number,
  typeSlug: "customer" | "location",
  at: string,
): void {
  const exists = [...state.contactRelationships.values()].some(
    (r) => r.contactId === contactId && r.relatedEntityId === relatedEntityId && r.typeSlug === typeSlug,
  );
  if (exists) return;
  const id = randomUUID();
  state.contactRelationships.set(id, {
    id,
    contactId,
    relatedEntityId,
    typeName: typeSlug === "customer" ? "Customer" : "Location",
    typeSlug,
    createdOn: at,
    createdBy: state.apiUserId,
  });
}
