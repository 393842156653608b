/**
 * The sandbox tenant's clock. ServiceTitan stamps `createdOn` / `modifiedOn` from its own clock and
 * its export feeds hide the changes of the last 15 minutes by that clock (api-notes §0.2), so tests
 * need to move it: "an office edit 16 minutes ago" is `clock.advance(16 * 60_000)`, not a 16-minute
 * wait. The clock follows wall time (plus an offset) unless frozen.
 *
 * Only record timestamps and the feeds' 15-minute window read it. Access-token lifetimes and the rate
 * limit stay on wall time, so advancing the tenant clock never expires the worker's token or opens
 * the rate-limit window.
 *
 * Moving the clock backwards is allowed (tests may want a fixed start), but like a real clock skew
 * it can stamp a change before a feed position already handed out, and a reader past it misses it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface SandboxClock {
  /** The tenant's current time, epoch ms. */
  now(): number;
  /** The tenant's current time as ServiceTitan writes it (`2026-11-30T13:45:00.123Z`). */
  nowIso(): string;
  /** Moves the clock forward (or back, with a negative value) by `ms`; a frozen clock stays frozen. */
  advance(ms: number): void;
  /** Sets the current time; a running clock keeps ticking from there, a frozen one stays at it. */
  set(at: Date | string | number): void;
  /** Stops the clock (at `at`, or where it is now): every `now()` answers the same instant until moved. */
  freeze(at?: Date | string | number): void;
  /** Lets a frozen clock tick again with wall time, from where it stood. */
  resume(): void;
  /** True while frozen. */
  readonly frozen: boolean;
}

export interface ClockOptions {
  /** The time the tenant clock starts at; default: now (wall time). */
  start?: Date | string | number;
  /** Start frozen (deterministic timestamps); default false. */
  frozen?: boolean;
}

function epochMs(at: Date | string | number): number {
  const ms = at instanceof Date ? at.getTime() : typeof at === "string" ? Date.parse(at) : at;
  if (!Number.isFinite(ms)) throw new TypeError(`sandbox clock: not a time: ${String(at)}`);
  return ms;
}

export function createClock(options: ClockOptions = {}, wall: () => number = Date.now): SandboxClock {
  let offset = options.start === undefined ? 0 : epochMs(options.start) - wall();
  let frozenAt: number | undefined = options.frozen ? wall() + offset : undefined;
  const clock: SandboxClock = {
    now: () => frozenAt ?? wall() + offset,
    nowIso: () => new Date(clock.now()).toISOString(),
    advance(ms) {
      if (!Number.isFinite(ms)) throw new TypeError(`sandbox clock: not a duration: ${ms}`);
      if (frozenAt === undefined) offset += ms;
      else frozenAt += ms;
    },
    set(at) {
      const target = epochMs(at);
      if (frozenAt === undefined) offset = target - wall();
      else frozenAt = target;
    },
    freeze(at) {
      frozenAt = at === undefined ? clock.now() : epochMs(at);
    },
    resume() {
      if (frozenAt === undefined) return;
      offset = frozenAt - wall();
      frozenAt = undefined;
    },
    get frozen() {
      return frozenAt !== undefined;
    },
  };
  return clock;
}

/**
 * The clock of the sandbox whose handler is running. Handlers that stamp times without the state at
 * hand (`nowIso()` with no argument) read it, so every route stamps from its own tenant's clock.
 */
export const activeClock = new AsyncLocalStorage<SandboxClock>();
