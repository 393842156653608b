/**
 * ServiceTitan dispatch arrival windows hold `start` and `duration` as .NET `TimeSpan` strings
 * ("09:00", "08:00:00", "1.00:00:00"); the OpenAPI document labels them `format: duration`, which in
 * JSON Schema means ISO 8601 ("PT8H"). Both spellings are accepted so a change on ServiceTitan's side
 * doesn't silently move appointments.
 *
 * Caveat: the create/update request schemas describe `duration` as "The end time for the arrival
 * window ... I.e. \"11:00\"" while the field name says duration. We read it as a duration (as named);
 * verify against a live tenant before relying on it.
 */
import type { ArrivalWindowMinutes } from "./appointment.ts";

const dotnetTimeSpan = /^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const isoDuration = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Whole minutes in a TimeSpan/ISO 8601 duration ("08:30" → 510, "PT4H" → 240); undefined when unreadable. */
export function timeSpanToMinutes(value: string): number | undefined {
  const text = value.trim();
  const dotnet = dotnetTimeSpan.exec(text);
  if (dotnet) {
    const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = dotnet;
    if (Number(minutes) > 59 || Number(seconds) > 59) return undefined;
    return Number(days) * 1440 + Number(hours) * 60 + Number(minutes) + Math.floor(Number(seconds) / 60);
  }
  const iso = isoDuration.exec(text);
  if (iso && text !== "P" && !text.endsWith("T")) {
    const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = iso;
    return Number(days) * 1440 + Number(hours) * 60 + Number(minutes) + Math.floor(Number(seconds) / 60);
  }
  return undefined;
}

/** An `ArrivalWindowResponse` (`start`, `duration`) as the minutes `planAppointment` takes; undefined if unreadable. */
export function arrivalWindowMinutes(window: { start: string; duration: string }): ArrivalWindowMinutes | undefined {
  const startMinutes = timeSpanToMinutes(window.start);
  const durationMinutes = timeSpanToMinutes(window.duration);
  if (startMinutes === undefined || durationMinutes === undefined) return undefined;
  if (startMinutes >= 24 * 60 || durationMinutes <= 0) return undefined;
  return { startMinutes, durationMinutes };
}
