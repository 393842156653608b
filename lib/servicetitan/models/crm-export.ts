/**
 * CRM export feeds (crm-v2.json `ExportResponse_Of_*`): `{ hasMore, continueFrom, data[] }`, and the
 * contact lists by customer/location (`Customers_GetModifiedContactsList`,
 * `Locations_GetLocationsContactsList`). Only what the customer index uses is kept.
 *
 * Rows are parsed one by one (see `parseRows`): a feed carries the whole tenant's history, and one
 * odd record must cost the index that record, not the page.
 */
import * as z from "zod";
import { idListSchema, idSchema, lenientString, optionalId } from "./common.ts";
import { addressSchema, contactTypes } from "./crm.ts";

/** `Crm.V2.ExportCustomerResponse`. */
export const exportCustomerSchema = z.object({
  id: idSchema,
  active: z.boolean(),
  mergedToId: optionalId,
  address: addressSchema.nullish(),
  modifiedOn: lenientString,
});
export type ExportCustomer = z.output<typeof exportCustomerSchema>;

/** `Crm.V2.ExportLocationsResponse`. */
export const exportLocationSchema = z.object({
  id: idSchema,
  customerId: idSchema,
  active: z.boolean(),
  mergedToId: optionalId,
  address: addressSchema.nullish(),
  tagTypeIds: idListSchema,
  modifiedOn: lenientString,
});
export type ExportLocation = z.output<typeof exportLocationSchema>;

/** `Crm.V2.ExportCustomerContactResponse`. */
export const exportCustomerContactSchema = z.object({
  id: idSchema,
  customerId: idSchema,
  type: z.enum(contactTypes),
  value: lenientString,
  active: z.boolean(),
  modifiedOn: lenientString,
});
export type ExportCustomerContact = z.output<typeof exportCustomerContactSchema>;

/** `Crm.V2.ExportLocationContactResponse`. */
export const exportLocationContactSchema = z.object({
  id: idSchema,
  locationId: idSchema,
  type: z.enum(contactTypes),
  value: lenientString,
  active: z.boolean(),
  modifiedOn: lenientString,
});
export type ExportLocationContact = z.output<typeof exportLocationContactSchema>;

/** The envelope; rows stay unknown until `parseRows`. */
export const exportEnvelopeSchema = z.object({
  hasMore: z.boolean(),
  continueFrom: z
    .string()
    .nullish()
    .transform((value) => value ?? undefined),
  data: z
    .array(z.unknown())
    .nullish()
    .transform((rows) => rows ?? []),
});

export interface ExportPage<T> {
  hasMore: boolean;
  /** Pass as `from` to continue; undefined when ServiceTitan sent none. */
  continueFrom: string | undefined;
  rows: T[];
  /** Rows that did not have the documented shape (skipped and counted, never fatal). */
  invalidRows: number;
}

export function parseRows<S extends z.ZodType>(schema: S, rows: readonly unknown[]) {
  const parsed: z.output<S>[] = [];
  let invalidRows = 0;
  for (const row of rows) {
    const result = schema.safeParse(row);
    if (result.success) parsed.push(result.data);
    else invalidRows++;
  }
  return { rows: parsed, invalidRows };
}

/** `Crm.V2.Customers.CustomerContactWithModifiedOnAndCustomerIdResponse`. */
export const customerContactByIdSchema = z.object({
  id: idSchema,
  customerId: idSchema,
  type: z.enum(contactTypes),
  value: lenientString,
});
export type CustomerContactById = z.output<typeof customerContactByIdSchema>;

/** `Crm.V2.LocationsContactResponse`. */
export const locationContactByIdSchema = z.object({
  id: idSchema,
  locationId: idSchema,
  type: z.enum(contactTypes),
  value: lenientString,
});
export type LocationContactById = z.output<typeof locationContactByIdSchema>;
