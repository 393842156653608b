/**
 * CRM customers (crm-v2.json `Customers_*`, `BulkTags_*`, `ExportContacts_CustomersContacts`).
 */
import { parseBody } from "../body.ts";
import {
  addCustomerContact,
  addLocationContact,
  copyLocationContactToCustomer,
  customerContactsOf,
  locationContactsOf,
} from "../contacts-model.ts";
import {
  applyExternalDataUpdate,
  byIds,
  containsCi,
  dateFilter,
  externalDataFromCreate,
  matchesActive,
  matchesExternalData,
  nationalDigits,
  readExternalDataQuery,
} from "../filters.ts";
import { paginate, sortItems, standardSortFields } from "../paging.ts";
import { ApiProblem, notFound, validationProblem } from "../problem.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, requireRecord, route } from "../router.ts";
import {
  allocateId,
  type CustomerRecord,
  type LegacyContactRecord,
  type LocationRecord,
  nowIso,
  type SandboxState,
} from "../state.ts";
import { checkTagTypes, customFieldsFrom, ErrorCollector, mergeAddress, unique } from "./common.ts";
import { bulkTagsSchema, createCustomerSchema, newContactSchema, updateCustomerSchema } from "./crm-schemas.ts";
import {
  contactWithCustomerIdView,
  contactWithModifiedOnView,
  createdLocationView,
  customerView,
  exportContactView,
  shortContactView,
} from "./crm-views.ts";

const phoneTypes = new Set(["Phone", "MobilePhone"]);

/**
 * `phone` = "by phone number of contacts": ids of customers with a Phone/MobilePhone contact, on the
 * customer or on one of its locations, whose national digits equal the query's.
 */
function customersWithPhone(state: SandboxState, digits: string): Set<number> {
  const hits = new Set<number>();
  if (digits === "") return hits;
  const matches = (c: LegacyContactRecord) => phoneTypes.has(c.type) && nationalDigits(c.value) === digits;
  for (const c of state.customerContacts.values()) {
    if (c.customerId !== undefined && matches(c)) hits.add(c.customerId);
  }
  for (const c of state.locationContacts.values()) {
    const customerId = c.locationId === undefined ? undefined : state.locations.get(c.locationId)?.customerId;
    if (customerId !== undefined && matches(c)) hits.add(customerId);
  }
  return hits;
}

function listCustomers({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const name = q.string("name");
  const street = q.string("street");
  const unit = q.string("unit");
  const city = q.string("city");
  const st = q.string("state");
  const zip = q.string("zip");
  const country = q.string("country");
  q.number("latitude");
  q.number("longitude");
  q.bool("excludeAccountingChangesFromModifiedDateRange");
  const phone = q.string("phone");
  const phoneHits = phone === undefined ? undefined : customersWithPhone(state, nationalDigits(phone));
  const active = q.active();
  const ext = readExternalDataQuery(q);
  const dated = dateFilter(q);
  const items = [...state.customers.values()].filter(
    (c) =>
      ids(c) &&
      matchesActive(c.active, active) &&
      containsCi(c.name, name) &&
      containsCi(c.address.street, street) &&
      containsCi(c.address.unit, unit) &&
      containsCi(c.address.city, city) &&
      containsCi(c.address.state, st) &&
      containsCi(c.address.zip, zip) &&
      containsCi(c.address.country, country) &&
      matchesExternalData(c.externalData, ext) &&
      dated(c) &&
      (phoneHits === undefined || phoneHits.has(c.id)),
  );
  const sorted = sortItems(items, q, standardSortFields<CustomerRecord>());
  return { status: 200, body: paginate(sorted, q, (c) => customerView(c, ext.guid)) };
}

function getCustomer(ctx: HandlerContext): HandlerResult {
  const customer = requireRecord(ctx.state.customers, pathId(ctx), "Customer");
  return { status: 200, body: customerView(customer, undefined) };
}

function createCustomer({ state, body }: HandlerContext): HandlerResult {
  const input = parseBody(createCustomerSchema, body);
  const errors = new ErrorCollector();
  checkTagTypes(state, input.tagTypeIds, "tagTypeIds", errors);
  input.locations.forEach((l, i) => {
    checkTagTypes(state, l.tagTypeIds, `locations[${i}].tagTypeIds`, errors);
  });
  errors.throwIfAny();

  const at = nowIso();
  const customer: CustomerRecord = {
    id: allocateId(state),
    active: true,
    name: input.name,
    type: input.type ?? "Residential",
    address: {
      street: input.address.street,
      unit: input.address.unit ?? null,
      city: input.address.city,
      state: input.address.state,
      zip: input.address.zip,
      country: input.address.country,
      latitude: input.address.latitude ?? null,
      longitude: input.address.longitude ?? null,
    },
    customFields: customFieldsFrom(input.customFields),
    balance: 0,
    taxExempt: input.taxExempt ?? false,
    tagTypeIds: unique(input.tagTypeIds ?? []),
    doNotMail: input.doNotMail ?? false,
    doNotService: input.doNotService ?? false,
    nationalAccount: input.nationalAccount ?? false,
    createdOn: at,
    createdById: state.apiUserId,
    modifiedOn: at,
    mergedToId: null,
    paymentTermId: input.paymentTermId ?? null,
    creditLimit: input.creditLimit ?? null,
    creditLimitBalance: input.creditLimitBalance ?? null,
    externalData: externalDataFromCreate(input.externalData),
  };
  state.customers.set(customer.id, customer);
  for (const contact of input.contacts ?? []) addCustomerContact(state, customer.id, contact, at);

  const created: { location: LocationRecord; guid: string | undefined }[] = [];
  for (const l of input.locations) {
    const location = createLocationRecord(state, customer.id, l, at);
    created.push({ location, guid: l.externalData?.applicationGuid ?? input.externalData?.applicationGuid });
  }
  const guid = input.externalData?.applicationGuid;
  return {
    status: 200,
    body: {
      ...customerView(customer, guid),
      locations: created.map(({ location, guid: g }) =>
        createdLocationView(location, g, locationContactsOf(state, location.id)),
      ),
      contacts: customerContactsOf(state, customer.id).map(shortContactView),
    },
  };
}

export interface NewLocationInput {
  name: string;
  address: {
    street: string;
    unit?: string | null | undefined;
    city: string;
    state: string;
    zip: string;
    country: string;
    latitude?: number | null | undefined;
    longitude?: number | null | undefined;
  };
  contacts?:
    | { type: LegacyContactRecord["type"]; value: string; memo?: string | null | undefined }[]
    | null
    | undefined;
  customFields?: { typeId: number; value: string }[] | null | undefined;
  tagTypeIds?: number[] | null | undefined;
  externalData?: { applicationGuid: string; externalData: { key: string; value: string }[] } | null | undefined;
}

/** Creates a location with its contacts; contacts of a new location are copied onto the customer too. */
export function createLocationRecord(
  state: SandboxState,
  customerId: number,
  l: NewLocationInput,
  at: string,
): LocationRecord {
  const location: LocationRecord = {
    id: allocateId(state),
    customerId,
    active: true,
    name: l.name,
    address: {
      street: l.address.street,
      unit: l.address.unit ?? null,
      city: l.address.city,
      state: l.address.state,
      zip: l.address.zip,
      country: l.address.country,
      latitude: l.address.latitude ?? null,
      longitude: l.address.longitude ?? null,
    },
    customFields: customFieldsFrom(l.customFields),
    createdOn: at,
    createdById: state.apiUserId,
    modifiedOn: at,
    mergedToId: null,
    zoneId: null,
    taxZoneId: null,
    taxExempt: false,
    tagTypeIds: unique(l.tagTypeIds ?? []),
    externalData: externalDataFromCreate(l.externalData),
  };
  state.locations.set(location.id, location);
  for (const contact of l.contacts ?? []) {
    addLocationContact(state, customerId, location.id, contact, at);
    copyLocationContactToCustomer(state, customerId, contact, at);
  }
  return location;
}

function updateCustomer(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const customer = requireRecord(state.customers, pathId(ctx), "Customer");
  const input = parseBody(updateCustomerSchema, ctx.body);
  const errors = new ErrorCollector();
  checkTagTypes(state, input.tagTypeIds, "tagTypeIds", errors);
  errors.throwIfAny();
  if (input.name !== undefined) customer.name = input.name;
  if (input.type !== undefined) customer.type = input.type;
  if (input.address !== undefined) customer.address = mergeAddress(customer.address, input.address);
  if (input.customFields !== undefined) customer.customFields = customFieldsFrom(input.customFields);
  if (input.externalData !== undefined)
    customer.externalData = applyExternalDataUpdate(customer.externalData, input.externalData);
  if (input.doNotMail !== undefined) customer.doNotMail = input.doNotMail;
  if (input.doNotService !== undefined) customer.doNotService = input.doNotService;
  if (input.nationalAccount !== undefined) customer.nationalAccount = input.nationalAccount;
  if (input.active !== undefined) customer.active = input.active;
  // Replace semantics for tagTypeIds (api-notes: UNCONFIRMED for customers, stated for locations/jobs).
  if (input.tagTypeIds !== undefined) customer.tagTypeIds = unique(input.tagTypeIds);
  if (input.taxExempt !== undefined) customer.taxExempt = input.taxExempt;
  if (input.paymentTermId !== undefined) customer.paymentTermId = input.paymentTermId;
  if (input.creditLimit !== undefined) customer.creditLimit = input.creditLimit;
  if (input.creditLimitBalance !== undefined) customer.creditLimitBalance = input.creditLimitBalance;
  customer.modifiedOn = nowIso();
  return { status: 200, body: customerView(customer, input.externalData?.applicationGuid) };
}

/** Adding a tag the customer already has is a no-op 200 (live behaviour UNCONFIRMED; inject a 409 with a fault rule). */
function addCustomerTag(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const customer = requireRecord(state.customers, pathId(ctx), "Customer");
  const tagTypeId = pathId(ctx, "tagTypeId");
  if (!state.tagTypes.has(tagTypeId)) throw notFound(`Tag type with id ${tagTypeId}`);
  if (!customer.tagTypeIds.includes(tagTypeId)) {
    customer.tagTypeIds.push(tagTypeId);
    customer.modifiedOn = nowIso();
  }
  return { status: 200, body: { customerId: customer.id, tagTypeIds: [...customer.tagTypeIds] } };
}

function deleteCustomerTag(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const customer = requireRecord(state.customers, pathId(ctx), "Customer");
  const tagTypeId = pathId(ctx, "tagTypeId");
  if (!customer.tagTypeIds.includes(tagTypeId)) throw notFound(`Tag type with id ${tagTypeId} on the customer`);
  customer.tagTypeIds = customer.tagTypeIds.filter((t) => t !== tagTypeId);
  customer.modifiedOn = nowIso();
  return { status: 200 };
}

function bulkTags(remove: boolean) {
  return ({ state, body }: HandlerContext): HandlerResult => {
    const input = parseBody(bulkTagsSchema, body);
    const missing = input.customerIds.filter((id) => !state.customers.has(id));
    if (missing.length > 0) {
      throw new ApiProblem(409, "Unknown customer", { customerIds: missing.map((id) => `Customer ${id} not found.`) });
    }
    const errors = new ErrorCollector();
    checkTagTypes(state, input.tagTypeIds, "tagTypeIds", errors);
    errors.throwIfAny();
    const at = nowIso();
    for (const id of input.customerIds) {
      const customer = state.customers.get(id);
      if (!customer) continue;
      customer.tagTypeIds = remove
        ? customer.tagTypeIds.filter((t) => !input.tagTypeIds.includes(t))
        : unique([...customer.tagTypeIds, ...input.tagTypeIds]);
      customer.modifiedOn = at;
    }
    return { status: 200 };
  };
}

function listCustomerContacts(ctx: HandlerContext): HandlerResult {
  const customer = requireRecord(ctx.state.customers, pathId(ctx), "Customer");
  const contacts = customerContactsOf(ctx.state, customer.id).sort((a, b) => a.id - b.id);
  return { status: 200, body: paginate(contacts, ctx.query, contactWithModifiedOnView) };
}

function createCustomerContact(ctx: HandlerContext): HandlerResult {
  const customer = requireRecord(ctx.state.customers, pathId(ctx), "Customer");
  const input = parseBody(newContactSchema, ctx.body);
  const contact = addCustomerContact(ctx.state, customer.id, input);
  return { status: 200, body: contactWithModifiedOnView(contact) };
}

/** One of `customerIds`, `modifiedBefore`, `modifiedOnOrAfter` is required (spec). */
function listContactsOfCustomers({ state, query: q }: HandlerContext): HandlerResult {
  const customerIds = q.intList("customerIds", 5000);
  const dated = dateFilter(q);
  if (
    customerIds === undefined &&
    q.string("modifiedBefore") === undefined &&
    q.string("modifiedOnOrAfter") === undefined
  ) {
    throw validationProblem({
      customerIds: ["Either customerIds, modifiedBefore or modifiedOnOrAfter must be specified."],
    });
  }
  const wanted = customerIds === undefined ? undefined : new Set(customerIds);
  const contacts = [...state.customerContacts.values()]
    .filter((c) => (wanted === undefined || (c.customerId !== undefined && wanted.has(c.customerId))) && dated(c))
    .sort((a, b) => a.id - b.id);
  return { status: 200, body: paginate(contacts, q, contactWithCustomerIdView) };
}

const exportBatchSize = 500;

/**
 * Export feed: ordered by modification, `continueFrom` is an opaque token (or a date string as
 * `from`), `hasMore` says whether another call would return more.
 */
function exportCustomerContacts({ state, query: q }: HandlerContext): HandlerResult {
  const from = q.string("from");
  q.bool("includeRecentChanges");
  let after: { m: string; i: number } | undefined;
  if (from !== undefined) {
    after = decodeToken(from);
    if (after === undefined) {
      const ms = Date.parse(from);
      if (Number.isNaN(ms)) throw validationProblem({ from: [`The value '${from}' is not valid.`] });
      after = { m: new Date(ms - 1).toISOString(), i: Number.MAX_SAFE_INTEGER };
    }
  }
  const key = (c: LegacyContactRecord) => [c.modifiedOn, c.id] as const;
  const ordered = [...state.customerContacts.values()].sort((a, b) => {
    const [ma, ia] = key(a);
    const [mb, ib] = key(b);
    return ma === mb ? ia - ib : ma < mb ? -1 : 1;
  });
  const start = after === undefined ? ordered : ordered.filter((c) => isAfter(c, after));
  const batch = start.slice(0, exportBatchSize);
  const last = batch.at(-1);
  const continueFrom = last ? encodeToken({ m: last.modifiedOn, i: last.id }) : (from ?? encodeToken({ m: "", i: 0 }));
  return {
    status: 200,
    body: {
      hasMore: start.length > batch.length,
      continueFrom,
      data: batch.map((c) => exportContactView(c, state.customers.get(c.customerId ?? -1)?.active ?? false)),
    },
  };
}

function isAfter(c: LegacyContactRecord, after: { m: string; i: number }): boolean {
  return c.modifiedOn > after.m || (c.modifiedOn === after.m && c.id > after.i);
}

function encodeToken(t: { m: string; i: number }): string {
  return Buffer.from(JSON.stringify(t)).toString("base64url");
}

function decodeToken(raw: string): { m: string; i: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && "m" in parsed && "i" in parsed) {
      const { m, i } = parsed as { m: unknown; i: unknown };
      if (typeof m === "string" && typeof i === "number") return { m, i };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export const customerRoutes: Route[] = [
  route("GET", "crm", "/customers/contacts", "Customers_GetModifiedContactsList", listContactsOfCustomers),
  route("GET", "crm", "/export/customers/contacts", "ExportContacts_CustomersContacts", exportCustomerContacts),
  route("GET", "crm", "/customers", "Customers_GetList", listCustomers),
  route("POST", "crm", "/customers", "Customers_Create", createCustomer),
  route("GET", "crm", "/customers/{id}", "Customers_Get", getCustomer),
  route("PATCH", "crm", "/customers/{id}", "Customers_Update", updateCustomer),
  route("POST", "crm", "/customers/{id}/tags/{tagTypeId}", "Customers_CreateTag", addCustomerTag),
  route("DELETE", "crm", "/customers/{id}/tags/{tagTypeId}", "Customers_DeleteTag", deleteCustomerTag),
  route("PUT", "crm", "/tags", "BulkTags_AddTags", bulkTags(false)),
  route("DELETE", "crm", "/tags", "BulkTags_RemoveTags", bulkTags(true)),
  route("GET", "crm", "/customers/{id}/contacts", "Customers_GetContactList", listCustomerContacts),
  route("POST", "crm", "/customers/{id}/contacts", "Customers_CreateContact", createCustomerContact),
];
