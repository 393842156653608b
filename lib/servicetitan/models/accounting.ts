/**
 * Invoice shapes (accounting-v2.json). Money and quantities are **strings** in `InvoiceResponse`
 * ("19.99"); they are kept as the strings ServiceTitan sent (null read as "0": an invoice line
 * without an amount is worth nothing) and `stDecimalToCents` converts them when comparing with
 * order cents.
 */
import * as z from "zod";
import { decimalToCents } from "../../order/money.ts";
import { idSchema, optionalString } from "./common.ts";

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
  total: decimalString,
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
