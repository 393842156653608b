/**
 * `*.ExternalDataCreateRequest` / `*.ExternalDataUpdateRequest`: identical in the crm, jpm and
 * pricebook specs, so one zod schema serves all three.
 */
import { z } from "zod";
import { ciEnum, guid } from "../body.ts";

export const externalDataCreateSchema = z.object({
  applicationGuid: guid,
  externalData: z.array(z.object({ key: z.string().trim().min(1), value: z.string() })),
});

export const externalDataUpdateSchema = z.object({
  patchMode: ciEnum(["Replace", "Merge"]).nullish(),
  applicationGuid: guid,
  externalData: z.array(z.object({ key: z.string().trim().min(1), value: z.string().nullish() })),
});
