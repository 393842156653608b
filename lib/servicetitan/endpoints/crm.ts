/**
 * CRM endpoints (crm-v2.json): customer matching and creation, locations, contacts and tags.
 * Paths are relative to `/crm/v2/tenant/{tenant}`.
 */
import { ServiceTitanRejectedError } from "../../errors.ts";
import type { ActiveFilter, ExternalDataFilter } from "../models/common.ts";
import {
  type ContactMethod,
  type ContactRelationship,
  type ContactType,
  type CreateCustomerRequest,
  type CreatedCustomer,
  type CreatedLocation,
  type CreateLocationRequest,
  type Customer,
  type CustomerContact,
  type CustomerTags,
  contactMethodSchema,
  contactRelationshipSchema,
  createCustomerRequestSchema,
  createdCustomerSchema,
  createdLocationSchema,
  createLocationRequestSchema,
  customerContactSchema,
  customerSchema,
  customerTagsSchema,
  type Location,
  type LocationTags,
  locationSchema,
  locationTagsSchema,
} from "../models/crm.ts";
import { listAll, type Page, pageOf } from "../pagination.ts";
import { type ServiceTitanHttp, StApi } from "../types.ts";
import {
  checkIds,
  emptyPage,
  externalDataQuery,
  lookupMaxPages,
  matchesNothing,
  requestBody,
  segment,
} from "./request-helpers.ts";

export type { ActiveFilter, ExternalDataFilter } from "../models/common.ts";
export type {
  AddressRequest,
  ContactMethod,
  ContactRelationship,
  ContactType,
  CreateCustomerRequest,
  CreatedCustomer,
  CreatedLocation,
  CreateLocationRequest,
  Customer,
  CustomerContact,
  CustomerTags,
  CustomerType,
  Location,
  LocationTags,
  NewContact,
  NewLocation,
  StAddress,
} from "../models/crm.ts";
export type { Page } from "../pagination.ts";

const api = StApi.crm;

const contactMethodPage = pageOf(contactMethodSchema);
const relationshipPage = pageOf(contactRelationshipSchema);
const customerPage = pageOf(customerSchema);
const locationPage = pageOf(locationSchema);
const contactPage = pageOf(customerContactSchema);

/**
 * Contact methods of the tenant-wide contacts model with this exact `type` and `value`
 * (`Contacts_SearchContactMethods`). Only the first page (50) is read: more hits than that for one
 * e-mail address or phone number is noise, not a match. Compare values client-side: whether the
 * search is exact or partial, and case-sensitive, is unconfirmed.
 */
export async function searchContactMethods(
  http: ServiceTitanHttp,
  search: { type: ContactType; value: string },
): Promise<ContactMethod[]> {
  const page = await http.request({
    method: "GET",
    api,
    path: "/contacts/contact-methods",
    query: { type: search.type, value: search.value, page: 1, pageSize: 50 },
    response: contactMethodPage,
    operation: "Contacts_SearchContactMethods",
  });
  return page.data;
}

/** What a tenant-wide contact is attached to (`Contacts_GetContactRelationshipList`), all pages. */
export async function listContactRelationships(
  http: ServiceTitanHttp,
  contactId: string,
  filter: { typeSlug?: "customer" | "location" | "booking" } = {},
): Promise<ContactRelationship[]> {
  return listAll(
    (page) =>
      http.request({
        method: "GET",
        api,
        path: `/contacts/${segment(contactId)}/relationships`,
        query: { typeSlug: filter.typeSlug, page, pageSize: 50 },
        response: relationshipPage,
        operation: "Contacts_GetContactRelationshipList",
      }),
    { maxPages: 10 },
  );
}

export interface CustomerFilter {
  /** At most 50. An empty list matches nothing (no call is made). */
  ids?: number[];
  name?: string;
  street?: string;
  unit?: string;
  city?: string;
  state?: string;
  zip?: string;
  /** "by phone number of contacts"; digits-only and formatted numbers both work (3P probe). */
  phone?: string;
  /** Default (omitted): active only. Use "Any" when matching so merged/deactivated records are seen. */
  active?: ActiveFilter;
  externalData?: ExternalDataFilter;
  page?: number;
  pageSize?: number;
}

/**
 * `Customers_GetList`. There is no e-mail filter (`email=` is silently ignored and returns every
 * customer); use `searchContactMethods`. `externalData` also selects which GUID's stamps come back.
 */
export async function listCustomers(http: ServiceTitanHttp, filter: CustomerFilter = {}): Promise<Page<Customer>> {
  if (matchesNothing(filter)) return emptyPage(filter.page, filter.pageSize);
  return http.request({
    method: "GET",
    api,
    path: "/customers",
    query: {
      ids: checkIds(filter.ids),
      name: filter.name,
      street: filter.street,
      unit: filter.unit,
      city: filter.city,
      state: filter.state,
      zip: filter.zip,
      phone: filter.phone,
      active: filter.active,
      ...externalDataQuery(filter.externalData),
      page: filter.page,
      pageSize: filter.pageSize,
    },
    response: customerPage,
    operation: "Customers_GetList",
  });
}

/**
 * `Customers_Get`. This operation takes no `externalDataApplicationGuid`, so `externalData` is
 * always empty here; use `listCustomers({ ids: [id], externalData })` to read stamps.
 * @throws ServiceTitanRejectedError with status 404 when the customer doesn't exist.
 */
export async function getCustomer(http: ServiceTitanHttp, customerId: number): Promise<Customer> {
  return http.request({
    method: "GET",
    api,
    path: `/customers/${segment(customerId)}`,
    response: customerSchema,
    operation: "Customers_Get",
  });
}

/** `Customers_Create` (200): the customer with at least one location, in one call. */
export async function createCustomer(http: ServiceTitanHttp, body: CreateCustomerRequest): Promise<CreatedCustomer> {
  const operation = "Customers_Create";
  return http.request({
    method: "POST",
    api,
    path: "/customers",
    body: requestBody(createCustomerRequestSchema, body, operation),
    response: createdCustomerSchema,
    operation,
  });
}

export interface LocationFilter {
  customerId?: number;
  /** At most 50. An empty list matches nothing (no call is made). */
  ids?: number[];
  /** The spec documents this as "customer's name". */
  name?: string;
  street?: string;
  unit?: string;
  city?: string;
  state?: string;
  zip?: string;
  active?: ActiveFilter;
  externalData?: ExternalDataFilter;
  page?: number;
  pageSize?: number;
}

/** `Locations_GetList`. */
export async function listLocations(http: ServiceTitanHttp, filter: LocationFilter = {}): Promise<Page<Location>> {
  if (matchesNothing(filter)) return emptyPage(filter.page, filter.pageSize);
  return http.request({
    method: "GET",
    api,
    path: "/locations",
    query: {
      ids: checkIds(filter.ids),
      customerId: filter.customerId,
      name: filter.name,
      street: filter.street,
      unit: filter.unit,
      city: filter.city,
      state: filter.state,
      zip: filter.zip,
      active: filter.active,
      ...externalDataQuery(filter.externalData),
      page: filter.page,
      pageSize: filter.pageSize,
    },
    response: locationPage,
    operation: "Locations_GetList",
  });
}

/** `Locations_Create` (200; 409 "Unknown customer"). */
export async function createLocation(http: ServiceTitanHttp, body: CreateLocationRequest): Promise<CreatedLocation> {
  const operation = "Locations_Create";
  return http.request({
    method: "POST",
    api,
    path: "/locations",
    body: requestBody(createLocationRequestSchema, body, operation),
    response: createdLocationSchema,
    operation,
  });
}

/**
 * `Customers_CreateTag`: adds one tag, leaving the customer's other tags alone (PATCHing
 * `tagTypeIds` would replace the whole list). The spec documents 409 for this operation and what
 * ServiceTitan does on a duplicate is unconfirmed, so on 409 the customer is read back: if the tag
 * is there the call counts as done, otherwise the 409 stands.
 */
export async function addCustomerTag(
  http: ServiceTitanHttp,
  customerId: number,
  tagTypeId: number,
): Promise<CustomerTags> {
  try {
    return await http.request({
      method: "POST",
      api,
      path: `/customers/${segment(customerId)}/tags/${segment(tagTypeId)}`,
      response: customerTagsSchema,
      operation: "Customers_CreateTag",
    });
  } catch (error) {
    if (!isConflict(error)) throw error;
    const customer = await getCustomer(http, customerId);
    if (!customer.tagTypeIds.includes(tagTypeId)) throw error;
    return { customerId, tagTypeIds: customer.tagTypeIds };
  }
}

/** `Locations_CreateTag`; same duplicate handling as `addCustomerTag`. */
export async function addLocationTag(
  http: ServiceTitanHttp,
  locationId: number,
  tagTypeId: number,
): Promise<LocationTags> {
  try {
    return await http.request({
      method: "POST",
      api,
      path: `/locations/${segment(locationId)}/tags/${segment(tagTypeId)}`,
      response: locationTagsSchema,
      operation: "Locations_CreateTag",
    });
  } catch (error) {
    if (!isConflict(error)) throw error;
    const location = await http.request({
      method: "GET",
      api,
      path: `/locations/${segment(locationId)}`,
      response: locationSchema,
      operation: "Locations_Get",
    });
    if (!location.tagTypeIds.includes(tagTypeId)) throw error;
    return { locationId, tagTypeIds: location.tagTypeIds };
  }
}

/** The customer's legacy contacts (`Customers_GetContactList`), all pages. */
export async function listCustomerContacts(http: ServiceTitanHttp, customerId: number): Promise<CustomerContact[]> {
  return listAll(
    (page) =>
      http.request({
        method: "GET",
        api,
        path: `/customers/${segment(customerId)}/contacts`,
        query: { page, pageSize: 50 },
        response: contactPage,
        operation: "Customers_GetContactList",
      }),
    { maxPages: lookupMaxPages },
  );
}

function isConflict(error: unknown): boolean {
  return error instanceof ServiceTitanRejectedError && error.status === 409;
}
