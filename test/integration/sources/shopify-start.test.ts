/**
 * Issue 14, Shopify: `npm start -- --orders <file>` takes Shopify EventBridge events beside our own
 * contract, detected per message, so a contractor can try their exported orders before deploying;
 * `--dry-run` shows the order each maps to.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOrderBody } from "../../support/order-factory.ts";
import { startTestSandbox } from "../../support/sandbox.ts";
import { exampleShop, paidShopifyOrder, shopifyEnvelope } from "../../support/shopify-events.ts";
import { effectCounts } from "../../support/snapshot.ts";
import { start } from "../../support/start-cli.ts";

/** JSON lines: a Shopify orders/paid, its orders/updated re-send, an unknown topic, and a contract order. */
function mixedOrdersFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "shopify-orders-"));
  const file = join(dir, "orders.jsonl");
  const lines = [
    JSON.stringify(shopifyEnvelope("orders/paid", paidShopifyOrder())),
    JSON.stringify(shopifyEnvelope("orders/updated", paidShopifyOrder())),
    JSON.stringify(shopifyEnvelope("products/update", { id: 632910392 })),
    buildOrderBody({ orderId: "SHOPIFY-MIX-1", store: "contract-store" }),
  ];
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

interface Row {
  orderKey: string | null;
  status: string;
  jobId: number | null;
}

describe("npm start with Shopify events", () => {
  it("syncs them beside contract orders, each message detected on its own", async () => {
    // Prepare
    const sandbox = await startTestSandbox();
    try {
      // Act
      const { code, out } = await start(["--orders", mixedOrdersFile(), "--json"], sandbox);

      // Assess
      expect(code).toBe(0);
      const rows = (JSON.parse(out) as { orders: Row[] }).orders;
      expect(rows.map((row) => [row.orderKey, row.status])).toEqual([
        [`${exampleShop}:450789469`, "synced"],
        [`${exampleShop}:450789469`, "duplicate"],
        [null, "ignored"],
        ["contract-store:SHOPIFY-MIX-1", "synced"],
      ]);
      const job = sandbox.state.jobs.get(rows[0]?.jobId ?? -1);
      expect(job?.externalData).toContainEqual(
        expect.objectContaining({ key: "orderKey", value: `${exampleShop}:450789469` }),
      );
      expect(sandbox.state.jobs.size).toBe(2);
    } finally {
      await sandbox.stop();
      sandbox.assertContract();
    }
  }, 120_000);

  it("--dry-run shows the order a Shopify event maps to, and writes nothing", async () => {
    // Prepare
    const sandbox = await startTestSandbox();
    const before = effectCounts(sandbox.state);
    try {
      // Act
      const json = await start(["--orders", mixedOrdersFile(), "--dry-run", "--json"], sandbox);
      const text = await start(["--orders", mixedOrdersFile(), "--dry-run"], sandbox);

      // Assess
      expect(json.code).toBe(0);
      const plans = (JSON.parse(json.out) as { orders: { mapped?: unknown; handling?: string; plan?: unknown }[] })
        .orders;
      expect(plans[0]?.mapped).toEqual({
        source: "shopify",
        orderType: "product",
        purchaseType: "one_time",
        placedAt: "2008-01-10T11:00:00-05:00",
        currency: "USD",
        company: false,
        lines: [
          { sku: "IPOD2008GREEN", name: "IPod Nano - 8gb - green", quantity: 1, unitPrice: 199, itemKind: "material" },
          { sku: "IPOD2008RED", name: "IPod Nano - 8gb - red", quantity: 1, unitPrice: 199, itemKind: "material" },
          { sku: "IPOD2008BLACK", name: "IPod Nano - 8gb - black", quantity: 1, unitPrice: 199, itemKind: "material" },
        ],
        totals: { subtotal: 398, shipping: 0, discount: 0, tax: 11.94, total: 409.94 },
        payment: { method: "authorize_net", amount: 409.94, paidAt: "2008-01-10T11:00:00-05:00" },
      });
      expect(plans[0]?.plan).toBeDefined();
      expect(plans[2]?.handling).toBe("ignored: shopify topic products/update (acknowledged, counted)");
      expect(plans[3]?.mapped).toBeUndefined();
      expect(text.out).toContain(
        `#1 ${exampleShop}:450789469 mapped from shopify: product order, one-time; IPOD2008GREEN ×1 at 199 (material)`,
      );
      expect(effectCounts(sandbox.state)).toEqual(before);
    } finally {
      await sandbox.stop();
      sandbox.assertContract();
    }
  }, 120_000);
});
