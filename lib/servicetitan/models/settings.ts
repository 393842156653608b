/**
 * Reference data the mapping config points at: tag types and business units (settings-v2),
 * technicians (settings-v2), campaigns (marketing-v2) and arrival windows (dispatch-v2).
 * Technicians carry e-mail and phone in ServiceTitan; those are deliberately not kept.
 */
import * as z from "zod";
import { timeSpanToMinutes } from "../../schedule/timespan.ts";
import { idListSchema, idSchema, lenientString, optionalId, optionalString } from "./common.ts";

/** `TenantSettings.V2.TagTypeResponse`. */
export const tagTypeSchema = z.object({
  id: idSchema,
  name: lenientString,
  code: optionalString,
  active: z.boolean(),
});
export type TagType = z.output<typeof tagTypeSchema>;

/** `TenantSettings.V2.BusinessUnitResponse`. */
export const businessUnitSchema = z.object({
  id: idSchema,
  name: lenientString,
  officialName: optionalString,
  active: z.boolean(),
  /** Applied by ServiceTitan to every job booked in this business unit. */
  tagTypeIds: idListSchema,
});
export type BusinessUnit = z.output<typeof businessUnitSchema>;

/** `TenantSettings.V2.TechnicianResponse` (no contact details). */
export const technicianSchema = z.object({
  id: idSchema,
  name: lenientString,
  active: z.boolean(),
  businessUnitId: optionalId,
});
export type Technician = z.output<typeof technicianSchema>;

/** `Marketing.V2.CampaignResponse`. */
export const campaignSchema = z.object({
  id: idSchema,
  name: lenientString,
  active: z.boolean(),
});
export type Campaign = z.output<typeof campaignSchema>;

/**
 * `Dispatch.V2.ArrivalWindowResponse`: `start` (time of day) and `duration` are `format: duration`
 * strings — .NET TimeSpans ("08:00:00", "1.02:00:00") or ISO 8601 ("PT8H"). Both are read and
 * converted to whole minutes (`startMinutes`, `durationMinutes`, absent when unreadable).
 */
export const arrivalWindowSchema = z
  .object({
    id: idSchema,
    start: z.string(),
    duration: z.string(),
    businessUnitIds: idListSchema,
    active: z.boolean(),
  })
  .transform((window) => {
    // An unreadable window is kept without minutes: only the configured one must be readable
    // (checked with the config), so one odd record can't stop every order.
    const startMinutes = timeSpanToMinutes(window.start);
    const durationMinutes = timeSpanToMinutes(window.duration);
    const readable =
      startMinutes !== undefined && startMinutes < 24 * 60 && durationMinutes !== undefined && durationMinutes > 0;
    return readable
      ? { ...window, startMinutes, durationMinutes }
      : { ...window, startMinutes: undefined, durationMinutes: undefined };
  });
export type ArrivalWindow = z.output<typeof arrivalWindowSchema>;
