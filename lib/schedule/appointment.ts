/**
 * The job's one appointment. ServiceTitan's `AppointmentInformation` takes `start`/`end` and
 * `arrivalWindowStart`/`arrivalWindowEnd` as absolute UTC date-times, while tenants think in local
 * wall-clock time ("next business day, 08:00–12:00") and dispatch arrival-window records only hold a
 * time-of-day `start` and a `duration`. So the worker computes the local date and time in the
 * tenant's IANA zone and converts to UTC itself, with the zone's real offset at that instant
 * (`tzOffset` from @date-fns/tz, backed by the runtime's tz database), never a fixed offset.
 * `TZDate`'s constructor is not used for local → UTC: for an ambiguous fall-back time its result
 * depends on the host's own time zone, and Lambda hosts, laptops and CI differ.
 *
 * Rules:
 * - `source: "requested"` and the order has a `requestedWindow`: the appointment is that window
 *   (the customer picked it), converted to UTC; it is also the arrival window when enabled.
 * - A requested window that was already over when the order was placed (ends at or before
 *   `placedAt`, e.g. a 2020 window on a 2026 order) is no choice a checkout offers: stale or bad
 *   storefront data. ServiceTitan would book it as is (it accepts past appointments), so the order
 *   falls back to the configured rule instead — the order is paid and must reach the office; a
 *   rejection would only park it in the DLQ. Judged against `placedAt`, not the clock, so a retry
 *   or a replay plans the same appointment.
 * - Otherwise (`configured`, `requested` without a usable window): the local calendar date of
 *   `placedAt` plus `leadDays` (counted in business days when `businessDaysOnly`, like date-fns
 *   `addBusinessDays`; a result on a weekend rolls to Monday), at `startTime` — or the configured
 *   dispatch arrival window's start — for `durationMinutes` — or the window's duration. Arrival
 *   window fields are set only when `arrivalWindow.enabled`.
 * - A start time that does not exist locally (spring-forward gap, e.g. 02:30 on 2026-03-08 in New
 *   York) moves forward by the gap (03:30 EDT); an ambiguous one (fall-back, 01:30 on 2026-11-01)
 *   takes the first occurrence (EDT). The duration is elapsed time, so a window crossing a DST change
 *   keeps its length in minutes, not its wall-clock end.
 * - With `leadDays: 0` the appointment may start before `placedAt` on the same day; ServiceTitan
 *   accepts past appointments and the office reschedules.
 */
import { tzOffset } from "@date-fns/tz";
import type { ScheduleConfig } from "../config/schema.ts";
import { ConfigError, ReasonCode } from "../errors.ts";

/** ISO 8601 UTC date-times ("2026-03-09T13:00:00.000Z"), as ServiceTitan's job `appointments[]` wants. */
export interface AppointmentTimes {
  start: string;
  end: string;
  arrivalWindowStart?: string;
  arrivalWindowEnd?: string;
}

/** A dispatch arrival window resolved to minutes: `start` "08:00:00" → 480, `duration` "04:00:00" → 240. */
export interface ArrivalWindowMinutes {
  startMinutes: number;
  durationMinutes: number;
}

export interface PlanAppointmentInput {
  /** The order's `placedAt` (ISO 8601 with offset). */
  placedAt: string;
  /** The order's `requestedWindow` (ISO 8601 with offsets), already validated end > start. */
  requestedWindow?: { start: string; end: string } | undefined;
  schedule: ScheduleConfig;
  /** The tenant's IANA zone (`tenantTimeZone`). */
  timeZone: string;
  /** The configured dispatch arrival window (`schedule.arrivalWindow.arrivalWindowId`), when set. */
  arrivalWindow?: ArrivalWindowMinutes | undefined;
}

const minutesPerDay = 24 * 60;
const millisecondsPerMinute = 60_000;

export function planAppointment(input: PlanAppointmentInput): AppointmentTimes {
  const { schedule } = input;
  if (schedule.source === "requested" && input.requestedWindow && !endedBeforePlaced(input.requestedWindow, input)) {
    const start = toUtcIso(input.requestedWindow.start, "requestedWindow.start");
    const end = toUtcIso(input.requestedWindow.end, "requestedWindow.end");
    return withArrivalWindow(schedule, start, end);
  }

  const startMinutes = input.arrivalWindow?.startMinutes ?? parseTimeOfDay(schedule.startTime);
  const durationMinutes = input.arrivalWindow?.durationMinutes ?? schedule.durationMinutes;
  if (!Number.isInteger(startMinutes) || startMinutes < 0 || startMinutes >= minutesPerDay) {
    throw new ConfigError(
      ReasonCode.ConfigInvalid,
      "schedule.arrivalWindow",
      "Arrival window start is not a time of day",
    );
  }
  if (!Number.isInteger(durationMinutes) || durationMinutes <= 0) {
    throw new ConfigError(
      ReasonCode.ConfigInvalid,
      "schedule.durationMinutes",
      "Appointment duration must be positive",
    );
  }

  const day = addDays(
    localDate(instant(input.placedAt, "placedAt"), input.timeZone),
    schedule.leadDays,
    schedule.businessDaysOnly,
  );
  const startMs = localToUtc(day, startMinutes, input.timeZone);
  const start = new Date(startMs).toISOString();
  const end = new Date(startMs + durationMinutes * millisecondsPerMinute).toISOString();
  return withArrivalWindow(schedule, start, end);
}

/** The window was over by the time the customer paid. */
function endedBeforePlaced(window: { end: string }, input: { placedAt: string }): boolean {
  return instant(window.end, "requestedWindow.end") <= instant(input.placedAt, "placedAt");
}

function withArrivalWindow(schedule: ScheduleConfig, start: string, end: string): AppointmentTimes {
  return schedule.arrivalWindow.enabled
    ? { start, end, arrivalWindowStart: start, arrivalWindowEnd: end }
    : { start, end };
}

interface CalendarDay {
  year: number;
  /** 0-based, as `Date` */
  month: number;
  date: number;
}

/** Calendar arithmetic on the local date itself (no instants involved, so no DST). */
function addDays(from: CalendarDay, days: number, businessDaysOnly: boolean): CalendarDay {
  const cursor = new Date(Date.UTC(from.year, from.month, from.date));
  const isWeekend = () => cursor.getUTCDay() === 0 || cursor.getUTCDay() === 6;
  const step = () => cursor.setUTCDate(cursor.getUTCDate() + 1);
  if (businessDaysOnly) {
    for (let left = days; left > 0; ) {
      step();
      if (!isWeekend()) left--;
    }
    while (isWeekend()) step();
  } else {
    cursor.setUTCDate(cursor.getUTCDate() + days);
  }
  return { year: cursor.getUTCFullYear(), month: cursor.getUTCMonth(), date: cursor.getUTCDate() };
}

/** The calendar date at `ms` on the wall clocks of `timeZone`. */
function localDate(ms: number, timeZone: string): CalendarDay {
  const wallClock = new Date(ms + offsetMs(timeZone, ms));
  return { year: wallClock.getUTCFullYear(), month: wallClock.getUTCMonth(), date: wallClock.getUTCDate() };
}

/**
 * The instant when `timeZone`'s wall clocks show `day` + `minutes`. Tries the offsets in force 12 h
 * before and after (no zone changes offset twice within a day): a time both explain is ambiguous
 * (fall-back) and the earlier instant wins; a time neither explains is in a spring-forward gap and is
 * read with the offset before the gap, which lands it the gap's length later on the new clock.
 */
function localToUtc(day: CalendarDay, minutes: number, timeZone: string): number {
  const asIfUtc = Date.UTC(day.year, day.month, day.date, 0, minutes);
  const halfDay = 12 * 60 * millisecondsPerMinute;
  const before = asIfUtc - offsetMs(timeZone, asIfUtc - halfDay);
  const after = asIfUtc - offsetMs(timeZone, asIfUtc + halfDay);
  const fits = (candidate: number) => candidate + offsetMs(timeZone, candidate) === asIfUtc;
  const valid = [before, after].filter(fits);
  return valid.length > 0 ? Math.min(...valid) : before;
}

function offsetMs(timeZone: string, ms: number): number {
  const minutes = tzOffset(timeZone, new Date(ms));
  if (Number.isNaN(minutes)) {
    throw new ConfigError(ReasonCode.ConfigInvalid, "tenantTimeZone", "Unknown IANA time zone");
  }
  return minutes * millisecondsPerMinute;
}

/** "08:30" → 510 (the config schema already enforces HH:MM). */
function parseTimeOfDay(value: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  if (!match) throw new ConfigError(ReasonCode.ConfigInvalid, "schedule.startTime", "Expected HH:MM");
  return Number(match[1]) * 60 + Number(match[2]);
}

function instant(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    // The order schema validates these; reaching here means a caller skipped it.
    throw new TypeError(`${field} is not an ISO 8601 date-time`);
  }
  return ms;
}

function toUtcIso(value: string, field: string): string {
  return new Date(instant(value, field)).toISOString();
}
