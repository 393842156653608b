/** Dispatch arrival-window `start`/`duration` strings (TimeSpan or ISO 8601) as minutes. */
import { describe, expect, it } from "vitest";
import { arrivalWindowMinutes, timeSpanToMinutes } from "../../lib/schedule/timespan.ts";

describe("timeSpanToMinutes", () => {
  it.each([
    ["09:00", 540],
    ["08:00:00", 480],
    ["13:30:00", 810],
    ["04:00:00.0000000", 240],
    ["1.00:00:00", 1440],
    ["PT4H", 240],
    ["PT1H30M", 90],
    ["PT90M", 90],
    ["P1D", 1440],
    ["PT3600S", 60],
  ])("%j → %d", (value, minutes) => {
    // Act
    const result = timeSpanToMinutes(value);

    // Assess
    expect(result).toBe(minutes);
  });

  it.each(["", "nine", "08:60", "8", "P", "PT", "-01:00", "08:00:61"])("rejects %j", (value) => {
    // Act
    const result = timeSpanToMinutes(value);

    // Assess
    expect(result).toBeUndefined();
  });
});

describe("arrivalWindowMinutes", () => {
  it("reads an ArrivalWindowResponse", () => {
    // Act
    const window = arrivalWindowMinutes({ start: "08:00:00", duration: "04:00:00" });

    // Assess
    expect(window).toEqual({ startMinutes: 480, durationMinutes: 240 });
  });

  it.each([
    { start: "24:00:00", duration: "02:00:00" },
    { start: "08:00:00", duration: "00:00:00" },
    { start: "soon", duration: "02:00:00" },
  ])("rejects %j", (record) => {
    // Act
    const window = arrivalWindowMinutes(record);

    // Assess
    expect(window).toBeUndefined();
  });
});
