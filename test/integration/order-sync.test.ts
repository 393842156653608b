/**
 * Issue 3: an order message goes fauxqs → runner → real handler → sandbox over HTTP, and the final
 * ServiceTitan state is asserted. Every exchange is checked against the OpenAPI documents.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer } from "../../lib/servicetitan/endpoints/crm.ts";
import { buildOrderEvent } from "../support/order-factory.ts";
import { startWorld, type World } from "../support/world.ts";

let world: World;
beforeAll(async () => {
  // Contact Management on: e-mail matching still goes through contact-methods; the customer-index work switches this.
  world = await startWorld();
});
afterAll(async () => {
  await world?.stop();
  world?.sandbox.assertContract();
});

const state = () => world.sandbox.state;
const jobOf = (jobId: number | undefined) => state().jobs.get(jobId ?? -1);
const customerCount = () => state().customers.size;

async function prepareCustomer(input: {
  name: string;
  street: string;
  unit?: string;
  city?: string;
  state?: string;
  zip?: string;
  contacts?: { type: "Email" | "Phone" | "MobilePhone"; value: string }[];
  tagTypeIds?: number[];
}) {
  const address = {
    street: input.street,
    ...(input.unit ? { unit: input.unit } : {}),
    city: input.city ?? "Springfield",
    state: input.state ?? "IL",
    zip: input.zip ?? "62704",
    country: "US",
  };
  return createCustomer(world.http, {
    name: input.name,
    type: "Residential",
    address,
    locations: [{ name: input.name, address }],
    contacts: input.contacts ?? [],
    ...(input.tagTypeIds ? { tagTypeIds: input.tagTypeIds } : {}),
  });
}

describe("a new customer", () => {
  it("creates customer, location, contacts, pricebook item, job with appointment, invoice line and tags", async () => {
    // Prepare
    const event = buildOrderEvent({
      orderType: "product",
      purchaseType: "one_time",
      placedAt: "2026-11-18T10:15:00-06:00",
      customer: {
        firstName: "Nova",
        lastName: "Testfield",
        email: "nova.testfield@example.com",
        phone: "(555) 010-0150",
      },
      billingAddress: { street: "100 Test Avenue", city: "Springfield", state: "IL", zip: "62704" },
      lines: [{ sku: "TEST-NEW-SKU-1", name: "Test filter 20x20x1", quantity: 2, unitPrice: "12.50" }],
    });
    const before = customerCount();

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    expect(outcome?.status).toBe("synced");
    const progress = outcome?.progress ?? {};
    expect(progress.matchedBy).toBe("created");
    expect(customerCount()).toBe(before + 1);
    const customer = state().customers.get(progress.customerId ?? -1);
    expect(customer?.name).toBe("Nova Testfield");
    expect(customer?.tagTypeIds).toEqual([1101]);
    expect(customer?.externalData.map((e) => e.key)).toContain("createdByOrder");
    const contacts = [...state().customerContacts.values()].filter((c) => c.customerId === customer?.id);
    expect(contacts.map((c) => [c.type, c.value]).sort()).toEqual([
      ["Email", "nova.testfield@example.com"],
      ["Phone", "5550100150"],
    ]);
    const location = state().locations.get(progress.locationId ?? -1);
    expect(location?.customerId).toBe(customer?.id);
    expect(location?.address.street).toBe("100 Test Avenue");
    expect(location?.tagTypeIds).toEqual([1105]);

    const sku = [...state().materials.values()].find((m) => m.code === "TEST-NEW-SKU-1");
    expect(sku).toMatchObject({
      account: "4000 Product Sales",
      costOfSaleAccount: "5000 Cost of Goods",
      assetAccount: "1200 Inventory",
      price: 12.5,
    });

    const job = jobOf(progress.jobId);
    expect(job).toMatchObject({
      customerId: customer?.id,
      locationId: location?.id,
      businessUnitId: 501,
      jobTypeId: 601,
      campaignId: 701,
      priority: "Normal",
    });
    expect(job?.tagTypeIds).toContain(1106);
    expect(job?.summary).toContain(event.orderId);
    const appointment = [...state().appointments.values()].find((a) => a.jobId === job?.id);
    expect(appointment?.technicianIds).toEqual([801]);
    // Placed Wed 18 Nov (CST); configured window 08:00–12:00 Chicago on the next business day.
    expect(Date.parse(appointment?.arrivalWindowStart ?? "")).toBe(Date.parse("2026-11-19T14:00:00Z"));
    expect(Date.parse(appointment?.arrivalWindowEnd ?? "")).toBe(Date.parse("2026-11-19T18:00:00Z"));

    const invoice = state().invoices.get(job?.invoiceId ?? -1);
    expect(invoice?.items.map((i) => ({ skuId: i.skuId, quantity: i.quantity, cents: i.unitPriceCents }))).toEqual([
      { skuId: sku?.id, quantity: 2, cents: 1250 },
    ]);
  });
});

describe("matching an existing customer", () => {
  it("matches by email in a different case and whitespace", async () => {
    // Prepare
    const existing = await prepareCustomer({
      name: "Ivy Casetest",
      street: "7 Case Road",
      contacts: [{ type: "Email", value: "  Ivy.Casetest@Example.COM " }],
    });
    const before = customerCount();
    const event = buildOrderEvent({
      customer: { firstName: "Ivy", lastName: "Casetest", email: "ivy.casetest@example.com", phone: "555-010-0151" },
      billingAddress: { street: "7 Case Rd", city: "Springfield", state: "IL", zip: "62704" },
    });

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    expect(outcome?.status).toBe("synced");
    expect(outcome?.progress).toMatchObject({ matchedBy: "email", customerId: existing.id, locationCreated: false });
    expect(outcome?.progress?.locationId).toBe(existing.locations[0]?.id);
    expect(customerCount()).toBe(before);
  });

  it("matches by phone stored in another format", async () => {
    // Prepare
    const existing = await prepareCustomer({
      name: "Pax Phoneson",
      street: "12 Dial Street",
      contacts: [{ type: "Phone", value: "555.010.0161" }],
    });
    const event = buildOrderEvent({
      customer: {
        firstName: "Pax",
        lastName: "Phoneson",
        email: "pax.unknown@example.com",
        phone: "+1 (555) 010-0161",
      },
      billingAddress: { street: "12 Dial St.", city: "Springfield", state: "IL", zip: "62704" },
    });

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    expect(outcome?.progress).toMatchObject({ matchedBy: "phone", customerId: existing.id, locationCreated: false });
  });

  it("matches by name and address written with abbreviations, state name and ZIP+4", async () => {
    // Prepare
    const existing = await prepareCustomer({
      name: "Quinn Abbrevson",
      street: "42 North Maple Street",
      unit: "Apartment 3",
      state: "Illinois",
      zip: "62704-1234",
    });
    const event = buildOrderEvent({
      customer: { firstName: "Quinn", lastName: "Abbrevson", email: "quinn.new@example.com", phone: "555-010-0162" },
      billingAddress: { street: "42 N Maple St", unit: "Apt 3", city: "Springfield", state: "IL", zip: "62704" },
    });

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    expect(outcome?.progress).toMatchObject({
      matchedBy: "name_address",
      customerId: existing.id,
      locationId: existing.locations[0]?.id,
      locationCreated: false,
    });
  });

  it("resolves a merged customer to the customer it was merged into", async () => {
    // Prepare
    const survivor = await prepareCustomer({ name: "Mira Mergeton", street: "5 Merge Lane" });
    const merged = await prepareCustomer({
      name: "Mira Mergeton",
      street: "5 Merge Lane",
      contacts: [{ type: "Email", value: "mira.mergeton@example.com" }],
    });
    const mergedRecord = state().customers.get(merged.id);
    if (!mergedRecord) throw new Error("prepared customer missing");
    mergedRecord.active = false;
    mergedRecord.mergedToId = survivor.id;
    const event = buildOrderEvent({
      customer: { firstName: "Mira", lastName: "Mergeton", email: "mira.mergeton@example.com", phone: "555-010-0163" },
      billingAddress: { street: "5 Merge Ln", city: "Springfield", state: "IL", zip: "62704" },
    });

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    expect(outcome?.progress).toMatchObject({
      matchedBy: "email",
      customerId: survivor.id,
      locationId: survivor.locations[0]?.id,
    });
    expect(jobOf(outcome?.progress?.jobId)?.customerId).toBe(survivor.id);
  });

  it("adds a new location for a known customer at a new service address", async () => {
    // Prepare
    const existing = await prepareCustomer({
      name: "Lou Locaton",
      street: "1 First Street",
      contacts: [{ type: "Email", value: "lou.locaton@example.com" }],
    });
    const event = buildOrderEvent({
      customer: { firstName: "Lou", lastName: "Locaton", email: "lou.locaton@example.com", phone: "555-010-0164" },
      billingAddress: { street: "1 First Street", city: "Springfield", state: "IL", zip: "62704" },
      serviceAddress: { street: "77 Lake View Drive", city: "Chatham", state: "IL", zip: "62629" },
    });

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    expect(outcome?.progress).toMatchObject({ matchedBy: "email", customerId: existing.id, locationCreated: true });
    const locations = [...state().locations.values()].filter((l) => l.customerId === existing.id);
    expect(locations).toHaveLength(2);
    const created = state().locations.get(outcome?.progress?.locationId ?? -1);
    expect(created?.address).toMatchObject({ street: "77 Lake View Drive", city: "Chatham", zip: "62629" });
    expect(jobOf(outcome?.progress?.jobId)?.locationId).toBe(created?.id);
  });
});

describe("tags", () => {
  it("tags one-time and subscription orders differently", async () => {
    // Prepare
    const oneTime = buildOrderEvent({
      purchaseType: "one_time",
      customer: { firstName: "Tia", lastName: "Onetime", email: "tia.onetime@example.com", phone: "555-010-0165" },
      billingAddress: { street: "3 Tag Court", city: "Springfield", state: "IL", zip: "62704" },
    });
    const subscription = buildOrderEvent({
      purchaseType: "subscription",
      customer: {
        firstName: "Sol",
        lastName: "Subscriber",
        email: "sol.subscriber@example.com",
        phone: "555-010-0166",
      },
      billingAddress: { street: "4 Tag Court", city: "Springfield", state: "IL", zip: "62704" },
    });

    // Act
    const [first, second] = await world.sync([oneTime, subscription]);

    // Assess
    expect(state().customers.get(first?.progress?.customerId ?? -1)?.tagTypeIds).toEqual([1101]);
    expect(state().locations.get(first?.progress?.locationId ?? -1)?.tagTypeIds).toEqual([1105]);
    expect(state().customers.get(second?.progress?.customerId ?? -1)?.tagTypeIds).toEqual([1102]);
    expect(
      state()
        .locations.get(second?.progress?.locationId ?? -1)
        ?.tagTypeIds?.slice()
        .sort(),
    ).toEqual([1105, 1107]);
  });

  it("adds missing tags to a matched customer without removing the office's tags, and skips present ones", async () => {
    // Prepare
    const existing = await prepareCustomer({
      name: "Ola Officetag",
      street: "9 Keep Street",
      contacts: [{ type: "Email", value: "ola.officetag@example.com" }],
      tagTypeIds: [1103],
    });
    const event = buildOrderEvent({
      purchaseType: "subscription",
      customer: { firstName: "Ola", lastName: "Officetag", email: "ola.officetag@example.com", phone: "555-010-0167" },
      billingAddress: { street: "9 Keep St", city: "Springfield", state: "IL", zip: "62704" },
    });

    // Act
    await world.sync([event]);
    const tagCallsBefore = world.sandbox.log.filter((e) => /\/tags\//.test(e.path)).length;
    await world.sync([{ ...event, orderId: `${event.orderId}-again` }]);
    const tagCallsAfter = world.sandbox.log.filter((e) => /\/tags\//.test(e.path)).length;

    // Assess
    expect(state().customers.get(existing.id)?.tagTypeIds.slice().sort()).toEqual([1102, 1103]);
    expect(tagCallsAfter).toBe(tagCallsBefore);
  });
});

describe("scheduling", () => {
  it("books a service order's requested window that spans the fall-back DST change, in UTC", async () => {
    // Prepare: 22:00 CDT Sat 31 Oct to 02:00 CST Sun 1 Nov 2026 (five real hours).
    const event = buildOrderEvent({
      orderType: "service",
      purchaseType: "one_time",
      placedAt: "2026-10-28T09:00:00-05:00",
      requestedWindow: { start: "2026-10-31T22:00:00-05:00", end: "2026-11-01T02:00:00-06:00" },
      customer: { firstName: "Dee", lastName: "Esstee", email: "dee.esstee@example.com", phone: "555-010-0168" },
      billingAddress: { street: "8 Clock Street", city: "Springfield", state: "IL", zip: "62704" },
      lines: [{ sku: "SVC-TUNEUP", name: "Furnace tune-up", quantity: 1, unitPrice: "89.00" }],
    });

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    const job = jobOf(outcome?.progress?.jobId);
    expect(job).toMatchObject({ businessUnitId: 502, jobTypeId: 602, priority: "High" });
    const appointment = [...state().appointments.values()].find((a) => a.jobId === job?.id);
    expect(Date.parse(appointment?.start ?? "")).toBe(Date.parse("2026-11-01T03:00:00Z"));
    expect(Date.parse(appointment?.end ?? "")).toBe(Date.parse("2026-11-01T08:00:00Z"));
    expect(Date.parse(appointment?.arrivalWindowStart ?? "")).toBe(Date.parse("2026-11-01T03:00:00Z"));
    expect(appointment?.technicianIds).toEqual([]);
    const service = [...state().services.values()].find((s) => s.code === "SVC-TUNEUP");
    expect(service?.account).toBe("4100 Service Revenue");
  });

  it("books a product order placed before the DST change on the next business day in standard time", async () => {
    // Prepare: placed Friday 30 Oct (CDT); next business day is Monday 2 Nov (CST, UTC-6).
    const event = buildOrderEvent({
      orderType: "product",
      placedAt: "2026-10-30T16:00:00-05:00",
      customer: { firstName: "Fay", lastName: "Fallback", email: "fay.fallback@example.com", phone: "555-010-0169" },
      billingAddress: { street: "10 Clock Street", city: "Springfield", state: "IL", zip: "62704" },
    });

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    const appointment = [...state().appointments.values()].find((a) => a.jobId === outcome?.progress?.jobId);
    expect(Date.parse(appointment?.arrivalWindowStart ?? "")).toBe(Date.parse("2026-11-02T14:00:00Z"));
  });
});

describe("pricebook and invoice", () => {
  it("puts every line on the invoice, matching SKUs exactly even when one code is a prefix of another", async () => {
    // Prepare
    const short = [...state().materials.values()].find((m) => m.code === "FLT-16x25x1");
    const long = [...state().materials.values()].find((m) => m.code === "FLT-16x25x1-M11");
    expect(short && long).toBeTruthy();
    const materialsBefore = state().materials.size;
    const event = buildOrderEvent({
      customer: { firstName: "Mel", lastName: "Multiline", email: "mel.multiline@example.com", phone: "555-010-0170" },
      billingAddress: { street: "11 Line Street", city: "Springfield", state: "IL", zip: "62704" },
      lines: [
        { sku: "FLT-16x25x1", name: "Filter 16x25x1", quantity: 1, unitPrice: "10.00" },
        { sku: "FLT-16x25x1-M11", name: "Filter 16x25x1 MERV 11", quantity: 4, unitPrice: 12.5 },
        { sku: "TEST-NEW-SKU-2", name: "Filter housing", quantity: 1, unitPrice: "45.99", itemKind: "equipment" },
      ],
    });

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    expect(outcome?.status).toBe("synced");
    expect(state().materials.size).toBe(materialsBefore);
    const housing = [...state().equipment.values()].find((e) => e.code === "TEST-NEW-SKU-2");
    expect(housing).toBeDefined();
    const invoice = state().invoices.get(jobOf(outcome?.progress?.jobId)?.invoiceId ?? -1);
    expect(invoice?.items.map((i) => [i.skuId, i.quantity, i.unitPriceCents])).toEqual([
      [short?.id, 1, 1000],
      [long?.id, 4, 1250],
      [housing?.id, 1, 4599],
    ]);
  });
});

describe("configuration checked against the tenant", () => {
  it("fails with a clear permanent error naming the config key of an id the tenant doesn't have", async () => {
    // Prepare
    const config = structuredClone(world.config);
    config.product.campaignId = 999_999;
    const other = await startWorld({ config });
    try {
      const event = buildOrderEvent({
        orderType: "product",
        customer: {
          firstName: "Cy",
          lastName: "Configless",
          email: "cy.configless@example.com",
          phone: "555-010-0171",
        },
      });

      // Act
      const [outcome] = await other.sync([event]);

      // Assess
      expect(outcome?.status).toBe("dead_lettered");
      expect(outcome?.error).toMatchObject({
        kind: "permanent",
        reason: "CONFIG_ID_MISSING",
        details: { key: "product.campaignId" },
      });
      expect(outcome?.error?.message).toContain("999999");
      expect(other.sandbox.state.jobs.size).toBe(0);
    } finally {
      await other.stop();
      other.sandbox.assertContract();
    }
  });
});
