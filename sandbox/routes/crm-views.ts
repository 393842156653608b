/**
 * CRM records rendered as the spec's response schemas. Those schemas forbid additional
 * properties, so each view lists exactly the spec's fields; externalData is projected to the GUID
 * the caller passed (ServiceTitan scopes it per application).
 */
import { nationalDigits, projectExternalData } from "../filters.ts";
import type {
  Address,
  ContactMethodRecord,
  ContactRecord,
  ContactRelationshipRecord,
  CustomerRecord,
  LegacyContactRecord,
  LocationRecord,
} from "../state.ts";

export function addressView(a: Address) {
  return {
    street: a.street,
    unit: a.unit,
    city: a.city,
    state: a.state,
    zip: a.zip,
    country: a.country,
    latitude: a.latitude,
    longitude: a.longitude,
  };
}

/** `Crm.V2.Customers.CustomerResponse`. */
export function customerView(c: CustomerRecord, guid: string | undefined) {
  return {
    id: c.id,
    active: c.active,
    name: c.name,
    type: c.type,
    address: addressView(c.address),
    customFields: c.customFields.map((f) => ({ typeId: f.typeId, name: f.name, value: f.value })),
    balance: c.balance,
    taxExempt: c.taxExempt,
    tagTypeIds: [...c.tagTypeIds],
    doNotMail: c.doNotMail,
    doNotService: c.doNotService,
    nationalAccount: c.nationalAccount,
    createdOn: c.createdOn,
    createdById: c.createdById,
    modifiedOn: c.modifiedOn,
    mergedToId: c.mergedToId,
    paymentTermId: c.paymentTermId,
    creditLimit: c.creditLimit,
    creditLimitBalance: c.creditLimitBalance,
    externalData: projectExternalData(c.externalData, guid),
  };
}

/** `Crm.V2.Locations.LocationResponse`. */
export function locationView(l: LocationRecord, guid: string | undefined) {
  return {
    id: l.id,
    customerId: l.customerId,
    active: l.active,
    name: l.name,
    address: addressView(l.address),
    customFields: l.customFields.map((f) => ({ typeId: f.typeId, name: f.name, value: f.value })),
    createdOn: l.createdOn,
    createdById: l.createdById,
    modifiedOn: l.modifiedOn,
    mergedToId: l.mergedToId,
    zoneId: l.zoneId,
    taxExempt: l.taxExempt,
    tagTypeIds: [...l.tagTypeIds],
    externalData: projectExternalData(l.externalData, guid),
    taxZoneId: l.taxZoneId,
  };
}

/** `Crm.V2.Locations.CreateLocationResponse` (location + its contacts). */
export function createdLocationView(l: LocationRecord, guid: string | undefined, contacts: LegacyContactRecord[]) {
  return { ...locationView(l, guid), contacts: contacts.map(shortContactView) };
}

/** `CustomerContact` / `LocationContact`: `{id, type, value, memo}`. */
export function shortContactView(c: LegacyContactRecord) {
  return { id: c.id, type: c.type, value: c.value, memo: c.memo };
}

/**
 * `phoneSettings` is a required object in the spec even for emails; the sandbox sends the
 * national digits for phone types and an empty number otherwise.
 */
function phoneSettings(c: LegacyContactRecord) {
  const isPhone = c.type === "Phone" || c.type === "MobilePhone" || c.type === "Fax";
  return { phoneNumber: isPhone ? nationalDigits(c.value) : "", doNotText: c.doNotText };
}

/** `Crm.V2.Customers.CustomerContactWithModifiedOnResponse` (also the shape of `LocationContactResponse`). */
export function contactWithModifiedOnView(c: LegacyContactRecord) {
  return {
    id: c.id,
    type: c.type,
    value: c.value,
    memo: c.memo,
    modifiedOn: c.modifiedOn,
    phoneSettings: phoneSettings(c),
    createdOn: c.createdOn,
  };
}

/** `Crm.V2.Customers.CustomerContactWithModifiedOnAndCustomerIdResponse`. */
export function contactWithCustomerIdView(c: LegacyContactRecord) {
  return { ...contactWithModifiedOnView(c), customerId: c.customerId ?? 0 };
}

/** `Crm.V2.LocationsContactResponse` (`/locations/contacts`). */
export function locationsContactView(c: LegacyContactRecord) {
  return { ...contactWithModifiedOnView(c), locationId: c.locationId ?? 0 };
}

/** `Crm.V2.ExportCustomerContactResponse`. */
export function exportContactView(c: LegacyContactRecord, active: boolean) {
  return { ...contactWithCustomerIdView(c), active };
}

/** `Crm.V2.ContactResponse`. */
export function contactView(c: ContactRecord) {
  return {
    id: c.id,
    referenceId: c.referenceId,
    name: c.name,
    title: c.title,
    isArchived: c.isArchived,
    createdOn: c.createdOn,
    createdBy: c.createdBy,
    modifiedOn: c.modifiedOn,
    modifiedBy: c.modifiedBy,
  };
}

/** `Crm.V2.ContactMethodResponse`. */
export function contactMethodView(m: ContactMethodRecord) {
  return {
    id: m.id,
    contactId: m.contactId,
    referenceId: m.referenceId,
    type: m.type,
    value: m.value,
    memo: m.memo,
    createdOn: m.createdOn,
    createdBy: m.createdBy,
    modifiedOn: m.modifiedOn,
    modifiedBy: m.modifiedBy,
  };
}

/** `Crm.V2.ContactRelationshipResponse`. */
export function contactRelationshipView(r: ContactRelationshipRecord) {
  return {
    id: r.id,
    relatedEntityId: r.relatedEntityId,
    typeName: r.typeName,
    typeSlug: r.typeSlug,
    createdOn: r.createdOn,
    createdBy: r.createdBy,
  };
}
