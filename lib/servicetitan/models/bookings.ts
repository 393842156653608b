/**
 * Booking-provider shapes (crm-v2.json): bookings that land on ServiceTitan's Calls screen, where a
 * CSR accepts them into a job or dismisses them, and the Booking Provider tags they are filed under.
 */
import * as z from "zod";
import { idSchema, lenientString, optionalId, optionalString } from "./common.ts";
import { contactTypes, customerTypes } from "./crm.ts";

/** `Crm.V2.BookingStatus`. */
export const bookingStatuses = ["New", "Accepted", "Converted", "Dismissed"] as const;
export type BookingStatus = (typeof bookingStatuses)[number];

/** `Crm.V2.Priority`. */
export const bookingPriorities = ["Low", "Normal", "High", "Urgent"] as const;

/**
 * `Crm.V2.BookingResponse` (the parts the worker uses). `status` is read as a string: a status
 * ServiceTitan adds later must not make the booking unreadable (the worker only reports it).
 */
export const bookingSchema = z.object({
  id: idSchema,
  externalId: lenientString,
  status: z.string(),
  /** The job a CSR booked from it (set once converted). */
  jobId: optionalId,
  bookingProviderId: optionalId,
  start: optionalString,
});
export type Booking = z.output<typeof bookingSchema>;

/** `Crm.V2.GetBookingProviderTagResponse`: the provider a booking is filed under. */
export const bookingProviderTagSchema = z.object({
  id: idSchema,
  tagName: lenientString,
  active: z.boolean(),
  type: optionalString,
});
export type BookingProviderTag = z.output<typeof bookingProviderTagSchema>;

// ---- Request bodies (spec names; zod strips anything else before sending) ----

/** `Crm.V2.AddressModel`: street, city, state, zip and country are required. */
const bookingAddressSchema = z.object({
  street: z.string().min(1),
  unit: z.string().optional(),
  city: z.string().min(1),
  state: z.string().min(1),
  zip: z.string().min(1),
  country: z.string().min(1),
});

/** `Crm.V2.BookingContactModel`. */
const bookingContactSchema = z.object({
  type: z.enum(contactTypes),
  value: z.string().min(1),
  memo: z.string().optional(),
});

/** `Crm.V2.CreateBookingRequest`: `source`, `name`, `summary`, `isFirstTimeClient` and `externalId` are required. */
export const createBookingRequestSchema = z.object({
  source: z.string().min(1),
  name: z.string().min(1),
  address: bookingAddressSchema.optional(),
  contacts: z.array(bookingContactSchema).optional(),
  customerType: z.enum(customerTypes).optional(),
  /** UTC date-time. */
  start: z.string().optional(),
  summary: z.string().min(1),
  campaignId: idSchema.optional(),
  businessUnitId: idSchema.optional(),
  jobTypeId: idSchema.optional(),
  priority: z.enum(bookingPriorities).optional(),
  isFirstTimeClient: z.boolean(),
  isSendConfirmationEmail: z.boolean().optional(),
  externalId: z.string().min(1),
});
export type CreateBookingRequest = z.input<typeof createBookingRequestSchema>;

/** `Crm.V2.DismissBookingModel` (the part the worker sends). */
export const dismissBookingRequestSchema = z.strictObject({ dismissingMemo: z.string().max(2000) });
