/**
 * Booking-provider bookings and Booking Provider tags (crm `Bookings_Create`, `Bookings_GetList2`,
 * `Bookings_GetForProvider`, `Bookings_DismissBooking`, `BookingProviderTags_GetList`,
 * `BookingProviderTags_Get`). A booking is filed under a provider tag; the provider sees only its
 * own bookings. Accepting and converting happen on the Calls screen (office.ts), not through the API.
 *
 * UNCONFIRMED (api-notes §0.12): whether ServiceTitan refuses a second booking with an `externalId`
 * the provider already has. Default: it files it; `state.rejectDuplicateBookingExternalIds` makes it
 * a 400 naming `externalId`.
 */
import { z } from "zod";
import { ciEnum, int64, isoDateTime, parseBody } from "../body.ts";
import { byIds, dateFilter } from "../filters.ts";
import { paginate, sortItems, standardSortFields } from "../paging.ts";
import { notFound } from "../problem.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, route } from "../router.ts";
import { allocateId, type BookingProviderTagRecord, type BookingRecord, contactTypes, nowIso } from "../state.ts";
import { ErrorCollector } from "./common.ts";

const priorities = ["Low", "Normal", "High", "Urgent"] as const;

/** `Crm.V2.CreateBookingRequest`. */
const createSchema = z.object({
  source: z.string().min(1),
  name: z.string().min(1),
  address: z
    .object({
      street: z.string(),
      unit: z.string().nullish(),
      city: z.string(),
      state: z.string(),
      zip: z.string(),
      country: z.string(),
    })
    .nullish(),
  contacts: z
    .array(
      z.object({ type: ciEnum(contactTypes as [string, ...string[]]), value: z.string(), memo: z.string().nullish() }),
    )
    .nullish(),
  customerType: ciEnum(["Residential", "Commercial"] as const).nullish(),
  start: isoDateTime.nullish(),
  summary: z.string().min(1),
  campaignId: int64.nullish(),
  businessUnitId: int64.nullish(),
  jobTypeId: int64.nullish(),
  priority: ciEnum(priorities).nullish(),
  isFirstTimeClient: z.boolean(),
  uploadedImages: z.array(z.string()).nullish(),
  isSendConfirmationEmail: z.boolean().nullish(),
  externalId: z.string().min(1),
});

/** `Crm.V2.DismissBookingModel`. */
const dismissSchema = z.object({ callReasonId: int64.nullish(), dismissingMemo: z.string().nullish() });

/** `Crm.V2.BookingResponse`. */
export function bookingView(b: BookingRecord) {
  return {
    id: b.id,
    source: b.source,
    createdOn: b.createdOn,
    name: b.name,
    address: b.address,
    customerType: b.customerType,
    start: b.start,
    campaignId: b.campaignId,
    businessUnitId: b.businessUnitId,
    isFirstTimeClient: b.isFirstTimeClient,
    uploadedImages: [],
    isSendConfirmationEmail: b.isSendConfirmationEmail,
    status: b.status,
    dismissingReasonId: b.dismissingReasonId,
    jobId: b.jobId,
    externalId: b.externalId,
    priority: b.priority,
    jobTypeId: b.jobTypeId,
    bookingProviderId: b.bookingProviderId,
    modifiedOn: b.modifiedOn,
    summary: b.summary,
  };
}

/** `Crm.V2.GetBookingProviderTagResponse`. */
const tagView = (t: BookingProviderTagRecord) => ({
  id: t.id,
  tagName: t.tagName,
  description: t.description,
  type: t.type,
  createdOn: t.createdOn,
  modifiedOn: t.modifiedOn,
  active: t.active,
});

/** The `{booking_provider}` path segment: a Booking Provider tag of the tenant. */
function providerOf(ctx: HandlerContext): BookingProviderTagRecord {
  const id = pathId(ctx, "booking_provider");
  const tag = ctx.state.bookingProviderTags.get(id);
  if (tag === undefined) throw notFound(`Booking provider with id ${id}`);
  return tag;
}

function bookingOf(ctx: HandlerContext): BookingRecord {
  const provider = providerOf(ctx);
  const id = pathId(ctx);
  const booking = ctx.state.bookings.get(id);
  if (booking === undefined || booking.bookingProviderId !== provider.id) throw notFound(`Booking with id ${id}`);
  return booking;
}

function createBooking(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const provider = providerOf(ctx);
  const input = parseBody(createSchema, ctx.body);
  const errors = new ErrorCollector();
  const known = (map: Map<number, unknown>, id: number | null | undefined, field: string, what: string) => {
    if (id !== undefined && id !== null && !map.has(id)) errors.add(field, `${what} with id ${id} not found.`);
  };
  known(state.campaigns, input.campaignId, "campaignId", "Campaign");
  known(state.businessUnits, input.businessUnitId, "businessUnitId", "Business unit");
  known(state.jobTypes, input.jobTypeId, "jobTypeId", "Job type");
  const taken = [...state.bookings.values()].some(
    (b) => b.bookingProviderId === provider.id && b.externalId === input.externalId,
  );
  if (state.rejectDuplicateBookingExternalIds && taken) {
    errors.add("externalId", "A booking with this external ID already exists.");
  }
  errors.throwIfAny();
  const at = nowIso(state);
  const booking: BookingRecord = {
    id: allocateId(state),
    bookingProviderId: provider.id,
    source: input.source,
    name: input.name,
    address: input.address ? { ...input.address, unit: input.address.unit ?? null } : null,
    contacts: (input.contacts ?? []).map((c) => ({
      type: c.type as BookingRecord["contacts"][number]["type"],
      value: c.value,
      memo: c.memo ?? null,
    })),
    customerType: input.customerType ?? null,
    start: input.start ? new Date(input.start).toISOString() : at,
    summary: input.summary,
    campaignId: input.campaignId ?? null,
    businessUnitId: input.businessUnitId ?? null,
    jobTypeId: input.jobTypeId ?? null,
    priority: input.priority ?? null,
    isFirstTimeClient: input.isFirstTimeClient,
    isSendConfirmationEmail: input.isSendConfirmationEmail ?? null,
    externalId: input.externalId,
    status: "New",
    dismissingReasonId: null,
    jobId: null,
    createdOn: at,
    modifiedOn: at,
  };
  state.bookings.set(booking.id, booking);
  return { status: 200, body: bookingView(booking) };
}

function listBookings(ctx: HandlerContext): HandlerResult {
  const provider = providerOf(ctx);
  const q = ctx.query;
  const ids = byIds(q.intList("ids"));
  const externalId = q.string("externalId");
  const dated = dateFilter(q);
  const items = [...ctx.state.bookings.values()].filter(
    (b) =>
      b.bookingProviderId === provider.id &&
      ids(b) &&
      (externalId === undefined || b.externalId === externalId) &&
      dated(b),
  );
  const sorted = sortItems(items, q, standardSortFields<BookingRecord>());
  return { status: 200, body: paginate(sorted, q, bookingView) };
}

function getBooking(ctx: HandlerContext): HandlerResult {
  return { status: 200, body: bookingView(bookingOf(ctx)) };
}

function dismissBooking(ctx: HandlerContext): HandlerResult {
  const booking = bookingOf(ctx);
  const input = parseBody(dismissSchema, ctx.body ?? {});
  booking.status = "Dismissed";
  booking.dismissingReasonId = input.callReasonId ?? null;
  booking.modifiedOn = nowIso(ctx.state);
  return { status: 200 };
}

function listProviderTags({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const name = q.string("name")?.toLowerCase();
  const dated = dateFilter(q);
  const items = [...state.bookingProviderTags.values()].filter(
    (t) => ids(t) && (name === undefined || t.tagName.toLowerCase() === name) && dated(t),
  );
  const sorted = sortItems(items, q, standardSortFields<BookingProviderTagRecord>());
  return { status: 200, body: paginate(sorted, q, tagView) };
}

function getProviderTag(ctx: HandlerContext): HandlerResult {
  const id = pathId(ctx);
  const tag = ctx.state.bookingProviderTags.get(id);
  if (tag === undefined) throw notFound(`Booking provider tag with id ${id}`);
  return { status: 200, body: tagView(tag) };
}

export const bookingRoutes: Route[] = [
  route("GET", "crm", "/booking-provider-tags", "BookingProviderTags_GetList", listProviderTags),
  route("GET", "crm", "/booking-provider-tags/{id}", "BookingProviderTags_Get", getProviderTag),
  route("GET", "crm", "/booking-provider/{booking_provider}/bookings", "Bookings_GetList2", listBookings),
  route("POST", "crm", "/booking-provider/{booking_provider}/bookings", "Bookings_Create", createBooking),
  route("GET", "crm", "/booking-provider/{booking_provider}/bookings/{id}", "Bookings_GetForProvider", getBooking),
  route(
    "POST",
    "crm",
    "/booking-provider/{booking_provider}/bookings/{id}/dismiss",
    "Bookings_DismissBooking",
    dismissBooking,
  ),
];
