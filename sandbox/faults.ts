/**
 * Fault injection: tests make the sandbox answer an error status, stall, lose the reply after
 * committing a write (the case that makes ServiceTitan POSTs non-idempotent for the worker), or
 * drop the connection. Rules are evaluated in insertion order; `delay` rules accumulate and let the
 * request continue, the first matching terminal rule (status / commit-then-fail / drop) wins.
 */
import type { Rng } from "./rng.ts";
import type { ActiveFault, FaultAction, FaultController, FaultRule } from "./types.ts";

export interface FaultTarget {
  method: string;
  /** Full URL path. */
  path: string;
  /** Path below `/tenant/{tenant}`, when the request is an API call. */
  subPath?: string;
  operationId?: string;
}

export interface FaultDecision {
  delayMs: number;
  terminal?: Exclude<FaultAction, { type: "delay" }>;
}

export class Faults implements FaultController {
  private readonly rules: ActiveFault[] = [];
  private nextId = 1;

  constructor(private readonly rng: Rng) {}

  add(rule: FaultRule): string {
    const id = `fault-${this.nextId++}`;
    this.rules.push({ id, rule, remaining: rule.times ?? 1, fired: 0 });
    return id;
  }

  remove(id: string): boolean {
    const index = this.rules.findIndex((r) => r.id === id);
    if (index < 0) return false;
    this.rules.splice(index, 1);
    return true;
  }

  clear(): void {
    this.rules.length = 0;
  }

  list(): readonly ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Decides (and consumes) the faults for one request. */
  decide(target: FaultTarget): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 };
    for (const active of [...this.rules]) {
      if (active.remaining <= 0 || !matches(active.rule, target)) continue;
      const probability = active.rule.probability ?? 1;
      if (probability < 1 && this.rng() >= probability) continue;
      active.remaining -= 1;
      active.fired += 1;
      if (active.remaining <= 0) this.remove(active.id);
      const action = active.rule.action;
      if (action.type === "delay") {
        decision.delayMs += action.ms;
        continue;
      }
      decision.terminal = action;
      break;
    }
    return decision;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (rule.operationId !== undefined && rule.operationId !== target.operationId) return false;
  if (rule.path !== undefined) {
    const candidates = [target.path, ...(target.subPath === undefined ? [] : [target.subPath])];
    const pattern = rule.path;
    const hit = candidates.some((p) => (typeof pattern === "string" ? p === pattern : testRegExp(pattern, p)));
    if (!hit) return false;
  }
  return true;
}

function testRegExp(pattern: RegExp, value: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(value);
}
