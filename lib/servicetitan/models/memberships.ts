/**
 * Membership shapes (memberships-v2.json). Response schemas keep what the worker reads; enums the
 * worker doesn't branch on stay plain strings, so a value ServiceTitan adds later can't fail a page.
 */
import * as z from "zod";
import { idSchema, optionalId, optionalString } from "./common.ts";

/** `Memberships.V2.RecurringServiceAction`: on how many of the customer's locations recurring services are added. */
export const recurringServiceActions = ["None", "Single", "All"] as const;
export type RecurringServiceAction = (typeof recurringServiceActions)[number];

/** `Memberships.V2.MembershipStatus`. */
export const membershipStatuses = ["Active", "Suspended", "Expired", "Canceled", "Deleted"] as const;

/** `Memberships.V2.MembershipTypeResponse` (the parts the worker uses). */
export const membershipTypeSchema = z.object({
  id: idSchema,
  name: z.string(),
  active: z.boolean(),
});
export type MembershipType = z.output<typeof membershipTypeSchema>;

/** `Memberships.V2.MembershipTypeDurationBillingItemResponse`: one way to sell a type (duration, billing, prices). */
export const durationBillingItemSchema = z.object({
  id: idSchema,
  active: z.boolean(),
  /** Months; null for an ongoing membership. */
  duration: z
    .number()
    .int()
    .nullish()
    .transform((value) => value ?? undefined),
  billingFrequency: z.string(),
  salePrice: z.number(),
});
export type DurationBillingItem = z.output<typeof durationBillingItemSchema>;

/** `Memberships.V2.CustomerMembershipResponse` (the parts the worker uses). */
export const customerMembershipSchema = z.object({
  id: idSchema,
  createdOn: z.string(),
  customerId: idSchema,
  membershipTypeId: idSchema,
  status: z.string(),
  active: z.boolean(),
  locationId: optionalId,
  memo: optionalString,
});
export type CustomerMembership = z.output<typeof customerMembershipSchema>;

/** `Memberships.V2.MembershipSaleInvoiceCreateRequest` (`additionalProperties: false`). */
export const membershipSaleRequestSchema = z.strictObject({
  customerId: idSchema,
  businessUnitId: idSchema,
  saleTaskId: idSchema,
  durationBillingId: idSchema,
  /** Discount location of the membership; null: all the customer's locations. */
  locationId: idSchema.nullable().optional(),
  recurringServiceAction: z.enum(recurringServiceActions),
  /** Where recurring services are scheduled; null: all locations. */
  recurringLocationId: idSchema.nullable().optional(),
});
export type MembershipSaleRequest = z.input<typeof membershipSaleRequestSchema>;

/** `Memberships.V2.MembershipSaleInvoiceCreateResponse`: the sale's own invoice and the new membership. */
export const membershipSaleResponseSchema = z.object({
  invoiceId: idSchema,
  customerMembershipId: idSchema,
});
export type MembershipSale = z.output<typeof membershipSaleResponseSchema>;

/** `Memberships.V2.CustomerMembershipUpdateRequest`: only the memo is ever sent. */
export const membershipMemoRequestSchema = z.strictObject({ memo: z.string() });
