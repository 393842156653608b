/**
 * Booking-provider endpoints (crm-v2.json `Bookings_*`, `BookingProviderTags_*`). Paths are relative
 * to `/crm/v2/tenant/{tenant}`. Every booking call goes through the provider's own paths
 * (`/booking-provider/{booking_provider}/bookings`): the provider is the Booking Provider tag the
 * tenant admin picked when connecting the app, and it scopes what the app sees.
 */
import {
  type Booking,
  type BookingProviderTag,
  bookingProviderTagSchema,
  bookingSchema,
  type CreateBookingRequest,
  createBookingRequestSchema,
  dismissBookingRequestSchema,
} from "../models/bookings.ts";
import { type Page, pageOf } from "../pagination.ts";
import { type ServiceTitanHttp, StApi } from "../types.ts";
import { checkIds, emptyPage, requestBody, segment } from "./request-helpers.ts";

export type { Booking, BookingProviderTag, BookingStatus, CreateBookingRequest } from "../models/bookings.ts";

const api = StApi.crm;
const bookingPage = pageOf(bookingSchema);
const tagPage = pageOf(bookingProviderTagSchema);

const bookingsPath = (providerTagId: number) => `/booking-provider/${segment(providerTagId)}/bookings`;

/** `Bookings_Create` (200): the new booking, status `New`. */
export async function createBooking(
  http: ServiceTitanHttp,
  providerTagId: number,
  body: CreateBookingRequest,
): Promise<Booking> {
  const operation = "Bookings_Create";
  return http.request({
    method: "POST",
    api,
    path: bookingsPath(providerTagId),
    body: requestBody(createBookingRequestSchema, body, operation),
    response: bookingSchema,
    operation,
  });
}

/**
 * The provider's bookings with this exact `externalId` (`Bookings_GetList2`). Only the first page is
 * read: the worker writes one booking per order key, so more than a page is not ours to sort out.
 * Compared client-side as well: whether the filter is exact or partial is not documented.
 */
export async function listBookingsByExternalId(
  http: ServiceTitanHttp,
  providerTagId: number,
  externalId: string,
): Promise<Booking[]> {
  const page = await http.request({
    method: "GET",
    api,
    path: bookingsPath(providerTagId),
    query: { externalId, page: 1, pageSize: 50 },
    response: bookingPage,
    operation: "Bookings_GetList2",
  });
  return page.data.filter((booking) => booking.externalId === externalId);
}

/**
 * `Bookings_GetForProvider`: the booking's current status, and its job once a CSR converted it.
 * @throws ServiceTitanRejectedError with status 404 when the provider has no such booking.
 */
export async function getBooking(http: ServiceTitanHttp, providerTagId: number, bookingId: number): Promise<Booking> {
  return http.request({
    method: "GET",
    api,
    path: `${bookingsPath(providerTagId)}/${segment(bookingId)}`,
    response: bookingSchema,
    operation: "Bookings_GetForProvider",
  });
}

/**
 * `Bookings_DismissBooking` (200, no body): the booking leaves the Calls screen's open list, as a
 * CSR's dismissal would. The memo says why; no call reason is sent (the tenant's reasons are its own).
 */
export async function dismissBooking(
  http: ServiceTitanHttp,
  providerTagId: number,
  bookingId: number,
  body: { dismissingMemo: string },
): Promise<void> {
  const operation = "Bookings_DismissBooking";
  await http.request({
    method: "POST",
    api,
    path: `${bookingsPath(providerTagId)}/${segment(bookingId)}/dismiss`,
    body: requestBody(dismissBookingRequestSchema, body, operation),
    operation,
  });
}

/** `BookingProviderTags_GetList` by ids (at most 50; an empty list matches nothing and makes no call). */
export async function listBookingProviderTags(
  http: ServiceTitanHttp,
  filter: { ids: number[] },
): Promise<Page<BookingProviderTag>> {
  if (filter.ids.length === 0) return emptyPage(1, 50);
  return http.request({
    method: "GET",
    api,
    path: "/booking-provider-tags",
    query: { ids: checkIds(filter.ids), page: 1, pageSize: 50 },
    response: tagPage,
    operation: "BookingProviderTags_GetList",
  });
}
