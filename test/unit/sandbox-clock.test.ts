/**
 * The sandbox tenant clock: follows wall time with an offset, or stands still when frozen. Tests move
 * it instead of waiting (the export feeds' 15-minute window).
 */
import { describe, expect, it } from "vitest";
import { createClock } from "../../sandbox/clock.ts";

describe("sandbox clock", () => {
  it("follows wall time from its start, and advances or jumps on demand", () => {
    // Prepare
    let wall = Date.parse("2026-11-30T10:00:00.000Z");
    const clock = createClock({ start: "2026-01-01T00:00:00.000Z" }, () => wall);
    // Act
    wall += 1_000;
    const ticked = clock.nowIso();
    clock.advance(16 * 60_000);
    const advanced = clock.nowIso();
    clock.set("2027-05-05T05:05:05.000Z");
    wall += 500;
    const jumped = clock.nowIso();
    // Assess
    expect(ticked).toBe("2026-01-01T00:00:01.000Z");
    expect(advanced).toBe("2026-01-01T00:16:01.000Z");
    expect(jumped).toBe("2027-05-05T05:05:05.500Z");
    expect(clock.frozen).toBe(false);
  });

  it("stands still while frozen, moves only when told, and ticks again from there when resumed", () => {
    // Prepare
    let wall = Date.parse("2026-11-30T10:00:00.000Z");
    const clock = createClock({ frozen: true }, () => wall);
    // Act
    wall += 60_000;
    const still = clock.now();
    clock.advance(1_000);
    const moved = clock.now();
    clock.resume();
    wall += 2_000;
    const resumed = clock.now();
    // Assess
    expect(still).toBe(Date.parse("2026-11-30T10:00:00.000Z"));
    expect(moved).toBe(still + 1_000);
    expect(resumed).toBe(moved + 2_000);
    expect(() => clock.set("not a time")).toThrow(TypeError);
  });
});
