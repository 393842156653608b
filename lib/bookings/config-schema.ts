/**
 * The `bookings` key of the mapping config: which orders become a ServiceTitan **booking** (a request
 * on the Calls screen that a CSR accepts into a job or dismisses) instead of a scheduled job.
 * Optional; without it every order becomes a job, as before.
 */
import * as z from "zod";

const stId = z.number().int().positive();

export const CreateAs = { Job: "job", Booking: "booking" } as const;
export type CreateAs = (typeof CreateAs)[keyof typeof CreateAs];
const createAs = z.enum([CreateAs.Job, CreateAs.Booking]);

/**
 * A SKU pattern: the SKU itself, or with `*` standing for any characters (`DIAG-*`). Compared
 * without regard to case, like pricebook codes.
 */
const skuPattern = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s]+$/, "Expected a SKU or a pattern with * (no spaces)");

const skuRuleSchema = z.strictObject({
  /** A SKU, or a pattern with `*` for any characters (`DIAG-*`), compared without regard to case. */
  sku: skuPattern,
  /** What an order with a line matching `sku` becomes. */
  createAs,
});

const orderKindBookingsSchema = z.strictObject({
  /** What an order of this kind becomes unless a `skuRules` entry says otherwise. */
  createAs: createAs.default(CreateAs.Job),
  /**
   * Checked in order: the first rule whose `sku` matches any line of the order decides what the
   * order becomes (e.g. `{ "sku": "DIAG-*", "createAs": "booking" }` for open-scope diagnostic visits).
   */
  skuRules: z.array(skuRuleSchema).max(50).default([]),
  /** The booking's business unit; unset, the order kind's `businessUnitId`. */
  businessUnitId: stId.optional(),
  /** The job type the CSR's job gets; unset, the order kind's `jobTypeId`. */
  jobTypeId: stId.optional(),
  /** Unset, the order kind's `campaignId`. */
  campaignId: stId.optional(),
  /** Unset, the order kind's `priority`. */
  priority: z.enum(["Low", "Normal", "High", "Urgent"]).optional(),
});

const jobsOnly = { createAs: CreateAs.Job, skuRules: [] };

export const bookingsConfigSchema = z
  .strictObject({
    /**
     * The Booking Provider tag bookings are filed under (the `{booking_provider}` of
     * `POST /booking-provider/{booking_provider}/bookings`): the tag the tenant admin picked when
     * connecting the app. Checked at start: it must exist and be active. Required once any order
     * can become a booking.
     */
    providerTagId: stId.optional(),
    /** `isSendConfirmationEmail`: whether ServiceTitan e-mails the customer when the booking is created. */
    sendConfirmationEmail: z.boolean().default(false),
    /** Product orders: job or booking (keys under `bookings.<kind>`). */
    product: orderKindBookingsSchema.default(jobsOnly),
    /** Service orders: job or booking (keys under `bookings.<kind>`). */
    service: orderKindBookingsSchema.default(jobsOnly),
  })
  .superRefine((bookings, ctx) => {
    const kinds = [bookings.product, bookings.service];
    const anyBooking = kinds.some(
      (kind) => kind.createAs === CreateAs.Booking || kind.skuRules.some((rule) => rule.createAs === CreateAs.Booking),
    );
    if (anyBooking && bookings.providerTagId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["providerTagId"],
        message: "Required when any order can become a booking (createAs: booking)",
      });
    }
  })
  .default({ sendConfirmationEmail: false, product: jobsOnly, service: jobsOnly });

export type BookingsConfig = z.output<typeof bookingsConfigSchema>;
export type OrderKindBookingsConfig = BookingsConfig["product"];
