/**
 * Reference data the mapping config points at: tag types and business units (settings-v2),
 * technicians (settings-v2), campaigns (marketing-v2) and arrival windows (dispatch-v2).
 * Technicians carry e-mail and phone in ServiceTitan; those are deliberately not kept.
 */
import * as z from "zod";
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
 * converted to whole minutes; an unreadable value fails validation.
 */
export const arrivalWindowSchema = z
  .object({
    id: idSchema,
    start: z.string(),
    duration: z.string(),
    businessUnitIds: idListSchema,
    active: z.boolean(),
  })
  .transform((window, ctx) => {
    const startMinutes = durationToMinutes(window.start);
    const durationMinutes = durationToMinutes(window.duration);
    if (startMinutes === undefined || startMinutes >= 24 * 60) {
      ctx.addIssue({ code: "custom", path: ["start"], message: "Expected a time of day as a duration" });
      return z.NEVER;
    }
    if (durationMinutes === undefined) {
      ctx.addIssue({ code: "custom", path: ["duration"], message: "Expected a duration" });
      return z.NEVER;
    }
    return { ...window, startMinutes, durationMinutes };
  });
export type ArrivalWindow = z.output<typeof arrivalWindowSchema>;

const timeSpanPattern = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const isoDurationPattern = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Whole minutes (seconds rounded down) of a .NET TimeSpan or ISO 8601 duration; undefined if unreadable. */
export function durationToMinutes(value: string): number | undefined {
  const text = value.trim();
  const span = timeSpanPattern.exec(text);
  if (span) {
    const [, negative, days = "0", hours = "0", minutes = "0"] = span;
    if (negative || Number(minutes) > 59) return undefined;
    return Number(days) * 24 * 60 + Number(hours) * 60 + Number(minutes);
  }
  const iso = isoDurationPattern.exec(text);
  if (iso && text !== "P" && !text.endsWith("T")) {
    const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = iso;
    return Number(days) * 24 * 60 + Number(hours) * 60 + Number(minutes) + Math.floor(Number(seconds) / 60);
  }
  return undefined;
}
