/**
 * CRM export feeds (crm-v2.json `ExportCustomers_GetCustomers`, `ExportLocations_Locations`,
 * `ExportContacts_CustomersContacts`, `ExportContacts_LocationsContacts`); paging, tokens and the
 * 15-minute window are in export-feed.ts.
 *
 * The feeds take no `externalDataApplicationGuid`, so rows carry no externalData (ServiceTitan scopes
 * it to the GUID a request names). A contact row's `active` is false once the contact was removed (it
 * stays in the feed so readers learn of the removal); see `ExportFeedSettings.contactActive` for the
 * alternative reading of that undocumented field.
 */
import { readExportFeed } from "../export-feed.ts";
import type { HandlerContext, HandlerResult, Route } from "../router.ts";
import { route } from "../router.ts";
import type { LegacyContactRecord, SandboxState } from "../state.ts";
import { customerView, exportContactView, locationsContactView, locationView } from "./crm-views.ts";

function* customerContactRows(state: SandboxState): Generator<LegacyContactRecord> {
  yield* state.customerContacts.values();
  for (const c of state.removedContacts.values()) if (c.customerId !== undefined) yield c;
}

function* locationContactRows(state: SandboxState): Generator<LegacyContactRecord> {
  yield* state.locationContacts.values();
  for (const c of state.removedContacts.values()) if (c.locationId !== undefined) yield c;
}

/** The contact row's `active`: removed contacts are inactive; in "contact-and-owner" mode an inactive owner too. */
function contactActive(state: SandboxState, c: LegacyContactRecord): boolean {
  if (state.removedContacts.has(c.id)) return false;
  if (state.feeds.contactActive === "contact") return true;
  if (c.customerId !== undefined) return state.customers.get(c.customerId)?.active ?? false;
  return c.locationId === undefined ? false : (state.locations.get(c.locationId)?.active ?? false);
}

function exportCustomers({ state, query }: HandlerContext): HandlerResult {
  return {
    status: 200,
    body: readExportFeed(state, state.customers.values(), query, (c) => customerView(c, undefined)),
  };
}

function exportLocations({ state, query }: HandlerContext): HandlerResult {
  return {
    status: 200,
    body: readExportFeed(state, state.locations.values(), query, (l) => locationView(l, undefined)),
  };
}

function exportCustomerContacts({ state, query }: HandlerContext): HandlerResult {
  const body = readExportFeed(state, customerContactRows(state), query, (c) =>
    exportContactView(c, contactActive(state, c)),
  );
  return { status: 200, body };
}

/** `Crm.V2.ExportLocationContactResponse`. */
function exportLocationContacts({ state, query }: HandlerContext): HandlerResult {
  const body = readExportFeed(state, locationContactRows(state), query, (c) => ({
    ...locationsContactView(c),
    active: contactActive(state, c),
  }));
  return { status: 200, body };
}

export const exportRoutes: Route[] = [
  route("GET", "crm", "/export/customers", "ExportCustomers_GetCustomers", exportCustomers),
  route("GET", "crm", "/export/customers/contacts", "ExportContacts_CustomersContacts", exportCustomerContacts),
  route("GET", "crm", "/export/locations", "ExportLocations_Locations", exportLocations),
  route("GET", "crm", "/export/locations/contacts", "ExportContacts_LocationsContacts", exportLocationContacts),
];
