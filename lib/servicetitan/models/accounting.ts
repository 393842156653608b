/**
 * Invoice shapes (accounting-v2.json). Money and quantities are **strings** in `InvoiceResponse`
 * ("19.99"); they are kept as the strings ServiceTitan sent (null read as "0": an invoice line
 * without an amount is worth nothing) and `stDecimalToCents` converts them when comparing with
 * order cents.
 */
import * as z from "zod";
import { decimalToCents } from "../../order/money.ts";
import { idSchema, lenientString, optionalString } from "./common.ts";

/** `Accounting.V2.InvoiceItemType`. */
export const invoiceItemTypes = ["Service", "Material", "Equipment", "PriceModifier", "Unspecified"] as const;
export type InvoiceItemType = (typeof invoiceItemTypes)[number];

const decimalString = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined || value === "" ? "0" : String(value)));

/** `Accounting.V2.InvoiceItemResponse` (the parts the worker uses). */
export const invoiceItemSchema = z.object({
  id: idSchema,
  skuId: idSchema,
  skuName: optionalString,
  /** HTML. */
  description: optionalString,
  quantity: decimalString,
  /** Unit price. */
  price: decimalString,
  total: decimalString,
  type: z.enum(invoiceItemTypes),
});
export type InvoiceItem = z.output<typeof invoiceItemSchema>;

/** `Accounting.V2.InvoiceResponse` (the parts the worker uses). */
export const invoiceSchema = z.object({
  id: idSchema,
  job: z
    .object({ id: idSchema, number: optionalString })
    .nullish()
    .transform((job) => job ?? undefined),
  subTotal: decimalString,
  /** Computed by ServiceTitan from the location's tax zone and the taxable items. */
  salesTax: decimalString,
  total: decimalString,
  /** HTML. */
  summary: optionalString,
  items: z
    .array(invoiceItemSchema)
    .nullish()
    .transform((items) => items ?? []),
});
export type Invoice = z.output<typeof invoiceSchema>;

/**
 * `Accounting.V2.InvoiceItemUpdateRequest` restricted to adding a line: no `id` (with an id the
 * PATCH would update that item). ServiceTitan needs `skuId` (or `skuName`) to append, and the money
 * field is `unitPrice` — a field called `price` is silently dropped and gives a $0.00 line.
 */
export const addInvoiceItemRequestSchema = z.object({
  skuId: idSchema,
  skuName: z.string().optional(),
  /** HTML. */
  description: z.string().min(1),
  quantity: z.number(),
  unitPrice: z.number(),
  cost: z.number().optional(),
  technicianId: idSchema.optional(),
  isAddOn: z.boolean().optional(),
});
export type AddInvoiceItemRequest = z.input<typeof addInvoiceItemRequestSchema>;

/** "19.99" → 1999 (rounded half away from zero); undefined when the string isn't a number. */
export function stDecimalToCents(value: string): number | undefined {
  const cents = decimalToCents(value);
  return Number.isFinite(cents) ? cents : undefined;
}

/** `Accounting.V2.InvoiceUpdateRequest`, the one field the worker changes (PATCH semantics: others stay). */
export const updateInvoiceSummaryRequestSchema = z.object({
  /** HTML. */
  summary: z.string().min(1),
});
export type UpdateInvoiceSummaryRequest = z.input<typeof updateInvoiceSummaryRequestSchema>;

/** `Accounting.V2.PaymentTypeResponse`. */
export const paymentTypeSchema = z.object({ id: idSchema, name: lenientString });
export type PaymentType = z.output<typeof paymentTypeSchema>;

/** `Accounting.V2.PaymentAppliedResponse`. */
const paymentAppliedSchema = z.object({ appliedTo: idSchema, appliedAmount: decimalString });

/** `Accounting.V2.DetailedPaymentResponse` (the parts the worker uses; `typeId` is a string there). */
export const paymentSchema = z.object({
  id: idSchema,
  active: z.boolean(),
  typeId: optionalString,
  memo: optionalString,
  authCode: optionalString,
  total: decimalString,
  appliedTo: z
    .array(paymentAppliedSchema)
    .nullish()
    .transform((applied) => applied ?? []),
});
export type Payment = z.output<typeof paymentSchema>;

/**
 * `Accounting.V2.PaymentCreateRequest` as documented until March 2026 (`Payments_Create` is absent
 * from the current accounting document; see api-notes §0 item 9).
 */
export const createPaymentRequestSchema = z.object({
  typeId: idSchema,
  amount: z.number(),
  customerId: idSchema.optional(),
  memo: z.string().optional(),
  paidOn: z.string().min(1),
  authCode: z.string().optional(),
  splits: z.array(z.object({ invoiceId: idSchema, amount: z.number() })).min(1),
});
export type CreatePaymentRequest = z.input<typeof createPaymentRequestSchema>;

/** `Accounting.V2.PaymentResponse` (the parts the worker uses). */
export const createdPaymentSchema = z.object({ id: idSchema });
