/**
 * Shapes shared by several ServiceTitan APIs. Response schemas keep only what the worker uses (zod
 * objects strip the rest) and are lenient where real tenant data is known to be untidy (nullable
 * strings, missing arrays): one odd record must not fail a whole list page permanently.
 */
import * as z from "zod";

/** `ActiveRequestArg`: lists return active records only unless told otherwise. */
export type ActiveFilter = "True" | "Any" | "False";

/** `*.ExternalDataModel`: one key/value stamped under an application GUID. */
export const externalDataItemSchema = z.object({ key: z.string(), value: z.string() });
export type ExternalDataItem = z.output<typeof externalDataItemSchema>;

/**
 * Response `externalData`: only the items for the GUID passed as `externalDataApplicationGuid` are
 * returned; absent or null (pricebook declares it nullable) reads as none.
 */
export const externalDataListSchema = z
  .array(externalDataItemSchema)
  .nullish()
  .transform((items) => items ?? []);

/** `*.ExternalDataCreateRequest` (crm, jpm, pricebook: same shape). */
export const externalDataCreateSchema = z.object({
  applicationGuid: z.string().min(1),
  externalData: z.array(externalDataItemSchema),
});
export type ExternalDataCreateRequest = z.input<typeof externalDataCreateSchema>;

/**
 * List filter on our own stamps; maps to `externalDataApplicationGuid` + `externalDataKey` +
 * `externalDataValues` (key and values must be sent together; at most 50 values).
 */
export interface ExternalDataFilter {
  applicationGuid: string;
  key: string;
  values: string[];
}

export const idSchema = z.number().int();

export const idListSchema = z
  .array(idSchema)
  .nullish()
  .transform((ids) => ids ?? []);

/** A string ServiceTitan may send as null or omit; read as "". */
export const lenientString = z
  .string()
  .nullish()
  .transform((value) => value ?? "");

/** An optional string ServiceTitan may send as null; read as undefined. */
export const optionalString = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

export const optionalId = idSchema.nullish().transform((value) => value ?? undefined);
