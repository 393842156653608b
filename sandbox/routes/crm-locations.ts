/**
 * CRM locations (crm-v2.json `Locations_*`). `POST /locations` answers 409 "Unknown customer" for a
 * customer id that does not exist (api-notes §3.2).
 */
import { parseBody } from "../body.ts";
import { addLocationContact, locationContactsOf } from "../contacts-model.ts";
import {
  applyExternalDataUpdate,
  byIds,
  containsCi,
  dateFilter,
  matchesActive,
  matchesExternalData,
  readExternalDataQuery,
} from "../filters.ts";
import { paginate, sortItems, standardSortFields } from "../paging.ts";
import { ApiProblem, notFound } from "../problem.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, requireRecord, route } from "../router.ts";
import { type LocationRecord, nowIso } from "../state.ts";
import { checkTagTypes, customFieldsFrom, ErrorCollector, mergeAddress, requireOneOf, unique } from "./common.ts";
import { createLocationRecord } from "./crm-records.ts";
import { createLocationSchema, newContactSchema, updateLocationSchema } from "./crm-schemas.ts";
import { contactWithModifiedOnView, createdLocationView, locationsContactView, locationView } from "./crm-views.ts";

/**
 * `name` is documented as "Filters by customer's name"; the sandbox matches the location's name or
 * its customer's name (case-insensitive contains). Address filters apply to the service address.
 */
function listLocations({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const name = q.string("name");
  const customerId = q.int("customerId");
  const street = q.string("street");
  const unit = q.string("unit");
  const city = q.string("city");
  const st = q.string("state");
  const zip = q.string("zip");
  const country = q.string("country");
  q.number("latitude");
  q.number("longitude");
  const active = q.active();
  const ext = readExternalDataQuery(q);
  const dated = dateFilter(q);
  const items = [...state.locations.values()].filter(
    (l) =>
      ids(l) &&
      (customerId === undefined || l.customerId === customerId) &&
      (name === undefined || containsCi(l.name, name) || containsCi(state.customers.get(l.customerId)?.name, name)) &&
      containsCi(l.address.street, street) &&
      containsCi(l.address.unit, unit) &&
      containsCi(l.address.city, city) &&
      containsCi(l.address.state, st) &&
      containsCi(l.address.zip, zip) &&
      containsCi(l.address.country, country) &&
      matchesActive(l.active, active) &&
      matchesExternalData(l.externalData, ext) &&
      dated(l),
  );
  const sorted = sortItems(items, q, standardSortFields<LocationRecord>());
  return { status: 200, body: paginate(sorted, q, (l) => locationView(l, ext.guid)) };
}

function getLocation(ctx: HandlerContext): HandlerResult {
  const location = requireRecord(ctx.state.locations, pathId(ctx), "Location");
  return { status: 200, body: locationView(location, undefined) };
}

function createLocation({ state, body }: HandlerContext): HandlerResult {
  const input = parseBody(createLocationSchema, body);
  if (!state.customers.has(input.customerId)) {
    throw new ApiProblem(409, "Unknown customer", { customerId: [`Customer ${input.customerId} not found.`] });
  }
  const errors = new ErrorCollector();
  checkTagTypes(state, input.tagTypeIds, "tagTypeIds", errors);
  errors.throwIfAny();
  const location = createLocationRecord(state, input.customerId, input, nowIso(state));
  return {
    status: 200,
    body: createdLocationView(location, input.externalData?.applicationGuid, locationContactsOf(state, location.id)),
  };
}

function updateLocation(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const location = requireRecord(state.locations, pathId(ctx), "Location");
  const input = parseBody(updateLocationSchema, ctx.body);
  if (input.customerId !== undefined && !state.customers.has(input.customerId)) {
    throw new ApiProblem(409, "Unknown customer", { customerId: [`Customer ${input.customerId} not found.`] });
  }
  const errors = new ErrorCollector();
  checkTagTypes(state, input.tagTypeIds, "tagTypeIds", errors);
  errors.throwIfAny();
  if (input.customerId !== undefined) location.customerId = input.customerId;
  if (input.name !== undefined) location.name = input.name;
  if (input.address !== undefined) location.address = mergeAddress(location.address, input.address);
  if (input.active !== undefined) location.active = input.active;
  if (input.taxZoneId !== undefined) location.taxZoneId = input.taxZoneId;
  if (input.customFields !== undefined) location.customFields = customFieldsFrom(input.customFields);
  // Full list: omitted tags are removed, an empty list clears (spec description).
  if (input.tagTypeIds !== undefined) location.tagTypeIds = unique(input.tagTypeIds);
  if (input.externalData !== undefined)
    location.externalData = applyExternalDataUpdate(location.externalData, input.externalData);
  location.modifiedOn = nowIso(state);
  return { status: 200, body: locationView(location, input.externalData?.applicationGuid) };
}

function addLocationTag(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const location = requireRecord(state.locations, pathId(ctx), "Location");
  const tagTypeId = pathId(ctx, "tagTypeId");
  if (!state.tagTypes.has(tagTypeId)) throw notFound(`Tag type with id ${tagTypeId}`);
  if (!location.tagTypeIds.includes(tagTypeId)) {
    location.tagTypeIds.push(tagTypeId);
    location.modifiedOn = nowIso(state);
  }
  return { status: 200, body: { locationId: location.id, tagTypeIds: [...location.tagTypeIds] } };
}

function deleteLocationTag(ctx: HandlerContext): HandlerResult {
  const location = requireRecord(ctx.state.locations, pathId(ctx), "Location");
  const tagTypeId = pathId(ctx, "tagTypeId");
  if (!location.tagTypeIds.includes(tagTypeId)) throw notFound(`Tag type with id ${tagTypeId} on the location`);
  location.tagTypeIds = location.tagTypeIds.filter((t) => t !== tagTypeId);
  location.modifiedOn = nowIso(ctx.state);
  return { status: 200 };
}

function listLocationContacts(ctx: HandlerContext): HandlerResult {
  const location = requireRecord(ctx.state.locations, pathId(ctx), "Location");
  const contacts = locationContactsOf(ctx.state, location.id).sort((a, b) => a.id - b.id);
  return { status: 200, body: paginate(contacts, ctx.query, contactWithModifiedOnView) };
}

/** A contact added to an existing location stays on the location (only new locations copy to the customer). */
function createLocationContact(ctx: HandlerContext): HandlerResult {
  const location = requireRecord(ctx.state.locations, pathId(ctx), "Location");
  const input = parseBody(newContactSchema, ctx.body);
  const contact = addLocationContact(ctx.state, location.customerId, location.id, input);
  return { status: 200, body: contactWithModifiedOnView(contact) };
}

/**
 * One of `locationIds`, `modifiedBefore`, `modifiedOnOrAfter`, `createdBefore`, `createdOnOrAfter` is
 * required (operation summary in the spec).
 */
function listContactsOfLocations({ state, query: q }: HandlerContext): HandlerResult {
  requireOneOf(q, ["locationIds", "modifiedBefore", "modifiedOnOrAfter", "createdBefore", "createdOnOrAfter"]);
  const locationIds = q.intList("locationIds", 5000);
  const dated = dateFilter(q);
  const wanted = locationIds === undefined ? undefined : new Set(locationIds);
  const contacts = [...state.locationContacts.values()]
    .filter((c) => (wanted === undefined || (c.locationId !== undefined && wanted.has(c.locationId))) && dated(c))
    .sort((a, b) => a.id - b.id);
  return { status: 200, body: paginate(contacts, q, locationsContactView) };
}

export const locationRoutes: Route[] = [
  route("GET", "crm", "/locations/contacts", "Locations_GetLocationsContactsList", listContactsOfLocations),
  route("GET", "crm", "/locations", "Locations_GetList", listLocations),
  route("POST", "crm", "/locations", "Locations_Create", createLocation),
  route("GET", "crm", "/locations/{id}", "Locations_Get", getLocation),
  route("PATCH", "crm", "/locations/{id}", "Locations_Update", updateLocation),
  route("POST", "crm", "/locations/{id}/tags/{tagTypeId}", "Locations_CreateTag", addLocationTag),
  route("DELETE", "crm", "/locations/{id}/tags/{tagTypeId}", "Locations_DeleteTag", deleteLocationTag),
  route("GET", "crm", "/locations/{id}/contacts", "Locations_GetContactList", listLocationContacts),
  route("POST", "crm", "/locations/{id}/contacts", "Locations_CreateContact", createLocationContact),
];
