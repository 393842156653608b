/**
 * Issue 12: SKUs of every length the order contract allows (1–64 characters) sync end to end.
 * Pricebook `searchText` takes 2–200 characters (the sandbox answers 400 otherwise, as the spec
 * says), so a one-character SKU is found by reading codes in order; a two-character SKU contained in
 * hundreds of item names is still found exactly. Items the office already has are reused, new ones
 * are created once even when two containers sell them at the same moment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordOutcome } from "../../lib/worker/process-batch.ts";
import { defaultSeed } from "../../sandbox/seed.ts";
import type { SandboxState } from "../../sandbox/state.ts";
import { buildOrderEvent } from "../support/order-factory.ts";
import { startWorld, type World } from "../support/world.ts";

/** Office items with short codes; their ids are above 300 items whose names contain "ab". */
const office = { AB: 60_500, Z: 60_501, "7": 60_502 } as const;
const sku64 = `LONG-${"X".repeat(55)}-END`;
const newSkus = ["Q", "b", "CD", sku64];

function seedWithShortCodes() {
  const seed = defaultSeed();
  for (let i = 0; i < 300; i++) {
    seed.materials.push({ id: 60_000 + i, code: `CABLE-${i}`, description: "Cable tie bundle", price: 1 });
  }
  for (const [code, id] of Object.entries(office)) {
    seed.materials.push({ id, code, description: `Office item ${code}`, price: 2 });
  }
  return seed;
}

const itemsWithCode = (state: SandboxState, code: string) =>
  [...state.materials.values()].filter((item) => item.code === code);

function orderWithEverySku(i: number) {
  return buildOrderEvent({
    customer: {
      firstName: "Shorty",
      lastName: `Skuorder${String.fromCharCode(65 + i)}`,
      email: `shorty.skuorder.${i}@example.com`,
      phone: `(217) 555-01${String(70 + i)}`,
    },
    billingAddress: { street: `${i + 1} Shortcode Lane`, city: "Springfield", state: "IL", zip: "62704" },
    lines: [...Object.keys(office), ...newSkus].map((sku) => ({
      sku,
      name: `Item ${sku.slice(0, 8)}`,
      quantity: 1,
      unitPrice: "4.00",
    })),
  });
}

describe("SKUs of 1, 2 and 64 characters", () => {
  let world: World;
  let outcomes: RecordOutcome[];
  beforeAll(async () => {
    // Prepare: two containers, one order each, both selling every SKU at once
    world = await startWorld({
      sandbox: { seed: seedWithShortCodes(), latencyMs: 10 },
      session: { runnerConcurrency: 2, recordConcurrency: 1, batchSize: 1 },
    });

    // Act
    outcomes = await world.sync([orderWithEverySku(0), orderWithEverySku(1)]);
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("sync both orders, sending no searchText outside 2–200 characters", () => {
    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(["synced", "synced"]);
    const searches = world.sandbox.log.filter((e) => e.operationId === "Materials_GetList");
    expect(searches.length).toBeGreaterThan(0);
    for (const search of searches) {
      expect(search.status).toBe(200);
      const text = search.query.searchText;
      if (typeof text === "string") expect(text.length).toBeGreaterThanOrEqual(2);
    }
  });

  it("reuse the office's items with codes of one and two characters", () => {
    // Assess
    const state = world.sandbox.state;
    for (const [code, id] of Object.entries(office)) {
      expect(itemsWithCode(state, code).map((item) => item.id)).toEqual([id]);
    }
    const lines = [...state.invoices.values()].flatMap((invoice) => invoice.items);
    for (const id of Object.values(office)) expect(lines.filter((line) => line.skuId === id)).toHaveLength(2);
  });

  it("create each new SKU (1, 2 and 64 characters) exactly once, its code as sent", () => {
    // Assess
    const state = world.sandbox.state;
    const lines = [...state.invoices.values()].flatMap((invoice) => invoice.items);
    for (const sku of newSkus) {
      const items = itemsWithCode(state, sku);
      expect(items, sku).toHaveLength(1);
      expect(lines.filter((line) => line.skuId === items[0]?.id)).toHaveLength(2);
    }
    expect(sku64).toHaveLength(64);
  });
});
