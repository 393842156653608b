/**
 * CRM export feeds and contact lists by id (crm-v2.json), relative to `/crm/v2/tenant/{tenant}`.
 *
 * Export feeds (developer.servicetitan.io, transactional-and-export-apis; api-notes §0 item 2): `from`
 * takes the previous response's `continueFrom` (nothing = from the beginning); `hasMore` says
 * whether to call again at once. Changes of the last 15 minutes are left out unless
 * `includeRecentChanges=true`, which may deliver a row more than once. A changed record appears
 * again later in its feed. There is no page-size parameter: ServiceTitan decides.
 */
import {
  type CustomerContactById,
  customerContactByIdSchema,
  type ExportCustomer,
  type ExportCustomerContact,
  type ExportLocation,
  type ExportLocationContact,
  type ExportPage,
  exportCustomerContactSchema,
  exportCustomerSchema,
  exportEnvelopeSchema,
  exportLocationContactSchema,
  exportLocationSchema,
  type LocationContactById,
  locationContactByIdSchema,
  parseRows,
} from "../models/crm-export.ts";
import { pageOf } from "../pagination.ts";
import { type ServiceTitanHttp, StApi } from "../types.ts";
import { checkIds } from "./request-helpers.ts";

export type {
  CustomerContactById,
  ExportCustomer,
  ExportCustomerContact,
  ExportLocation,
  ExportLocationContact,
  ExportPage,
  LocationContactById,
} from "../models/crm-export.ts";

const api = StApi.crm;

export interface ExportRequest {
  /** The previous page's `continueFrom`; omitted to start from the beginning. */
  from?: string | undefined;
  /** True: include the last 15 minutes' changes (rows may repeat). */
  includeRecentChanges: boolean;
}

async function exportPage<T>(
  http: ServiceTitanHttp,
  path: string,
  operation: string,
  rowSchema: Parameters<typeof parseRows>[0],
  request: ExportRequest,
): Promise<ExportPage<T>> {
  const envelope = await http.request({
    method: "GET",
    api,
    path,
    query: { from: request.from || undefined, includeRecentChanges: request.includeRecentChanges },
    response: exportEnvelopeSchema,
    operation,
  });
  const { rows, invalidRows } = parseRows(rowSchema, envelope.data);
  return { hasMore: envelope.hasMore, continueFrom: envelope.continueFrom, rows: rows as T[], invalidRows };
}

/** `ExportCustomers_GetCustomers`. */
export function exportCustomers(http: ServiceTitanHttp, request: ExportRequest): Promise<ExportPage<ExportCustomer>> {
  return exportPage(http, "/export/customers", "ExportCustomers_GetCustomers", exportCustomerSchema, request);
}

/** `ExportContacts_CustomersContacts`. */
export function exportCustomerContacts(
  http: ServiceTitanHttp,
  request: ExportRequest,
): Promise<ExportPage<ExportCustomerContact>> {
  return exportPage(
    http,
    "/export/customers/contacts",
    "ExportContacts_CustomersContacts",
    exportCustomerContactSchema,
    request,
  );
}

/** `ExportLocations_Locations`. */
export function exportLocations(http: ServiceTitanHttp, request: ExportRequest): Promise<ExportPage<ExportLocation>> {
  return exportPage(http, "/export/locations", "ExportLocations_Locations", exportLocationSchema, request);
}

/** `ExportContacts_LocationsContacts`. */
export function exportLocationContacts(
  http: ServiceTitanHttp,
  request: ExportRequest,
): Promise<ExportPage<ExportLocationContact>> {
  return exportPage(
    http,
    "/export/locations/contacts",
    "ExportContacts_LocationsContacts",
    exportLocationContactSchema,
    request,
  );
}

const customerContactPage = pageOf(customerContactByIdSchema);
const locationContactPage = pageOf(locationContactByIdSchema);

/** Contacts of several customers per call; more than this many for a handful of candidates is noise. */
const contactsPageSize = 200;

/**
 * The spec's text says "either modifiedBefore or modifiedOnOrAfter must be specified" while the
 * api-notes read it as "one of customerIds / modified*": which one ServiceTitan enforces is
 * unconfirmed, so a bound that excludes nothing is always sent with the ids.
 */
const sinceForever = "2000-01-01T00:00:00Z";

/**
 * `Customers_GetModifiedContactsList?customerIds=` — the live contacts of up to 50 customers in one
 * call (first page of 200). Legacy contacts, so it works on every tenant, with or without Contact
 * Management.
 */
export async function listContactsOfCustomers(
  http: ServiceTitanHttp,
  customerIds: readonly number[],
): Promise<CustomerContactById[]> {
  if (customerIds.length === 0) return [];
  const page = await http.request({
    method: "GET",
    api,
    path: "/customers/contacts",
    query: {
      customerIds: checkIds(customerIds)?.join(","),
      modifiedOnOrAfter: sinceForever,
      page: 1,
      pageSize: contactsPageSize,
    },
    response: customerContactPage,
    operation: "Customers_GetModifiedContactsList",
  });
  return page.data;
}

/** `Locations_GetLocationsContactsList?locationIds=`, the same for locations. */
export async function listContactsOfLocations(
  http: ServiceTitanHttp,
  locationIds: readonly number[],
): Promise<LocationContactById[]> {
  if (locationIds.length === 0) return [];
  const page = await http.request({
    method: "GET",
    api,
    path: "/locations/contacts",
    query: {
      locationIds: checkIds(locationIds)?.join(","),
      modifiedOnOrAfter: sinceForever,
      page: 1,
      pageSize: contactsPageSize,
    },
    response: locationContactPage,
    operation: "Locations_GetLocationsContactsList",
  });
  return page.data;
}
