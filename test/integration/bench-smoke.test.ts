/**
 * The benchmark's calls-per-order figure as a test: call counts are deterministic (one container,
 * one order at a time, fixed inputs), so unlike timings they can be asserted. Runs only the
 * scenario function of `npm run bench` (seconds); throughput, backlog and bundle stay in the bench.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type CallsPerOrderResult, measureCallsPerOrder } from "../../bench/calls-per-order.ts";

describe("bench smoke: ServiceTitan calls per order", () => {
  let result: CallsPerOrderResult;
  beforeAll(async () => {
    // Prepare + Act: the scenario function starts its own sandbox, local AWS and worker session.
    result = await measureCallsPerOrder();
  });

  it("counts the warm-up (token, reference data, SKU look-up) on the container's first order", () => {
    // Assess
    expect(result.warmUp.status).toBe("synced");
    expect(result.warmUp.tokenCalls).toBe(1);
    expect(result.warmUp.referenceCalls).toBeGreaterThan(0);
    expect(result.warmUp.pricebookLookups).toBe(1);
  });

  it("syncs a new customer's and a returning customer's one-line order in at most 7 calls each", () => {
    // Assess
    const byId = new Map(result.scenarios.map((s) => [s.id, s]));
    for (const id of ["a", "b"]) {
      const scenario = byId.get(id);
      expect(scenario?.status, `scenario ${id}`).toBe("synced");
      expect(scenario?.calls, `scenario ${id}: ${JSON.stringify(scenario?.byOperation)}`).toBeLessThanOrEqual(7);
      expect(scenario?.calls, `scenario ${id}`).toBeGreaterThan(0);
    }
  });

  it("syncs a Shopify orders/paid event with the calls of the same contract order, plus its payment", () => {
    // Prepare
    const byId = new Map(result.scenarios.map((s) => [s.id, s]));
    const { Invoices_UpdateInvoice, Payments_Create, ...shopifyRest } = byId.get("s")?.byOperation ?? {};

    // Assess: paid online adds the invoice summary and the recorded payment (`money.payments.record` is on).
    expect(byId.get("s")?.status).toBe("synced");
    expect([Invoices_UpdateInvoice, Payments_Create]).toEqual([1, 1]);
    expect(shopifyRest).toEqual(byId.get("a")?.byOperation);
  });

  it("sells a membership order's membership once, creates no job for it, and sells nothing on renewal or retry", () => {
    // Assess
    const byId = new Map(result.scenarios.map((s) => [s.id, s.byOperation]));
    expect(byId.get("m")).toMatchObject({ CustomerMemberships_Create: 1, CustomerMemberships_Update: 1 });
    expect(byId.get("m")?.Jobs_Create).toBeUndefined();
    expect(byId.get("m2")?.CustomerMemberships_Create).toBeUndefined();
    expect(byId.get("m2")).toMatchObject({ CustomerMemberships_GetList: 1, CustomerMemberships_Update: 1 });
    expect(byId.get("m3")).toMatchObject({ CustomerMemberships_Create: 1, Jobs_Create: 1 });
    const retry = result.retries.find((r) => r.id === "lost-sale-reply");
    expect(retry?.status).toBe("synced");
    expect(retry?.byOperation.CustomerMemberships_Create).toBeUndefined();
  });

  it("makes no token, reference-data or reconcile calls per order after warm-up", () => {
    // Assess
    expect(result.scenarios.length).toBeGreaterThanOrEqual(4);
    for (const scenario of result.scenarios) {
      expect(scenario.status, scenario.label).toBe("synced");
      expect(scenario.tokenCalls, scenario.label).toBe(0);
      expect(scenario.referenceCalls, scenario.label).toBe(0);
      // Cached after warm-up; only a SKU the pricebook doesn't have yet is looked up (once).
      expect(scenario.pricebookLookups, scenario.label).toBe(scenario.newSkus);
    }
    expect(result.firstAttemptReconcileCalls).toBe(0);
  });
});
