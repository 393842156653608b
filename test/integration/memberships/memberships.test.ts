/**
 * Issue 15 (memberships): a subscription order line whose SKU is in `memberships.plans` sells the
 * membership (`POST /memberships/sale`) for the matched customer and service location, with its own
 * sale invoice; the job (if any) carries the other lines only. A renewal never sells a second
 * membership. Over real HTTP to the contract-checked sandbox; final ServiceTitan state is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SyncConfig } from "../../../lib/config/schema.ts";
import { verifyReferences } from "../../../lib/config/verify-references.ts";
import { ConfigError } from "../../../lib/errors.ts";
import { createCustomer } from "../../../lib/servicetitan/endpoints/crm.ts";
import { seedIds } from "../../../sandbox/seed.ts";
import type { SandboxState } from "../../../sandbox/state.ts";
import { buildOrderEvent } from "../../support/order-factory.ts";
import { startWorld, type World, worldConfig } from "../../support/world.ts";

const filterClub = { sku: "PLAN-FILTER-CLUB", name: "Filter Club (monthly)", quantity: 1, unitPrice: "15.00" };

function member(n: number, overrides: Parameters<typeof buildOrderEvent>[0] = {}) {
  return buildOrderEvent({
    purchaseType: "subscription",
    customer: {
      firstName: "Mel",
      lastName: `Member${n}`,
      email: `mel.member${n}@example.test`,
      phone: `555-010-03${String(n).padStart(2, "0")}`,
    },
    billingAddress: { street: `${n} Club Road`, city: "Springfield", state: "IL", zip: "62704" },
    lines: [filterClub],
    ...overrides,
  });
}

const membershipsOf = (state: SandboxState, customerId: number | undefined) =>
  [...state.memberships.values()].filter((m) => m.customerId === customerId);
const jobsOf = (state: SandboxState, customerId: number | undefined) =>
  [...state.jobs.values()].filter((j) => j.customerId === customerId);

describe("subscription orders with membership SKUs", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("sells one membership on the order's customer and location, with its own invoice and no job", async () => {
    // Prepare
    const order = member(1);

    // Act
    const [outcome] = await world.sync([order]);

    // Assess
    expect(outcome?.status).toBe("synced");
    const state = world.sandbox.state;
    const customerId = outcome?.progress?.customerId;
    const locationId = outcome?.progress?.locationId;
    const [membership, ...others] = membershipsOf(state, customerId);
    expect(others).toEqual([]);
    expect(membership).toMatchObject({
      membershipTypeId: seedIds.membershipTypes.filterClub,
      durationBillingId: seedIds.durationBilling.filterClubMonthly,
      saleTaskId: seedIds.services.filterClubSale,
      businessUnitId: seedIds.businessUnits.filtersAndProducts,
      locationId,
      recurringLocationId: locationId,
      recurringServiceAction: "Single",
      status: "Active",
      memo: `Sold online: order test-store:${order.orderId}`,
    });
    const invoice = state.invoices.get(membership?.invoiceId ?? -1);
    expect(invoice?.items.map((i) => [i.skuId, i.quantity, i.unitPriceCents])).toEqual([
      [seedIds.services.filterClubSale, 1, 1500],
    ]);
    expect(jobsOf(state, customerId)).toEqual([]);
    expect(outcome?.progress?.jobId).toBeUndefined();
    expect(outcome?.progress?.memberships).toEqual({
      "PLAN-FILTER-CLUB": {
        membershipTypeId: seedIds.membershipTypes.filterClub,
        membershipId: membership?.id,
        outcome: "sold",
        invoiceId: membership?.invoiceId,
        noted: true,
      },
    });
    // Customer and location tags of a product subscription still apply.
    expect(state.customers.get(customerId ?? -1)?.tagTypeIds).toContain(seedIds.tagTypes.productSubscription);
  });

  it("puts only the other lines on the job invoice of a mixed order: the money lands once", async () => {
    // Prepare: 2 × 14.99 filters + the 15.00 membership; the store's total covers both.
    const order = member(2, {
      lines: [{ sku: "FLT-16x25x1", name: "Filter 16x25x1", quantity: 2, unitPrice: "14.99" }, filterClub],
      totals: { subtotal: "44.98", shipping: "0.00", discount: "0.00", tax: "0.00", total: "44.98" },
    });

    // Act
    const [outcome] = await world.sync([order]);

    // Assess
    expect(outcome?.status).toBe("synced");
    const state = world.sandbox.state;
    const customerId = outcome?.progress?.customerId;
    const [job, ...otherJobs] = jobsOf(state, customerId);
    expect(otherJobs).toEqual([]);
    const jobInvoice = state.invoices.get(job?.invoiceId ?? -1);
    expect(jobInvoice?.items.map((i) => [i.skuId, i.quantity, i.unitPriceCents])).toEqual([
      [seedIds.materials.filter16x25x1, 2, 1499],
    ]);
    const [membership, ...otherMemberships] = membershipsOf(state, customerId);
    expect(otherMemberships).toEqual([]);
    expect(state.invoices.get(membership?.invoiceId ?? -1)?.items).toHaveLength(1);
    // The job's invoice is compared with the order without its membership line: no mismatch.
    expect(outcome?.progress?.totalMismatch).toBe(false);
    expect(outcome?.progress?.invoiceTotalCents).toBe(2998);
  });

  it("renews instead of selling again: the same customer's next subscription order notes the renewal", async () => {
    // Prepare
    const first = member(3);
    const [sold] = await world.sync([first]);
    const renewal = member(3, { placedAt: "2026-04-04T15:04:05-05:00" });

    // Act
    const [renewed] = await world.sync([renewal]);

    // Assess
    expect([sold?.status, renewed?.status]).toEqual(["synced", "synced"]);
    const state = world.sandbox.state;
    expect(renewed?.progress?.customerId).toBe(sold?.progress?.customerId);
    const [membership, ...others] = membershipsOf(state, sold?.progress?.customerId);
    expect(others).toEqual([]);
    expect(membership?.memo).toBe(
      `Sold online: order test-store:${first.orderId}\nRenewed online: order test-store:${renewal.orderId}`,
    );
    expect(renewed?.progress?.memberships?.["PLAN-FILTER-CLUB"]).toEqual({
      membershipTypeId: seedIds.membershipTypes.filterClub,
      membershipId: membership?.id,
      outcome: "renewed",
      noted: true,
    });
    expect(jobsOf(state, sold?.progress?.customerId)).toEqual([]);
  });

  it("sells a new membership when the customer's earlier one (sold by the office) has expired", async () => {
    // Prepare: the customer exists with an expired Filter Club membership.
    const address = { street: "4 Club Road", city: "Springfield", state: "IL", zip: "62704", country: "US" };
    const customer = await createCustomer(world.http, {
      name: "Mel Member4",
      type: "Residential",
      address,
      locations: [{ name: "Mel Member4", address }],
      contacts: [{ type: "Email", value: "mel.member4@example.test" }],
    });
    const state = world.sandbox.state;
    state.memberships.set(990_001, {
      id: 990_001,
      customerId: customer.id,
      membershipTypeId: seedIds.membershipTypes.filterClub,
      businessUnitId: seedIds.businessUnits.filtersAndProducts,
      durationBillingId: seedIds.durationBilling.filterClubAnnual,
      saleTaskId: seedIds.services.filterClubSale,
      locationId: null,
      recurringLocationId: null,
      recurringServiceAction: "None",
      status: "Expired",
      memo: null,
      invoiceId: null,
      from: "2024-01-01T00:00:00Z",
      to: "2025-01-01T00:00:00Z",
      createdOn: "2024-01-01T00:00:00Z",
      createdById: state.officeUserId,
      modifiedOn: "2025-01-01T00:00:00Z",
    });

    // Act
    const [outcome] = await world.sync([member(4)]);

    // Assess
    expect(outcome?.progress?.customerId).toBe(customer.id);
    expect(outcome?.progress?.memberships?.["PLAN-FILTER-CLUB"]?.outcome).toBe("sold");
    const statuses = membershipsOf(state, customer.id).map((m) => m.status);
    expect(statuses.sort()).toEqual(["Active", "Expired"]);
  });

  it("sells one membership to concurrent orders of the same customer and type; the other renews it", async () => {
    // Prepare
    const orders = [member(5), member(5), member(5)];

    // Act
    const outcomes = await world.sync(orders);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(["synced", "synced", "synced"]);
    const memberships = membershipsOf(world.sandbox.state, outcomes[0]?.progress?.customerId);
    expect(memberships).toHaveLength(1);
    const results = outcomes.map((o) => o.progress?.memberships?.["PLAN-FILTER-CLUB"]?.outcome).sort();
    expect(results).toEqual(["renewed", "renewed", "sold"]);
  });

  it("notes a renewal once when the memo write's reply is lost", async () => {
    // Prepare
    const [sold] = await world.sync([member(9)]);
    const renewal = member(9);
    world.sandbox.faults.add({
      operationId: "CustomerMemberships_Update",
      times: 1,
      action: { type: "commit-then-fail" },
    });

    // Act
    const [renewed] = await world.sync([renewal]);

    // Assess
    expect(renewed?.status).toBe("synced");
    expect(world.sandbox.log.some((e) => e.operationId === "CustomerMemberships_Update" && e.status >= 500)).toBe(true);
    const [membership, ...others] = membershipsOf(world.sandbox.state, sold?.progress?.customerId);
    expect(others).toEqual([]);
    expect(membership?.memo?.split("\n")).toEqual([
      `Sold online: order test-store:${sold?.orderKey?.split(":")[1]}`,
      `Renewed online: order test-store:${renewal.orderId}`,
    ]);
    expect(renewed?.progress?.memberships?.["PLAN-FILTER-CLUB"]?.outcome).toBe("renewed");
  });

  it("is a duplicate when delivered again: still one membership", async () => {
    // Prepare
    const order = member(6);
    await world.sync([order]);

    // Act
    const [again] = await world.sync([order]);

    // Assess
    expect(again?.status).toBe("duplicate");
    expect(membershipsOf(world.sandbox.state, again?.progress?.customerId)).toHaveLength(1);
  });

  it("rejects a membership SKU on a one-time order, naming the SKU and the config key, before any write", async () => {
    // Prepare
    const order = member(7, { purchaseType: "one_time" });
    const customersBefore = world.sandbox.state.customers.size;

    // Act
    const [outcome] = await world.sync([order]);

    // Assess
    expect(outcome?.status).toBe("dead_lettered");
    expect(outcome?.error?.reason).toBe("MEMBERSHIP_ORDER_INVALID");
    expect(outcome?.error?.kind).toBe("permanent");
    expect(outcome?.error?.message).toContain("PLAN-FILTER-CLUB");
    expect(outcome?.error?.message).toContain("memberships.plans[0]");
    expect(outcome?.error?.details).toMatchObject({ sku: "PLAN-FILTER-CLUB", key: "memberships.plans[0]" });
    expect(world.sandbox.state.customers.size).toBe(customersBefore);
  });

  it("rejects a membership-only order with shipping: there is no job invoice to carry it", async () => {
    // Prepare
    const order = member(8, { totals: { subtotal: "15.00", shipping: "4.00", tax: "0.00", total: "19.00" } });

    // Act
    const [outcome] = await world.sync([order]);

    // Assess
    expect(outcome?.error?.reason).toBe("MEMBERSHIP_ORDER_INVALID");
    expect(outcome?.error?.message).toContain("shipping");
  });
});

describe("config check at start", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ buildIndex: false });
  });
  afterAll(async () => {
    await world?.stop();
  });

  function withPlan(plan: Partial<SyncConfig["memberships"]["plans"][number]>): SyncConfig {
    const config = worldConfig();
    const [first, ...rest] = config.memberships.plans;
    if (!first) throw new Error("the example config has no membership plan");
    return { ...config, memberships: { plans: [{ ...first, ...plan }, ...rest] } };
  }

  async function failureOf(config: SyncConfig): Promise<ConfigError> {
    const error = await verifyReferences(world.http, config).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
    return error;
  }

  it("accepts the example plans and learns their sale prices", async () => {
    const verified = await verifyReferences(world.http, worldConfig());
    expect(verified.membershipSalePrices.get(seedIds.durationBilling.filterClubMonthly)).toBe(1500);
  });

  it.each([
    ["a membership type the tenant lacks", { membershipTypeId: 1699 }, "memberships.plans[0].membershipTypeId"],
    [
      "an inactive membership type",
      { membershipTypeId: seedIds.membershipTypes.retiredClub },
      "memberships.plans[0].membershipTypeId",
    ],
    [
      "a duration/billing option of another type",
      { durationBillingId: seedIds.durationBilling.comfortClubAnnual },
      "memberships.plans[0].durationBillingId",
    ],
    [
      "a sale task that is no pricebook service",
      { saleTaskId: seedIds.materials.filter16x25x1 },
      "memberships.plans[0].saleTaskId",
    ],
    ["a business unit the tenant lacks", { businessUnitId: 599 }, "memberships.plans[0].businessUnitId"],
  ])("fails on %s, naming the key", async (_what, plan, key) => {
    const error = await failureOf(withPlan(plan));
    expect(error.reason).toBe("CONFIG_ID_MISSING");
    expect(error.key).toBe(key);
  });
});
