/**
 * ServiceTitan's "Contact Management": the tenant-wide contacts model (GUID contacts, contact
 * methods, relationships; `/contacts/...`). It is an Early Access feature that ServiceTitan switches
 * on per account with a migration (api-notes §0.1); on a typical tenant contacts written through the
 * legacy model (`POST /customers` `contacts`, location contacts, `/customers|locations/{id}/contacts`)
 * never appear in `/contacts/contact-methods` or relationships.
 *
 * The sandbox therefore mirrors legacy contacts into the newer model only while
 * `state.contactManagement` is on — one contact per customer, one method per distinct value,
 * relationships to the customer and to each location with contacts — and switching it on migrates
 * the contacts already there. How ServiceTitan's migration and later legacy writes really map onto
 * the newer model is UNCONFIRMED.
 */
import { randomUUID } from "node:crypto";
import { nationalDigits } from "./filters.ts";
import type { ContactType, LegacyContactRecord, SandboxState } from "./state.ts";

interface ContactValue {
  type: ContactType;
  value: string;
  memo?: string | null | undefined;
}

/** Equal keys ⇔ the same contact value as users see it: case and padding don't matter, phone punctuation neither. */
function valueKey(type: ContactType, value: string): string {
  const digits = type === "Email" ? "" : nationalDigits(value);
  return `${type}|${digits !== "" ? digits : value.trim().toLowerCase()}`;
}

/**
 * Writes into the contacts model. Single writes scan the maps; a migration passes `indexed` so that
 * a large tenant is mirrored in one linear pass.
 */
class ContactsModelWriter {
  readonly #state: SandboxState;
  readonly #methodKeys: Set<string> | undefined;
  readonly #relationshipKeys: Set<string> | undefined;

  constructor(state: SandboxState, indexed: boolean) {
    this.#state = state;
    if (!indexed) return;
    this.#methodKeys = new Set(
      [...state.contactMethods.values()].map((m) => `${m.contactId}|${valueKey(m.type, m.value)}`),
    );
    this.#relationshipKeys = new Set(
      [...state.contactRelationships.values()].map((r) => `${r.contactId}|${r.typeSlug}|${r.relatedEntityId}`),
    );
  }

  mirror(customerId: number, locationId: number | undefined, input: ContactValue, at: string): void {
    const contactId = this.#contactOf(customerId, at);
    this.#ensureMethod(contactId, input, at);
    this.#ensureRelationship(contactId, customerId, "customer", at);
    if (locationId !== undefined) this.#ensureRelationship(contactId, locationId, "location", at);
  }

  #contactOf(customerId: number, at: string): string {
    const state = this.#state;
    const existing = state.customerContactIds.get(customerId);
    if (existing !== undefined) return existing;
    const id = randomUUID();
    state.customerContactIds.set(customerId, id);
    state.contacts.set(id, {
      id,
      referenceId: null,
      name: state.customers.get(customerId)?.name ?? null,
      title: null,
      isArchived: false,
      createdOn: at,
      createdBy: state.apiUserId,
      modifiedOn: at,
      modifiedBy: state.apiUserId,
    });
    return id;
  }

  #ensureMethod(contactId: string, input: ContactValue, at: string): void {
    const state = this.#state;
    const key = `${contactId}|${valueKey(input.type, input.value)}`;
    const exists =
      this.#methodKeys?.has(key) ??
      [...state.contactMethods.values()].some((m) => `${m.contactId}|${valueKey(m.type, m.value)}` === key);
    if (exists) return;
    this.#methodKeys?.add(key);
    const id = randomUUID();
    state.contactMethods.set(id, {
      id,
      contactId,
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

  #ensureRelationship(contactId: string, relatedEntityId: number, typeSlug: "customer" | "location", at: string): void {
    const state = this.#state;
    const key = `${contactId}|${typeSlug}|${relatedEntityId}`;
    const exists =
      this.#relationshipKeys?.has(key) ??
      [...state.contactRelationships.values()].some(
        (r) => r.contactId === contactId && r.relatedEntityId === relatedEntityId && r.typeSlug === typeSlug,
      );
    if (exists) return;
    this.#relationshipKeys?.add(key);
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
}

/** Mirrors one legacy contact just written (customer contact, or location contact when `locationId` is set). */
export function mirrorLegacyContact(
  state: SandboxState,
  customerId: number,
  locationId: number | undefined,
  input: ContactValue,
  at: string,
): void {
  if (state.contactManagement) new ContactsModelWriter(state, false).mirror(customerId, locationId, input, at);
}

/**
 * Turns Contact Management on or off for the tenant. On: ServiceTitan's migration, modelled as
 * mirroring every legacy contact already there, then every later one. Off: later legacy contacts stay
 * out of the contacts model (what is there stays; a real tenant does not switch back).
 */
export function setContactManagement(state: SandboxState, on: boolean): void {
  if (on === state.contactManagement) return;
  state.contactManagement = on;
  if (!on) return;
  const writer = new ContactsModelWriter(state, true);
  for (const c of state.customerContacts.values()) {
    if (c.customerId !== undefined) writer.mirror(c.customerId, undefined, c, c.createdOn);
  }
  for (const c of state.locationContacts.values()) {
    const customerId = c.locationId === undefined ? undefined : state.locations.get(c.locationId)?.customerId;
    if (customerId !== undefined) writer.mirror(customerId, c.locationId, c, c.createdOn);
  }
}

/**
 * After an office edit, removal or move of legacy contacts: the customer's contact methods become
 * exactly the values of its current legacy contacts (its own and its locations'). Nothing happens
 * without Contact Management.
 */
export function resyncContactsModel(state: SandboxState, customerId: number, at: string): void {
  if (!state.contactManagement) return;
  const locationIds = new Set(
    [...state.locations.values()].filter((l) => l.customerId === customerId).map((l) => l.id),
  );
  const current: LegacyContactRecord[] = [
    ...[...state.customerContacts.values()].filter((c) => c.customerId === customerId),
    ...[...state.locationContacts.values()].filter((c) => c.locationId !== undefined && locationIds.has(c.locationId)),
  ];
  const wanted = new Set(current.map((c) => valueKey(c.type, c.value)));
  const contactId = state.customerContactIds.get(customerId);
  for (const [id, m] of state.contactMethods) {
    if (m.contactId === contactId && !wanted.has(valueKey(m.type, m.value))) state.contactMethods.delete(id);
  }
  const writer = new ContactsModelWriter(state, false);
  for (const c of current) writer.mirror(customerId, c.locationId, c, at);
}
