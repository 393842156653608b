/**
 * Issue 4: every order appears in ServiceTitan exactly once, whatever SQS and Lambda do — duplicate
 * and concurrent deliveries, a process dying before a ServiceTitan write, after it (the write is
 * committed and the reply lost) or after the ledger write, and an order resent with other content.
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SyncConfig } from "../../lib/config/schema.ts";
import { createCustomer } from "../../lib/servicetitan/endpoints/crm.ts";
import { seedIds } from "../../sandbox/seed.ts";
import type { FaultRule } from "../../sandbox/types.ts";
import { buildOrderEvent } from "../support/order-factory.ts";
import { effectCounts, snapshotState } from "../support/snapshot.ts";
import { startWorld, type World, worldConfig } from "../support/world.ts";

/**
 * Two orders that between them make every kind of ServiceTitan write the worker does. The first is
 * taxed by ServiceTitan (ZIP 62703: 6.25 % of 22.75 = 1.42) while the store taxed after its discount
 * (1.25), so it also gets the mismatch note and tag; both were paid online and are recorded as payments.
 */
const newCustomerOrder = buildOrderEvent({
  orderId: "eo-1001",
  purchaseType: "subscription",
  placedAt: "2026-11-18T10:00:00-06:00",
  customer: { firstName: "Ezra", lastName: "Onceonly", email: "ezra.onceonly@example.com", phone: "555-010-0180" },
  billingAddress: { street: "1 Once Street", city: "Springfield", state: "IL", zip: "62703" },
  lines: [
    { sku: "EO-NEW-MATERIAL", name: "New material", quantity: 3, unitPrice: "4.25" },
    { sku: "FLT-16x25x1", name: "Filter 16x25x1", quantity: 1, unitPrice: "10.00" },
  ],
  totals: { subtotal: "22.75", shipping: "4.00", discount: "2.75", tax: "1.25", total: "25.25" },
  payment: { method: "card", reference: "ch_eo_1001", amount: "25.25", paidAt: "2026-11-18T10:00:00-06:00" },
});
const returningCustomerOrder = buildOrderEvent({
  orderId: "eo-1002",
  purchaseType: "one_time",
  placedAt: "2026-11-18T11:00:00-06:00",
  customer: { firstName: "Rhea", lastName: "Returner", email: "rhea.returner@example.com", phone: "555-010-0181" },
  billingAddress: { street: "2 Known Street", city: "Springfield", state: "IL", zip: "62704" },
  serviceAddress: { street: "3 Elsewhere Avenue", city: "Springfield", state: "IL", zip: "62704" },
  lines: [{ sku: "EO-NEW-EQUIPMENT", name: "New equipment", quantity: 1, unitPrice: "99.99", itemKind: "equipment" }],
  payment: { method: "paypal", reference: "pp_eo_1002", amount: "99.99", paidAt: "2026-11-18T11:00:00-06:00" },
});

/** A new customer's subscription that is only a membership (issue 15): a sale with its own invoice, no job. */
const membershipOrder = buildOrderEvent({
  orderId: "eo-1003",
  orderType: "service",
  purchaseType: "subscription",
  placedAt: "2026-11-18T12:00:00-06:00",
  customer: { firstName: "Mira", lastName: "Memberonce", email: "mira.memberonce@example.com", phone: "555-010-0184" },
  billingAddress: { street: "4 Plan Street", city: "Springfield", state: "IL", zip: "62704" },
  lines: [{ sku: "PLAN-COMFORT-CLUB", name: "Comfort Club (annual)", quantity: 1, unitPrice: "199.00" }],
});

/**
 * A diagnostic visit of the seeded customer (matched by e-mail, read-only), filed as a booking
 * (`DIAG-*` SKUs, see `recordingConfig`).
 */
const bookingOrder = buildOrderEvent({
  orderId: "eo-1004",
  orderType: "service",
  placedAt: "2026-11-18T12:00:00-06:00",
  lines: [{ sku: "DIAG-NOHEAT", name: "No-heat diagnostic", quantity: 1, unitPrice: "79.00" }],
  requestedWindow: { start: "2026-11-20T08:00:00-06:00", end: "2026-11-20T12:00:00-06:00" },
  payment: { method: "card", reference: "ch_eo_1003", amount: "79.00", paidAt: "2026-11-18T12:00:00-06:00" },
});

/**
 * The test worlds' config (a batch that misses always catches the index up, so the returning customer
 * created just before is found by e-mail), with payments recorded (`Payments_Create`) and `DIAG-*`
 * service orders filed as bookings.
 */
function recordingConfig(): SyncConfig {
  const config = worldConfig();
  return {
    ...config,
    money: { ...config.money, payments: { record: seedIds.paymentTypes.onlineStore } },
    bookings: {
      ...config.bookings,
      providerTagId: seedIds.bookingProviderTags.onlineStore,
      service: { ...config.bookings.service, skuRules: [{ sku: "DIAG-*", createAs: "booking" }] },
    },
  };
}

/** The returning customer exists before the orders arrive, untagged, at another address. */
async function prepare(world: World) {
  const address = { street: "2 Known Street", city: "Springfield", state: "IL", zip: "62704", country: "US" };
  await createCustomer(world.http, {
    name: "Rhea Returner",
    type: "Residential",
    address,
    locations: [{ name: "Rhea Returner", address }],
    contacts: [{ type: "Email", value: "rhea.returner@example.com" }],
  });
}

async function runScenario(faults: readonly FaultRule[], wrapFirstInvocation = false) {
  const world = await startWorld({ config: recordingConfig() });
  try {
    await prepare(world);
    for (const rule of faults) world.sandbox.faults.add(rule);
    if (wrapFirstInvocation) world.session.crashAfterNextInvocation();
    const outcomes = await world.sync([newCustomerOrder, returningCustomerOrder, membershipOrder, bookingOrder]);
    world.sandbox.assertContract();
    return { snapshot: snapshotState(world.sandbox.state), outcomes, log: world.sandbox.log };
  } finally {
    await world.stop();
  }
}

describe("crash at every step boundary, then redelivery", () => {
  let clean: Awaited<ReturnType<typeof runScenario>>;
  beforeAll(async () => {
    clean = await runScenario([]);
  });

  it("the clean run synced the orders: two jobs with their money (the returning customer found by e-mail), a membership, a booking", () => {
    expect(clean.outcomes.map((o) => o.status)).toEqual(["synced", "synced", "synced", "synced"]);
    expect(clean.outcomes.map((o) => o.progress?.matchedBy)).toEqual(["created", "email", "created", "email"]);
    expect(clean.snapshot.customers.filter((c) => c.name === "Rhea Returner")).toHaveLength(1);
    expect(clean.snapshot.locations.filter((l) => l.customer === "Rhea Returner").map((l) => l.street)).toEqual([
      "2 Known Street",
      "3 Elsewhere Avenue",
    ]);
    expect(clean.snapshot.jobs).toHaveLength(2);
    expect(clean.snapshot.memberships).toEqual([
      expect.objectContaining({
        customer: "Mira Memberonce",
        memo: "Sold online: order test-store:eo-1003",
        invoice: [["MEM-COMFORT-CLUB", 1, 19900]],
      }),
    ]);
    expect(clean.snapshot.bookings).toHaveLength(1);
    expect(clean.snapshot.bookings[0]).toMatchObject({ externalId: "test-store:eo-1004", isFirstTimeClient: false });
    const ezra = clean.snapshot.jobs.find((j) => j.customer === "Ezra Onceonly");
    expect(ezra?.payments).toEqual([[2525, "Online store payment, order test-store:eo-1001", 1]]);
    expect(ezra?.notes).toHaveLength(1);
    expect(ezra?.tags).toContain(seedIds.tagTypes.invoiceTotalMismatch);
    expect(ezra?.invoice).toContainEqual(["WEB-DISCOUNT", 1, -275]);
  });

  const writes = [
    "Customers_Create",
    "Locations_Create",
    "Materials_Create",
    "Equipment_Create",
    "Jobs_Create",
    "Invoices_UpdateInvoiceItems",
    "Invoices_UpdateInvoice",
    "Payments_Create",
    "Jobs_CreateNote",
    "Jobs_Update",
    "Customers_CreateTag",
    "CustomerMemberships_Create",
    "CustomerMemberships_Update",
    "Bookings_Create",
  ] as const;

  for (const operationId of writes) {
    it(`dies before ${operationId} reaches ServiceTitan: same final state`, async () => {
      // Prepare + Act
      const faulted = await runScenario([{ operationId, times: 1, action: { type: "status", status: 503 } }]);

      // Assess
      expect(faulted.log.some((e) => e.operationId === operationId && e.status === 503)).toBe(true);
      expect(faulted.outcomes.map((o) => o.status)).toEqual(["synced", "synced", "synced", "synced"]);
      expect(faulted.snapshot).toEqual(clean.snapshot);
    });

    it(`${operationId} commits but the reply is lost: same final state`, async () => {
      // Prepare + Act
      const faulted = await runScenario([{ operationId, times: 1, action: { type: "commit-then-fail" } }]);

      // Assess
      expect(faulted.log.some((e) => e.operationId === operationId && e.status >= 500)).toBe(true);
      expect(faulted.outcomes.map((o) => o.status)).toEqual(["synced", "synced", "synced", "synced"]);
      expect(faulted.snapshot).toEqual(clean.snapshot);
    });
  }

  it("dies after the ledger recorded the job (before the first invoice line): same final state", async () => {
    // Prepare + Act: the checkpoint is written right after the job; the next call is the first line.
    const faulted = await runScenario([
      { operationId: "Invoices_UpdateInvoiceItems", times: 2, action: { type: "drop" } },
    ]);

    // Assess
    expect(faulted.outcomes.map((o) => o.status)).toEqual(["synced", "synced", "synced", "synced"]);
    expect(faulted.snapshot).toEqual(clean.snapshot);
  });

  it("dies after the ledger recorded completion but before SQS deleted the messages: duplicates, same state", async () => {
    // Prepare + Act
    const faulted = await runScenario([], true);

    // Assess
    expect(faulted.outcomes.map((o) => o.status)).toEqual(["duplicate", "duplicate", "duplicate", "duplicate"]);
    expect(faulted.snapshot).toEqual(clean.snapshot);
  });
});

describe("resent and concurrent orders", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ session: { runnerConcurrency: 3, recordConcurrency: 5, batchSize: 5 } });
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("rejects an order resent with changed content as a conflict and changes nothing in ServiceTitan", async () => {
    // Prepare
    const original = buildOrderEvent({
      customer: {
        firstName: "Cora",
        lastName: "Contentchange",
        email: "cora.contentchange@example.com",
        phone: "555-010-0182",
      },
    });
    const [first] = await world.sync([original]);
    const before = snapshotState(world.sandbox.state);
    const changed = { ...original, lines: [{ sku: "FLT-16x25x1", name: "Filter", quantity: 9, unitPrice: "1.00" }] };

    // Act
    const [second] = await world.sync([changed]);

    // Assess
    expect(first?.status).toBe("synced");
    expect(second?.status).toBe("dead_lettered");
    expect(second?.error?.reason).toBe("ORDER_CONFLICT");
    expect(snapshotState(world.sandbox.state)).toEqual(before);
    const dlq = await world.session.aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.session.aws.dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
      }),
    );
    expect(dlq.Messages?.some((m) => m.MessageAttributes?.reason?.StringValue === "ORDER_CONFLICT")).toBe(true);
  });

  it("creates one customer for concurrent orders of the same new customer", async () => {
    // Prepare
    const person = {
      firstName: "Cal",
      lastName: "Samecustomer",
      email: "cal.samecustomer@example.com",
      phone: "555-010-0183",
    };
    const orders = Array.from({ length: 8 }, () => buildOrderEvent({ customer: person }));

    // Act
    const outcomes = await world.sync(orders);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill("synced"));
    const customers = [...world.sandbox.state.customers.values()].filter((c) => c.name === "Cal Samecustomer");
    expect(customers).toHaveLength(1);
    const jobs = [...world.sandbox.state.jobs.values()].filter((j) => j.customerId === customers[0]?.id);
    expect(jobs).toHaveLength(8);
    const locations = [...world.sandbox.state.locations.values()].filter((l) => l.customerId === customers[0]?.id);
    expect(locations).toHaveLength(1);
  });
});

describe("1,000 orders each delivered 3 times by parallel runners", () => {
  it("produces exactly 1,000 jobs and no duplicate customers, locations, pricebook items or invoice lines", async () => {
    // Prepare: 250 customers with 4 orders each, 20 SKUs (some new), every order sent three times, shuffled.
    // The deployed catch-up interval (5 s), not the test worlds' 0: every batch that misses would otherwise
    // re-read the export feeds' recent rows, which are all 1,000 orders' records here (quadratic, not the point).
    const config = worldConfig();
    const world = await startWorld({
      config: { ...config, customerIndex: { ...config.customerIndex, catchUpIntervalSeconds: 5 } },
      sandbox: { rateLimitPerSecond: 100_000 },
      session: { runnerConcurrency: 4, recordConcurrency: 8, batchSize: 10, maxCallsPerSecond: 100_000 },
    });
    try {
      const orders = Array.from({ length: 1000 }, (_, i) => {
        const person = i % 250;
        return buildOrderEvent({
          orderId: `bulk-${i}`,
          purchaseType: i % 2 === 0 ? "one_time" : "subscription",
          customer: {
            firstName: "Bulk",
            lastName: `Person${person}`,
            email: `bulk.person${person}@example.test`,
            // Fictional 555-01xx numbers in three area codes: one distinct phone per person.
            phone: `(${201 + Math.floor(person / 100)}) 555-01${String(person % 100).padStart(2, "0")}`,
          },
          billingAddress: { street: `${person + 1} Bulk Street`, city: "Springfield", state: "IL", zip: "62704" },
          lines: [
            { sku: `BULK-SKU-${i % 20}`, name: `Bulk item ${i % 20}`, quantity: 1 + (i % 3), unitPrice: "5.00" },
            { sku: "FLT-16x25x1", name: "Filter", quantity: 1, unitPrice: "10.00" },
          ],
        });
      });
      const deliveries = [...orders, ...orders, ...orders].map((o) => JSON.stringify(o));
      for (let i = deliveries.length - 1; i > 0; i--) {
        const j = (i * 7919) % (i + 1);
        [deliveries[i], deliveries[j]] = [deliveries[j] as string, deliveries[i] as string];
      }
      const before = effectCounts(world.sandbox.state);

      // Act
      const outcomes = await world.sync(deliveries);

      // Assess
      const state = world.sandbox.state;
      const after = effectCounts(state);
      expect(outcomes.filter((o) => o.status === "synced")).toHaveLength(1000);
      expect(outcomes.filter((o) => o.status === "duplicate")).toHaveLength(2000);
      expect(after.jobs - before.jobs).toBe(1000);
      const orderKeys = [...state.jobs.values()].flatMap((j) =>
        j.externalData.filter((e) => e.key === "orderKey").map((e) => e.value),
      );
      expect(new Set(orderKeys).size).toBe(1000);
      expect(after.customers - before.customers).toBe(250);
      expect(new Set([...state.customers.values()].map((c) => c.name)).size).toBe(state.customers.size);
      expect(after.locations - before.locations).toBe(250);
      expect(after.skus - before.skus).toBe(20);
      expect(after.invoiceItems - before.invoiceItems).toBe(2000);
    } finally {
      await world.stop();
      world.sandbox.assertContract();
    }
    // Bounded by progress (world.sync stops only after 2 minutes without a finished invocation);
    // this is the backstop for a machine far slower than any CI.
  }, 1_800_000);
});
