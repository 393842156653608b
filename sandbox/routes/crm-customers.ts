/**
 * CRM customers (crm-v2.json `Customers_*`, `BulkTags_*`).
 */
import { parseBody } from "../body.ts";
import { addCustomerContact, customerContactsOf, locationContactsOf } from "../contacts-model.ts";
import {
  applyExternalDataUpdate,
  byIds,
  containsCi,
  dateFilter,
  matchesActive,
  matchesExternalData,
  nationalDigits,
  readExternalDataQuery,
} from "../filters.ts";
import { paginate, sortItems, standardSortFields } from "../paging.ts";
import { ApiProblem, notFound } from "../problem.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, requireRecord, route } from "../router.ts";
import {
  type CustomerRecord,
  type LegacyContactRecord,
  type LocationRecord,
  nowIso,
  type SandboxState,
} from "../state.ts";
import { checkTagTypes, customFieldsFrom, ErrorCollector, mergeAddress, requireOneOf, unique } from "./common.ts";
import { createCustomerRecord, createLocationRecord } from "./crm-records.ts";
import { bulkTagsSchema, createCustomerSchema, newContactSchema, updateCustomerSchema } from "./crm-schemas.ts";
import {
  contactWithCustomerIdView,
  contactWithModifiedOnView,
  createdLocationView,
  customerView,
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

  const at = nowIso(state);
  const customer = createCustomerRecord(state, input, at);

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
  customer.modifiedOn = nowIso(state);
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
    customer.modifiedOn = nowIso(state);
  }
  return { status: 200, body: { customerId: customer.id, tagTypeIds: [...customer.tagTypeIds] } };
}

function deleteCustomerTag(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const customer = requireRecord(state.customers, pathId(ctx), "Customer");
  const tagTypeId = pathId(ctx, "tagTypeId");
  if (!customer.tagTypeIds.includes(tagTypeId)) throw notFound(`Tag type with id ${tagTypeId} on the customer`);
  customer.tagTypeIds = customer.tagTypeIds.filter((t) => t !== tagTypeId);
  customer.modifiedOn = nowIso(state);
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
    const at = nowIso(state);
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

/** One of `customerIds`, `modifiedBefore`, `modifiedOnOrAfter` is required (operation summary in the spec). */
function listContactsOfCustomers({ state, query: q }: HandlerContext): HandlerResult {
  requireOneOf(q, ["customerIds", "modifiedBefore", "modifiedOnOrAfter"]);
  const customerIds = q.intList("customerIds", 5000);
  const dated = dateFilter(q);
  const wanted = customerIds === undefined ? undefined : new Set(customerIds);
  const contacts = [...state.customerContacts.values()]
    .filter((c) => (wanted === undefined || (c.customerId !== undefined && wanted.has(c.customerId))) && dated(c))
    .sort((a, b) => a.id - b.id);
  return { status: 200, body: paginate(contacts, q, contactWithCustomerIdView) };
}

export const customerRoutes: Route[] = [
  route("GET", "crm", "/customers/contacts", "Customers_GetModifiedContactsList", listContactsOfCustomers),
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
