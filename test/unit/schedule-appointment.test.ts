/**
 * Appointment times: local wall-clock rules in the tenant's zone, sent to ServiceTitan as UTC.
 * 2026 US DST: starts Sunday 2026-03-08 02:00 (clocks jump to 03:00), ends Sunday 2026-11-01 02:00
 * (clocks fall back to 01:00). America/Phoenix has no DST (UTC-7 all year).
 */
import { describe, expect, it } from "vitest";
import type { ScheduleConfig } from "../../lib/config/schema.ts";
import { ConfigError } from "../../lib/errors.ts";
import { planAppointment } from "../../lib/schedule/appointment.ts";

function schedule(overrides: Partial<ScheduleConfig> = {}): ScheduleConfig {
  return {
    source: "configured",
    leadDays: 1,
    businessDaysOnly: true,
    startTime: "08:00",
    durationMinutes: 240,
    arrivalWindow: { enabled: true },
    ...overrides,
  };
}

describe("configured schedule", () => {
  it("books the next business day at the start time, with the same arrival window", () => {
    // Prepare: Friday before the spring-forward weekend, New York
    const input = { placedAt: "2026-03-06T10:00:00-05:00", schedule: schedule(), timeZone: "America/New_York" };

    // Act
    const times = planAppointment(input);

    // Assess: Monday 2026-03-09 08:00 EDT (UTC-4)
    expect(times).toEqual({
      start: "2026-03-09T12:00:00.000Z",
      end: "2026-03-09T16:00:00.000Z",
      arrivalWindowStart: "2026-03-09T12:00:00.000Z",
      arrivalWindowEnd: "2026-03-09T16:00:00.000Z",
    });
  });

  it("moves the UTC hour across spring-forward in New York", () => {
    // Prepare
    const base = { placedAt: "2026-03-06T10:00:00-05:00", timeZone: "America/New_York" };
    const calendarDays = schedule({ businessDaysOnly: false });

    // Act
    const saturday = planAppointment({ ...base, schedule: { ...calendarDays, leadDays: 1 } });
    const sunday = planAppointment({ ...base, schedule: { ...calendarDays, leadDays: 2 } });

    // Assess: 08:00 EST = 13:00Z the day before, 08:00 EDT = 12:00Z on the change day
    expect(saturday.start).toBe("2026-03-07T13:00:00.000Z");
    expect(sunday.start).toBe("2026-03-08T12:00:00.000Z");
    expect(sunday.end).toBe("2026-03-08T16:00:00.000Z");
  });

  it("moves a start time inside the spring-forward gap forward by the gap", () => {
    // Prepare: 02:30 does not exist in New York on 2026-03-08
    const input = {
      placedAt: "2026-03-08T00:30:00-05:00",
      schedule: schedule({ leadDays: 0, businessDaysOnly: false, startTime: "02:30" }),
      timeZone: "America/New_York",
    };

    // Act
    const times = planAppointment(input);

    // Assess: 03:30 EDT
    expect(times.start).toBe("2026-03-08T07:30:00.000Z");
  });

  it("moves the UTC hour across fall-back in Chicago", () => {
    // Prepare: Saturday 2026-10-31, Chicago
    const base = { placedAt: "2026-10-31T12:00:00-05:00", timeZone: "America/Chicago" };
    const calendarDays = schedule({ businessDaysOnly: false });

    // Act
    const saturday = planAppointment({ ...base, schedule: { ...calendarDays, leadDays: 0 } });
    const sunday = planAppointment({ ...base, schedule: { ...calendarDays, leadDays: 1 } });
    const monday = planAppointment({ ...base, schedule: schedule() });

    // Assess: 08:00 CDT = 13:00Z, then 08:00 CST = 14:00Z
    expect(saturday.start).toBe("2026-10-31T13:00:00.000Z");
    expect(sunday.start).toBe("2026-11-01T14:00:00.000Z");
    expect(monday.start).toBe("2026-11-02T14:00:00.000Z");
  });

  it("takes the first occurrence of an ambiguous fall-back time and keeps the duration as elapsed time", () => {
    // Prepare: 01:30 happens twice in Chicago on 2026-11-01
    const input = {
      placedAt: "2026-10-31T20:00:00-05:00",
      schedule: schedule({ businessDaysOnly: false, startTime: "01:30", durationMinutes: 120 }),
      timeZone: "America/Chicago",
    };

    // Act
    const times = planAppointment(input);

    // Assess: 01:30 CDT (UTC-5); two elapsed hours later is 02:30 CST
    expect(times.start).toBe("2026-11-01T06:30:00.000Z");
    expect(times.end).toBe("2026-11-01T08:30:00.000Z");
  });

  it("gives the same answers whatever the host's own time zone is", () => {
    // Prepare: an ambiguous fall-back time, a gap time and an ordinary one
    const inputs = [
      { placedAt: "2026-10-31T20:00:00-05:00", schedule: schedule({ businessDaysOnly: false, startTime: "01:30" }) },
      { placedAt: "2026-03-07T20:00:00-06:00", schedule: schedule({ businessDaysOnly: false, startTime: "02:30" }) },
      { placedAt: "2026-03-06T10:00:00-06:00", schedule: schedule() },
    ].map((input) => ({ ...input, timeZone: "America/Chicago" }));
    const hostZone = process.env.TZ;
    const answers = new Set<string>();

    // Act: Node re-reads TZ when it changes
    try {
      for (const zone of ["UTC", "America/Los_Angeles", "America/Chicago", "Asia/Kolkata", "Pacific/Kiritimati"]) {
        process.env.TZ = zone;
        answers.add(JSON.stringify(inputs.map((input) => planAppointment(input).start)));
      }
    } finally {
      if (hostZone === undefined) delete process.env.TZ;
      else process.env.TZ = hostZone;
    }

    // Assess: 01:30 CDT, 03:30 CDT, Monday 08:00 CDT
    expect([...answers]).toEqual([
      JSON.stringify(["2026-11-01T06:30:00.000Z", "2026-03-08T08:30:00.000Z", "2026-03-09T13:00:00.000Z"]),
    ]);
  });

  it("keeps the same UTC hour all year in Phoenix", () => {
    // Prepare
    const march = { placedAt: "2026-03-06T10:00:00-07:00", schedule: schedule(), timeZone: "America/Phoenix" };
    const november = { ...march, placedAt: "2026-10-30T10:00:00-07:00" };

    // Act
    const beforeSpring = planAppointment(march);
    const afterFall = planAppointment(november);

    // Assess: Mondays 2026-03-09 and 2026-11-02, 08:00 MST = 15:00Z
    expect(beforeSpring.start).toBe("2026-03-09T15:00:00.000Z");
    expect(afterFall.start).toBe("2026-11-02T15:00:00.000Z");
  });

  it("counts from the order's local date in the tenant zone, not its UTC date", () => {
    // Prepare: Thursday 23:30 in Chicago is already Friday in UTC
    const localEvening = { placedAt: "2026-03-05T23:30:00-06:00", schedule: schedule(), timeZone: "America/Chicago" };
    const utcSpelling = { ...localEvening, placedAt: "2026-03-06T05:30:00Z" };

    // Act
    const fromLocal = planAppointment(localEvening);
    const fromUtc = planAppointment(utcSpelling);

    // Assess: Friday 2026-03-06 08:00 CST
    expect(fromLocal.start).toBe("2026-03-06T14:00:00.000Z");
    expect(fromUtc).toEqual(fromLocal);
  });

  it.each([
    ["Friday, 1 business day", "2026-03-06T10:00:00-06:00", 1, "2026-03-09"],
    ["Friday, 3 business days", "2026-03-06T10:00:00-06:00", 3, "2026-03-11"],
    ["Friday, same day", "2026-03-06T10:00:00-06:00", 0, "2026-03-06"],
    ["Saturday, same day rolls to Monday", "2026-03-07T10:00:00-06:00", 0, "2026-03-09"],
    ["Saturday, 1 business day", "2026-03-07T10:00:00-06:00", 1, "2026-03-09"],
    ["Sunday, 1 business day", "2026-03-01T10:00:00-06:00", 1, "2026-03-02"],
    ["Wednesday, 5 business days", "2026-03-04T10:00:00-06:00", 5, "2026-03-11"],
  ])("skips weekends: %s", (_label, placedAt, leadDays, date) => {
    // Act
    const times = planAppointment({ placedAt, schedule: schedule({ leadDays }), timeZone: "America/Chicago" });

    // Assess: 08:00 CST/CDT on that date
    const offset = date >= "2026-03-08" ? "-05:00" : "-06:00";
    expect(times.start).toBe(new Date(`${date}T08:00:00${offset}`).toISOString());
  });

  it("counts calendar days when businessDaysOnly is off", () => {
    // Act
    const times = planAppointment({
      placedAt: "2026-03-06T10:00:00-06:00",
      schedule: schedule({ leadDays: 1, businessDaysOnly: false }),
      timeZone: "America/Chicago",
    });

    // Assess: Saturday
    expect(times.start).toBe("2026-03-07T14:00:00.000Z");
  });

  it("omits the arrival window when it is disabled", () => {
    // Act
    const times = planAppointment({
      placedAt: "2026-03-06T10:00:00-06:00",
      schedule: schedule({ arrivalWindow: { enabled: false } }),
      timeZone: "America/Chicago",
    });

    // Assess
    expect(times).toEqual({ start: "2026-03-09T13:00:00.000Z", end: "2026-03-09T17:00:00.000Z" });
  });

  it("uses the dispatch arrival window's start and duration instead of startTime/durationMinutes", () => {
    // Act
    const times = planAppointment({
      placedAt: "2026-03-06T10:00:00-06:00",
      schedule: schedule({ arrivalWindow: { enabled: true, arrivalWindowId: 77 } }),
      timeZone: "America/Chicago",
      arrivalWindow: { startMinutes: 13 * 60, durationMinutes: 180 },
    });

    // Assess: Monday 13:00–16:00 CDT
    expect(times).toEqual({
      start: "2026-03-09T18:00:00.000Z",
      end: "2026-03-09T21:00:00.000Z",
      arrivalWindowStart: "2026-03-09T18:00:00.000Z",
      arrivalWindowEnd: "2026-03-09T21:00:00.000Z",
    });
  });

  it("rejects an arrival window that does not start within a day", () => {
    // Act
    const plan = () =>
      planAppointment({
        placedAt: "2026-03-06T10:00:00-06:00",
        schedule: schedule(),
        timeZone: "America/Chicago",
        arrivalWindow: { startMinutes: 24 * 60, durationMinutes: 60 },
      });

    // Assess
    expect(plan).toThrow(ConfigError);
  });
});

describe("requested schedule", () => {
  const requested = schedule({ source: "requested" });

  it("books the customer's window as UTC, as the arrival window too", () => {
    // Act
    const times = planAppointment({
      placedAt: "2026-03-04T15:04:05-06:00",
      requestedWindow: { start: "2026-03-09T08:00:00-05:00", end: "2026-03-09T12:00:00-05:00" },
      schedule: requested,
      timeZone: "America/Chicago",
    });

    // Assess
    expect(times).toEqual({
      start: "2026-03-09T13:00:00.000Z",
      end: "2026-03-09T17:00:00.000Z",
      arrivalWindowStart: "2026-03-09T13:00:00.000Z",
      arrivalWindowEnd: "2026-03-09T17:00:00.000Z",
    });
  });

  it("keeps a window that spans spring-forward exact (4 wall-clock hours, 3 elapsed)", () => {
    // Act
    const times = planAppointment({
      placedAt: "2026-03-04T15:04:05-05:00",
      requestedWindow: { start: "2026-03-08T00:00:00-05:00", end: "2026-03-08T04:00:00-04:00" },
      schedule: requested,
      timeZone: "America/New_York",
    });

    // Assess
    expect(times.start).toBe("2026-03-08T05:00:00.000Z");
    expect(times.end).toBe("2026-03-08T08:00:00.000Z");
  });

  it("keeps a window that spans fall-back exact (1 wall-clock hour, 2 elapsed)", () => {
    // Act
    const times = planAppointment({
      placedAt: "2026-10-28T15:04:05-05:00",
      requestedWindow: { start: "2026-11-01T01:00:00-05:00", end: "2026-11-01T02:00:00-06:00" },
      schedule: requested,
      timeZone: "America/Chicago",
    });

    // Assess
    expect(times.start).toBe("2026-11-01T06:00:00.000Z");
    expect(times.end).toBe("2026-11-01T08:00:00.000Z");
  });

  it("omits the arrival window when disabled", () => {
    // Act
    const times = planAppointment({
      placedAt: "2026-03-04T15:04:05-06:00",
      requestedWindow: { start: "2026-03-09T08:00:00-05:00", end: "2026-03-09T12:00:00-05:00" },
      schedule: { ...requested, arrivalWindow: { enabled: false } },
      timeZone: "America/Chicago",
    });

    // Assess
    expect(times).toEqual({ start: "2026-03-09T13:00:00.000Z", end: "2026-03-09T17:00:00.000Z" });
  });

  it("falls back to the configured rule when the order has no window", () => {
    // Act
    const times = planAppointment({
      placedAt: "2026-03-06T10:00:00-06:00",
      schedule: requested,
      timeZone: "America/Chicago",
    });

    // Assess
    expect(times.start).toBe("2026-03-09T13:00:00.000Z");
  });

  it("falls back to the configured rule for a window that was over before the order was placed", () => {
    // Prepare: a 2020 window on an order placed Friday 2026-03-06 (the clock plays no part)
    const base = { placedAt: "2026-03-06T10:00:00-06:00", schedule: requested, timeZone: "America/Chicago" };

    // Act
    const stale = planAppointment({
      ...base,
      requestedWindow: { start: "2020-01-06T08:00:00-06:00", end: "2020-01-06T12:00:00-06:00" },
    });
    const endingAtPlacement = planAppointment({
      ...base,
      requestedWindow: { start: "2026-03-06T06:00:00-06:00", end: "2026-03-06T10:00:00-06:00" },
    });
    const stillOpen = planAppointment({
      ...base,
      requestedWindow: { start: "2026-03-06T08:00:00-06:00", end: "2026-03-06T12:00:00-06:00" },
    });

    // Assess: Monday 08:00 CST, the configured rule; a window still open when the customer paid is kept
    expect(stale.start).toBe("2026-03-09T13:00:00.000Z");
    expect(endingAtPlacement.start).toBe("2026-03-09T13:00:00.000Z");
    expect(stillOpen.start).toBe("2026-03-06T14:00:00.000Z");
  });

  it("ignores the order's window when the schedule is configured", () => {
    // Act
    const times = planAppointment({
      placedAt: "2026-03-06T10:00:00-06:00",
      requestedWindow: { start: "2026-03-20T08:00:00-05:00", end: "2026-03-20T12:00:00-05:00" },
      schedule: schedule(),
      timeZone: "America/Chicago",
    });

    // Assess
    expect(times.start).toBe("2026-03-09T13:00:00.000Z");
  });
});
