/**
 * Which order lines sell memberships (`memberships.plans`), what is left for the job, and which
 * membership lines are refused before anything is written.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSyncConfigFile, parseSyncConfig } from "../../../lib/config/parse-config.ts";
import { BusinessRuleError, ConfigError } from "../../../lib/errors.ts";
import { orderMemberships } from "../../../lib/memberships/membership-lines.ts";
import { type OrderEventInput, orderEventSchema } from "../../../lib/order/event-schema.ts";
import { buildOrderEvent } from "../../support/order-factory.ts";

const config = loadSyncConfigFile(resolve(import.meta.dirname, "../../../local/examples/config.json"));
const plan = { sku: "PLAN-FILTER-CLUB", name: "Filter Club", quantity: 1, unitPrice: "15.00" };
const filter = { sku: "FLT-16x25x1", name: "Filter", quantity: 2, unitPrice: "10.00" };

const order = (overrides: Parameters<typeof buildOrderEvent>[0]) =>
  orderEventSchema.parse(buildOrderEvent({ purchaseType: "subscription", ...overrides }) as OrderEventInput);

function refusal(run: () => unknown): BusinessRuleError {
  try {
    run();
  } catch (error) {
    if (error instanceof BusinessRuleError) return error;
    throw error;
  }
  throw new Error("expected a BusinessRuleError");
}

describe("orderMemberships", () => {
  it("leaves an order without membership SKUs as it is", () => {
    const plain = order({ lines: [filter] });
    expect(orderMemberships(plain, config)).toEqual({ lines: [], jobOrder: plain });
  });

  it("takes the membership line and its amount off the job's order (totals and payment)", () => {
    // Prepare
    const mixed = order({
      lines: [filter, plan],
      totals: { subtotal: "35.00", tax: "1.00", total: "36.00" },
      payment: { method: "card", amount: "36.00", paidAt: "2026-03-04T15:04:05-06:00" },
    });

    // Act
    const { lines, jobOrder } = orderMemberships(mixed, config);

    // Assess
    expect(lines.map((m) => [m.index, m.line.sku, m.planKey, m.plan.membershipTypeId])).toEqual([
      [1, "PLAN-FILTER-CLUB", "memberships.plans[0]", 1601],
    ]);
    expect(jobOrder?.lines.map((l) => l.sku)).toEqual(["FLT-16x25x1"]);
    expect(jobOrder?.totals).toEqual({ subtotal: 2000, tax: 100, total: 2100 });
    expect(jobOrder?.payment?.amountCents).toBe(2100);
  });

  it("has no job order when every line sells a membership", () => {
    expect(orderMemberships(order({ lines: [plan] }), config).jobOrder).toBeUndefined();
  });

  it.each([
    ["a one-time order", { purchaseType: "one_time" as const, lines: [plan] }, "one_time"],
    ["quantity 2", { lines: [{ ...plan, quantity: 2 }] }, "quantity 1"],
    ["two lines of one membership type", { lines: [plan, { ...plan, name: "again" }] }, "also sold by line"],
    [
      "membership lines only, with shipping",
      { lines: [plan], totals: { subtotal: "15.00", shipping: "3.00", total: "18.00" } },
      "shipping",
    ],
  ])("refuses %s, naming the SKU and its config key", (_what, overrides, words) => {
    const error = refusal(() => orderMemberships(order(overrides), config));
    expect(error.reason).toBe("MEMBERSHIP_ORDER_INVALID");
    expect(error.message).toContain("SKU PLAN-FILTER-CLUB");
    expect(error.message).toContain("config memberships.plans[0]");
    expect(error.message).toContain(words);
    expect(error.details).toMatchObject({ sku: "PLAN-FILTER-CLUB", key: "memberships.plans[0]" });
  });
});

describe("memberships config", () => {
  it("defaults to no plans, and fills each plan's defaults", () => {
    const { memberships: _drop, ...withoutKey } = config;
    expect(parseSyncConfig(withoutKey).memberships).toEqual({ plans: [] });
    expect(config.memberships.plans[0]).toMatchObject({ recurringServiceAction: "Single", atServiceLocation: true });
  });

  it("rejects a SKU listed twice, naming the key", () => {
    const [first] = config.memberships.plans;
    const input = { ...config, memberships: { plans: [first, { ...first, membershipTypeId: 1602 }] } };
    let caught: unknown;
    try {
      parseSyncConfig(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).key).toBe("memberships.plans.1.sku");
  });
});
