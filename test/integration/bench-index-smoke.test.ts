/**
 * The customer index benchmark figures as a smoke test (issue 10): call counts are deterministic (one
 * container, fixed orders, an in-process sandbox without latency), so they can be asserted; timings
 * and memory stay in `npm run bench`. The backfill runs on a small generated tenant.
 */
import { describe, expect, it } from "vitest";
import { measureBackfill, measureIndexCallsPerOrder, measureIndexLag } from "../../bench/customer-index.ts";
import { customerIndexTargets } from "../../bench/customer-index-report.ts";

describe("bench smoke: customer index", () => {
  it("syncs returning customers found by e-mail and new customers in ≤ 5 calls an order, without Contact Management", async () => {
    // Act
    const result = await measureIndexCallsPerOrder(false);

    // Assess
    expect(result.returningByEmail.synced).toBe(result.returningByEmail.orders);
    expect(result.returningByEmail.matchedBy).toEqual({ email: result.returningByEmail.orders });
    expect(result.newCustomers.synced).toBe(result.newCustomers.orders);
    expect(result.newCustomers.matchedBy).toEqual({ created: result.newCustomers.orders });
    for (const batch of [result.returningByEmail, result.newCustomers]) {
      expect(batch.callsPerOrder, `${batch.label}: ${batch.calls} calls`).toBeLessThanOrEqual(
        customerIndexTargets.maxCallsPerOrder,
      );
    }
    // New customers miss the index: their batch catches it up, one read per feed.
    expect(result.newCustomers.feedCalls).toBe(4);
  }, 180_000);

  it("backfills a generated tenant in one call per feed page, reaching the end of every feed", async () => {
    // Act
    const result = await measureBackfill({
      population: { customers: 900, customerContacts: 1_350, locations: 990 },
      pageSize: 1_000,
    });

    // Assess
    expect(result.backfillComplete).toBe(true);
    expect(result.records).toBeGreaterThan(900 + 1_350 + 990);
    // Each feed fits in one or two pages of 1,000 rows, plus the token.
    expect(result.serviceTitanCalls).toBeLessThanOrEqual(1 + 2 * 4);
    expect(result.dynamoWrites).toBeGreaterThanOrEqual(result.records);
  }, 300_000);

  it("matches a customer the office created a moment ago by e-mail, on the first order", async () => {
    // Act
    const result = await measureIndexLag();

    // Assess
    expect(result.matchedBy).toBe("email");
    expect(result.matchedTheOfficeCustomer).toBe(true);
  }, 180_000);
});
