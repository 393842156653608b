/**
 * Issue 11 §3–4: concurrent orders that need the same new record — a location of a known customer,
 * a pricebook item — create it once. ServiceTitan has no unique constraint to fall back on (that it
 * refuses a duplicate pricebook code is undocumented), so the sandbox accepts duplicates here unless
 * told otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer } from "../../lib/servicetitan/endpoints/crm.ts";
import type { SandboxState } from "../../sandbox/state.ts";
import { buildOrderEvent } from "../support/order-factory.ts";
import { startWorld, type World } from "../support/world.ts";

/** Several containers, several orders each in flight: the orders below really run at once. */
const concurrent = { runnerConcurrency: 3, recordConcurrency: 5, batchSize: 5 };
/** A little latency per call widens the gap between a search and the create that follows it. */
const latencyMs = 20;

const itemsWithCode = (state: SandboxState, code: string) =>
  [...state.materials.values(), ...state.equipment.values(), ...state.services.values()].filter(
    (item) => item.code === code,
  );

describe("concurrent orders of a known customer at a new service address", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ sandbox: { latencyMs }, session: concurrent });
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("create exactly one location, and all five jobs are on it", async () => {
    // Prepare: the customer exists, with a location at another address
    const home = { street: "5 Known Road", city: "Springfield", state: "IL", zip: "62704", country: "US" };
    const customer = await createCustomer(world.http, {
      name: "Nell Newaddress",
      type: "Residential",
      address: home,
      locations: [{ name: "Nell Newaddress", address: home }],
      contacts: [{ type: "Email", value: "nell.newaddress@example.com" }],
    });
    const orders = Array.from({ length: 5 }, (_, i) =>
      buildOrderEvent({
        customer: { firstName: "Nell", lastName: "Newaddress", email: "nell.newaddress@example.com", phone: undefined },
        billingAddress: { street: "5 Known Road", city: "Springfield", state: "IL", zip: "62704" },
        // Spelled differently per order: the lock compares normalised addresses.
        serviceAddress: {
          street: i % 2 === 0 ? "77 Lakeview Avenue" : "77 LAKEVIEW AVE.",
          city: "Springfield",
          state: i % 2 === 0 ? "IL" : "Illinois",
          zip: "62704",
        },
      }),
    );

    // Act
    const outcomes = await world.sync(orders);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill("synced"));
    const state = world.sandbox.state;
    const locations = [...state.locations.values()].filter((l) => l.customerId === customer.id);
    expect(locations).toHaveLength(2);
    const created = locations.filter((l) => l.address.street !== home.street);
    expect(created).toHaveLength(1);
    const jobs = [...state.jobs.values()].filter((j) => j.customerId === customer.id);
    expect(jobs).toHaveLength(5);
    expect(jobs.map((j) => j.locationId)).toEqual(Array(5).fill(created[0]?.id));
  });
});

for (const uniquePricebookCodes of [false, true]) {
  describe(`concurrent first sales of a new SKU (pricebook ${uniquePricebookCodes ? "refuses" : "accepts"} duplicate codes)`, () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld({ sandbox: { latencyMs, uniquePricebookCodes }, session: concurrent });
    });
    afterAll(async () => {
      await world?.stop();
      world?.sandbox.assertContract();
    });

    it("create exactly one pricebook item, and every order's line uses it", async () => {
      // Prepare: four different customers, one SKU no pricebook has yet
      const sku = `NEW-SKU-${uniquePricebookCodes ? "U" : "D"}`;
      const orders = Array.from({ length: 4 }, (_, i) =>
        buildOrderEvent({
          customer: {
            firstName: "Sal",
            lastName: `Newsku${String.fromCharCode(65 + i)}`,
            email: `sal.newsku.${i}@example.com`,
            phone: `(217) 555-01${String(60 + i)}`,
          },
          billingAddress: { street: `${i + 1} Firstsale Street`, city: "Springfield", state: "IL", zip: "62704" },
          lines: [{ sku, name: "Brand-new widget", quantity: 1, unitPrice: "3.00" }],
        }),
      );

      // Act
      const outcomes = await world.sync(orders);

      // Assess
      expect(outcomes.map((o) => o.status)).toEqual(Array(4).fill("synced"));
      const items = itemsWithCode(world.sandbox.state, sku);
      expect(items).toHaveLength(1);
      const lines = [...world.sandbox.state.invoices.values()].flatMap((invoice) => invoice.items);
      expect(lines.filter((line) => line.skuId === items[0]?.id)).toHaveLength(4);
    });
  });
}
