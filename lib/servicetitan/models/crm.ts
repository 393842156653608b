/**
 * CRM shapes (crm-v2.json): customers, locations, legacy per-customer contacts and the newer
 * tenant-wide contacts (GUID ids, contact methods, relationships).
 */
import * as z from "zod";
import {
  externalDataCreateSchema,
  externalDataListSchema,
  idListSchema,
  idSchema,
  lenientString,
  optionalId,
  optionalString,
} from "./common.ts";

/** `Crm.V2.ContactType`. */
export const contactTypes = ["Phone", "Email", "Fax", "MobilePhone"] as const;
export type ContactType = (typeof contactTypes)[number];

/** `Crm.V2.CustomerType`. */
export const customerTypes = ["Residential", "Commercial"] as const;
export type CustomerType = (typeof customerTypes)[number];

/** `Crm.V2.Customers.CustomerAddress` as returned (customers and locations share it). */
export const addressSchema = z.object({
  street: lenientString,
  unit: optionalString,
  city: lenientString,
  state: lenientString,
  zip: lenientString,
  country: lenientString,
});
export type StAddress = z.output<typeof addressSchema>;

/** `Crm.V2.Customers.CustomerResponse` (the parts the worker uses). */
export const customerSchema = z.object({
  id: idSchema,
  name: lenientString,
  type: z.enum(customerTypes),
  active: z.boolean(),
  /** Set on a customer merged into another; the survivor is active, this one is not. */
  mergedToId: optionalId,
  address: addressSchema,
  tagTypeIds: idListSchema,
  externalData: externalDataListSchema,
});
export type Customer = z.output<typeof customerSchema>;

/** `Crm.V2.Locations.LocationResponse`. */
export const locationSchema = z.object({
  id: idSchema,
  customerId: idSchema,
  name: lenientString,
  active: z.boolean(),
  mergedToId: optionalId,
  address: addressSchema,
  tagTypeIds: idListSchema,
  externalData: externalDataListSchema,
});
export type Location = z.output<typeof locationSchema>;

/** `Crm.V2.Customers.CustomerContact` / `Crm.V2.Locations.LocationContact` (legacy int64 ids). */
export const customerContactSchema = z.object({
  id: idSchema,
  type: z.enum(contactTypes),
  value: lenientString,
  memo: optionalString,
});
export type CustomerContact = z.output<typeof customerContactSchema>;

/** `Crm.V2.Locations.CreateLocationResponse`: a location plus the contacts created with it. */
export const createdLocationSchema = locationSchema.extend({
  contacts: z
    .array(customerContactSchema)
    .nullish()
    .transform((contacts) => contacts ?? []),
});
export type CreatedLocation = z.output<typeof createdLocationSchema>;

/** `Crm.V2.Customers.CreatedCustomerResponse`: the customer with its new locations and contacts. */
export const createdCustomerSchema = customerSchema.extend({
  locations: z.array(createdLocationSchema),
  contacts: z
    .array(customerContactSchema)
    .nullish()
    .transform((contacts) => contacts ?? []),
});
export type CreatedCustomer = z.output<typeof createdCustomerSchema>;

/** `Crm.V2.ContactMethodResponse` (tenant-wide contacts model; ids are GUIDs). */
export const contactMethodSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  type: z.enum(contactTypes),
  value: lenientString,
  referenceId: optionalString,
  memo: optionalString,
});
export type ContactMethod = z.output<typeof contactMethodSchema>;

/** `Crm.V2.ContactRelationshipResponse`. */
export const contactRelationshipSchema = z.object({
  relatedEntityId: idSchema,
  typeSlug: z.string(),
});
export type ContactRelationship = z.output<typeof contactRelationshipSchema>;

/** `Crm.V2.Customers.CreateCustomerTagResponse`. */
export const customerTagsSchema = z.object({ customerId: idSchema, tagTypeIds: idListSchema });
export type CustomerTags = z.output<typeof customerTagsSchema>;

/** `Crm.V2.Locations.CreateLocationTagResponse`. */
export const locationTagsSchema = z.object({ locationId: idSchema, tagTypeIds: idListSchema });
export type LocationTags = z.output<typeof locationTagsSchema>;

// ---- Request bodies (spec names; zod strips anything else before sending) ----

/** `Crm.V2.Customers.CustomerAddress` as sent: street, city, state, zip and country are required. */
export const addressRequestSchema = z.object({
  street: z.string().min(1),
  unit: z.string().optional(),
  city: z.string().min(1),
  state: z.string().min(1),
  zip: z.string().min(1),
  country: z.string().min(1),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});
export type AddressRequest = z.input<typeof addressRequestSchema>;

/** `Crm.V2.Customers.NewCustomerContact`. */
export const newContactSchema = z.object({
  type: z.enum(contactTypes),
  value: z.string().min(1),
  memo: z.string().optional(),
});
export type NewContact = z.input<typeof newContactSchema>;

/** `Crm.V2.Customers.CustomFieldUpdateModel`. */
const customFieldSchema = z.object({ typeId: idSchema, value: z.string() });

/** `Crm.V2.Customers.NewLocation` (a location created together with its customer). */
export const newLocationSchema = z.object({
  name: z.string().min(1),
  address: addressRequestSchema,
  contacts: z.array(newContactSchema).optional(),
  customFields: z.array(customFieldSchema).optional(),
  tagTypeIds: z.array(idSchema).optional(),
  externalData: externalDataCreateSchema.optional(),
});
export type NewLocation = z.input<typeof newLocationSchema>;

/** `Crm.V2.Customers.CreateCustomerRequest`. */
export const createCustomerRequestSchema = z.object({
  name: z.string().min(1),
  type: z.enum(customerTypes).optional(),
  address: addressRequestSchema,
  locations: z.array(newLocationSchema).min(1),
  contacts: z.array(newContactSchema).optional(),
  customFields: z.array(customFieldSchema).optional(),
  tagTypeIds: z.array(idSchema).optional(),
  externalData: externalDataCreateSchema.optional(),
  doNotMail: z.boolean().optional(),
  doNotService: z.boolean().optional(),
  taxExempt: z.boolean().optional(),
});
export type CreateCustomerRequest = z.input<typeof createCustomerRequestSchema>;

/** `Crm.V2.Locations.CreateLocationRequest`. */
export const createLocationRequestSchema = newLocationSchema.extend({ customerId: idSchema });
export type CreateLocationRequest = z.input<typeof createLocationRequestSchema>;
