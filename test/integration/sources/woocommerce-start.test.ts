/**
 * Issue 14: `npm start -- --orders <file>` takes WooCommerce payloads beside our contract, detected per
 * message — the receiver's envelope and a bare REST order (an export) — and the dry run shows the
 * mapped order. Against a contract-checked sandbox; final ServiceTitan state asserted.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOrderEvent } from "../../support/order-factory.ts";
import { startTestSandbox } from "../../support/sandbox.ts";
import { start } from "../../support/start-cli.ts";
import { envelopeOf, withBilling, wooOrder } from "../../support/woocommerce.ts";

interface Row {
  orderKey: string | null;
  status: string;
  reason: string | null;
  detail: string | null;
  jobId: number | null;
}

function person(n: number) {
  return {
    first_name: "Robin",
    last_name: `Woo${n}`,
    email: `robin.woo${n}@example.com`,
    phone: `(555) 010-02${10 + n}`,
  };
}

function mixedFile(): { file: string; ids: number[] } {
  const enveloped = withBilling(wooOrder(), person(1));
  const bare = withBilling(
    wooOrder({ _links: { self: [{ href: "https://shop.example.com/wp-json/wc/v3/orders/1" }] } }),
    person(2),
  );
  const pending = wooOrder({ status: "pending", date_paid_gmt: null, date_paid: null });
  const broken = withBilling(wooOrder(), { ...person(3), email: "robin.woo3.example.com", phone: "" });
  const contract = buildOrderEvent({ orderId: "CONTRACT-1", store: "contract-store" });
  const bodies = [envelopeOf(enveloped), bare, envelopeOf(pending, "order.updated"), envelopeOf(broken), contract];
  const file = join(mkdtempSync(join(tmpdir(), "woo-")), "orders.jsonl");
  writeFileSync(file, `${bodies.map((body) => JSON.stringify(body)).join("\n")}\n`);
  return { file, ids: [enveloped, bare, pending, broken].map((order) => order.id as number) };
}

describe("npm start with WooCommerce orders", () => {
  it("syncs envelopes and bare REST orders beside the contract; ignores a pending one; dead-letters one naming billing.email", async () => {
    // Prepare
    const sandbox = await startTestSandbox();
    const { file, ids } = mixedFile();
    try {
      // Act
      const { code, out } = await start(["--orders", file, "--json"], sandbox);

      // Assess
      const rows = (JSON.parse(out) as { orders: Row[] }).orders;
      expect(rows.map((row) => [row.orderKey, row.status, row.reason])).toEqual([
        [`shop.example.com:${ids[0]}`, "synced", null],
        [`shop.example.com:${ids[1]}`, "synced", null],
        [`shop.example.com:${ids[2]}`, "ignored", null],
        [`shop.example.com:${ids[3]}`, "dlq", "CONTRACT_VIOLATION"],
        ["contract-store:CONTRACT-1", "synced", null],
      ]);
      expect(rows[3]?.detail).toBe("fields: billing.email");
      expect(code).toBe(3);
      const jobs = [...sandbox.state.jobs.values()];
      expect(jobs).toHaveLength(3);
    } finally {
      await sandbox.stop();
      sandbox.assertContract();
    }
  }, 120_000);

  it("--dry-run shows the mapped order and what it would do with the others", async () => {
    // Prepare
    const sandbox = await startTestSandbox();
    const { file, ids } = mixedFile();
    try {
      // Act
      const { out } = await start(["--orders", file, "--dry-run"], sandbox);

      // Assess
      expect(out).toContain(
        `#1 shop.example.com:${ids[0]} mapped from woocommerce: product order, one-time; FLT-16x25x1-M11 ×2 at 12.5 (material), SVC-TUNEUP ×1 at 49 (material); totals subtotal 74, tax 4.5, shipping 5.99, discount 5, total 79.49; paid 79.49 (Credit Card (Stripe))`,
      );
      expect(out).toContain(
        `#3 shop.example.com:${ids[2]}: ignored: woocommerce topic woocommerce:status:pending (acknowledged, counted)`,
      );
      expect(out).toMatch(
        /#4 .* would go to the DLQ: CONTRACT_VIOLATION — WooCommerce order \d+ can't be synced: billing.email/,
      );
      expect(out).not.toContain("robin.woo");
      expect(sandbox.state.jobs.size).toBe(0);
    } finally {
      await sandbox.stop();
    }
  }, 120_000);
});
