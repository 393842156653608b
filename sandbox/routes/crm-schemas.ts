/**
 * zod versions of the CRM request schemas the sandbox accepts (`Crm.V2.*` in crm-v2.json), with
 * the spec's field names and required lists. Unknown fields are stripped, as ServiceTitan ignores them.
 */
import { z } from "zod";
import { ciEnum, decimal, int64 } from "../body.ts";
import { contactTypes } from "../state.ts";
import { externalDataCreateSchema, externalDataUpdateSchema } from "./external-data-schemas.ts";

const requiredText = z.string().trim().min(1);

/** `Crm.V2.Customers.CustomerAddress`. */
export const customerAddressSchema = z.object({
  street: requiredText,
  unit: z.string().nullish(),
  city: requiredText,
  state: requiredText,
  zip: requiredText,
  country: requiredText,
  latitude: z.number().nullish(),
  longitude: z.number().nullish(),
});

/** `UpdateCustomerAddress` / `AddressPatchModel`: the sandbox merges whatever parts are sent. */
export const addressPatchSchema = z.object({
  street: z.string().optional(),
  unit: z.string().nullish(),
  city: z.string().optional(),
  state: z.string().optional(),
  zip: z.string().optional(),
  country: z.string().optional(),
  latitude: z.number().nullish(),
  longitude: z.number().nullish(),
});

export const contactTypeSchema = ciEnum(contactTypes as unknown as readonly ["Phone", "Email", "Fax", "MobilePhone"]);

/** `NewCustomerContact` / `CreateCustomerContactRequest` / `LocationContactCreateRequest`. */
export const newContactSchema = z.object({
  type: contactTypeSchema,
  value: requiredText,
  memo: z.string().nullish(),
});

export const customFieldSchema = z.object({ typeId: int64, value: z.string() });

const coordinates = {
  coordinatesSource: ciEnum(["None", "System", "User", "Imported"]).nullish(),
  coordinatesVerificationStatus: ciEnum(["Unverified", "InProgress", "Failed", "Verified"]).nullish(),
};

/** `Crm.V2.Customers.NewLocation`. */
export const newLocationSchema = z.object({
  name: requiredText,
  address: customerAddressSchema,
  contacts: z.array(newContactSchema).nullish(),
  customFields: z.array(customFieldSchema).nullish(),
  tagTypeIds: z.array(int64).nullish(),
  externalData: externalDataCreateSchema.nullish(),
  ...coordinates,
});

const customerType = ciEnum(["Residential", "Commercial"]);

/** `Crm.V2.Customers.CreateCustomerRequest`. */
export const createCustomerSchema = z.object({
  name: requiredText,
  type: customerType.nullish(),
  doNotMail: z.boolean().nullish(),
  doNotService: z.boolean().nullish(),
  nationalAccount: z.boolean().nullish(),
  locations: z.array(newLocationSchema).min(1, "At least one location is required."),
  address: customerAddressSchema,
  contacts: z.array(newContactSchema).nullish(),
  customFields: z.array(customFieldSchema).nullish(),
  tagTypeIds: z.array(int64).nullish(),
  externalData: externalDataCreateSchema.nullish(),
  taxExempt: z.boolean().nullish(),
  paymentTermId: int64.nullish(),
  creditLimit: decimal.nullish(),
  creditLimitBalance: decimal.nullish(),
});

/** `Crm.V2.Customers.UpdateCustomerRequest` (every field optional). */
export const updateCustomerSchema = z.object({
  name: requiredText.optional(),
  type: customerType.optional(),
  address: addressPatchSchema.optional(),
  customFields: z.array(customFieldSchema).optional(),
  externalData: externalDataUpdateSchema.optional(),
  doNotMail: z.boolean().optional(),
  doNotService: z.boolean().optional(),
  nationalAccount: z.boolean().optional(),
  active: z.boolean().optional(),
  tagTypeIds: z.array(int64).optional(),
  taxExempt: z.boolean().optional(),
  paymentTermId: int64.nullish(),
  creditLimit: decimal.nullish(),
  creditLimitBalance: decimal.nullish(),
});

/** `Crm.V2.Locations.CreateLocationRequest`. */
export const createLocationSchema = newLocationSchema.extend({ customerId: int64 });

/** `Crm.V2.Locations.UpdateLocationRequest`. */
export const updateLocationSchema = z.object({
  customerId: int64.optional(),
  name: requiredText.optional(),
  address: addressPatchSchema.optional(),
  active: z.boolean().optional(),
  taxZoneId: int64.nullish(),
  customFields: z.array(customFieldSchema).optional(),
  tagTypeIds: z.array(int64).optional(),
  externalData: externalDataUpdateSchema.optional(),
});

/** `Crm.V2.AddBulkTagsRequest` / `RemoveBulkTagsRequest`. */
export const bulkTagsSchema = z.object({
  customerIds: z.array(int64).min(1),
  tagTypeIds: z.array(int64).min(1),
});
