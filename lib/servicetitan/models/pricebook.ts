/**
 * Pricebook shapes (pricebook-v2.json): materials, equipment and services. The three responses
 * share the fields the worker uses; services have no cost-of-sale or asset account, in responses
 * as in create bodies.
 */
import * as z from "zod";
import { externalDataCreateSchema, externalDataListSchema, idSchema, lenientString, optionalString } from "./common.ts";

export const pricebookKinds = ["material", "equipment", "service"] as const;
export type PricebookKind = (typeof pricebookKinds)[number];

/** `MaterialResponse` / `EquipmentResponse` / `ServiceGetResponse` / `ServiceResponse`, common part. */
export const pricebookItemSchema = z.object({
  /** The `skuId` invoice items refer to. */
  id: idSchema,
  code: z.string(),
  displayName: optionalString,
  description: lenientString,
  active: z.boolean(),
  price: z.number(),
  account: optionalString,
  costOfSaleAccount: optionalString,
  assetAccount: optionalString,
  externalData: externalDataListSchema,
});
export type PricebookItem = z.output<typeof pricebookItemSchema>;

/** Fields every create body shares (`*CreateRequest`: `code` and `description` are required). */
const commonCreateFields = {
  code: z.string().min(1),
  displayName: z.string().optional(),
  /** HTML. */
  description: z.string().min(1),
  price: z.number().optional(),
  memberPrice: z.number().optional(),
  addOnPrice: z.number().optional(),
  addOnMemberPrice: z.number().optional(),
  active: z.boolean().optional(),
  taxable: z.boolean().optional(),
  hours: z.number().optional(),
  /** Income GL account; a plain string (name vs number is unconfirmed, see api-notes). */
  account: z.string().optional(),
  categories: z.array(idSchema).optional(),
  externalData: externalDataCreateSchema.optional(),
};

/** `Pricebook.V2.MaterialCreateRequest`. */
export const materialCreateRequestSchema = z.object({
  ...commonCreateFields,
  cost: z.number().optional(),
  unitOfMeasure: z.string().optional(),
  isInventory: z.boolean().optional(),
  costOfSaleAccount: z.string().optional(),
  assetAccount: z.string().optional(),
});
export type MaterialCreateRequest = z.input<typeof materialCreateRequestSchema>;

/** `Pricebook.V2.EquipmentCreateRequest`. */
export const equipmentCreateRequestSchema = z.object({
  ...commonCreateFields,
  cost: z.number().optional(),
  unitOfMeasure: z.string().optional(),
  isInventory: z.boolean().optional(),
  manufacturer: z.string().optional(),
  model: z.string().optional(),
  costOfSaleAccount: z.string().optional(),
  assetAccount: z.string().optional(),
});
export type EquipmentCreateRequest = z.input<typeof equipmentCreateRequestSchema>;

/** `Pricebook.V2.ServiceCreateRequest` (no `cost`, no cost-of-sale/asset accounts). */
export const serviceCreateRequestSchema = z.object({
  ...commonCreateFields,
  isLabor: z.boolean().optional(),
});
export type ServiceCreateRequest = z.input<typeof serviceCreateRequestSchema>;

export interface PricebookCreateRequests {
  material: MaterialCreateRequest;
  equipment: EquipmentCreateRequest;
  service: ServiceCreateRequest;
}
export type PricebookCreateRequest<K extends PricebookKind> = PricebookCreateRequests[K];
