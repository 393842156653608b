/**
 * Issue 15 (bookings): an order configured as a booking ends as exactly one booking on the provider,
 * never a job, and the worker creates no customer, location or pricebook item for it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJob } from "../../../lib/servicetitan/endpoints/jpm.ts";
import { seedIds } from "../../../sandbox/seed.ts";
import { allocateId, type BookingRecord, type SandboxState } from "../../../sandbox/state.ts";
import { bookingConfig } from "../../support/booking-config.ts";
import { buildOrderEvent, fakePerson, serviceOrder } from "../../support/order-factory.ts";
import { effectCounts } from "../../support/snapshot.ts";
import { startWorld, type World } from "../../support/world.ts";

const bookingsOf = (world: World, orderKey: string): BookingRecord[] =>
  [...world.sandbox.state.bookings.values()].filter((b) => b.externalId === orderKey);

describe("orders configured as bookings", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ config: bookingConfig() });
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("files a new customer's service order as one booking with the order's fields, and nothing else", async () => {
    // Prepare
    const order = serviceOrder({
      customer: {
        firstName: "Bea",
        lastName: "Bookingnew",
        email: "bea.bookingnew@example.com",
        phone: "555-010-0190",
      },
      totals: { subtotal: "89.00", tax: "5.56", total: "94.56" },
      payment: { method: "card", reference: "ch_bk_1", amount: "94.56", paidAt: "2026-03-04T15:04:05-06:00" },
    });
    const before = effectCounts(world.sandbox.state);

    // Act
    const [outcome] = await world.sync([order]);

    // Assess
    const orderKey = `test-store:${order.orderId}`;
    expect(outcome?.status).toBe("synced");
    expect(effectCounts(world.sandbox.state)).toEqual({ ...before, bookings: before.bookings + 1 });
    const bookings = bookingsOf(world, orderKey);
    expect(bookings).toHaveLength(1);
    const booking = bookings[0] as BookingRecord;
    expect(booking).toMatchObject({
      bookingProviderId: seedIds.bookingProviderTags.onlineStore,
      source: "test-store",
      name: "Bea Bookingnew",
      address: { street: fakePerson.serviceStreet, city: "Shelbyville", state: "IL", zip: "62565-0101" },
      customerType: "Residential",
      start: "2026-03-09T13:00:00.000Z",
      campaignId: world.config.service.campaignId,
      businessUnitId: world.config.service.businessUnitId,
      jobTypeId: world.config.service.jobTypeId,
      priority: "Urgent",
      isFirstTimeClient: true,
      isSendConfirmationEmail: true,
      status: "New",
    });
    expect(booking.contacts).toEqual([
      { type: "Email", value: "bea.bookingnew@example.com", memo: null },
      { type: "Phone", value: "5550100190", memo: null },
    ]);
    expect(booking.summary).toContain("1 × Test furnace tune-up (TEST-SVC-TUNEUP) at $89.00 = $89.00");
    expect(booking.summary).toContain("Totals: subtotal $89.00, tax $5.56, total $94.56");
    expect(booking.summary).toContain("Paid online 2026-03-04, $94.56 (card)");
    expect(booking.summary).toContain("first-time client");
    expect(outcome?.progress).toMatchObject({ bookingId: booking.id, bookingStatus: "New", firstTimeClient: true });
    expect(outcome?.progress?.jobId).toBeUndefined();
  });

  it("matches a returning customer (read-only): not a first-time client, the customer named in the summary", async () => {
    // Prepare: the seeded customer Testy, by the factory's e-mail and phone
    const order = serviceOrder();
    const before = effectCounts(world.sandbox.state);

    // Act
    const [outcome] = await world.sync([order]);

    // Assess
    const [booking] = bookingsOf(world, `test-store:${order.orderId}`);
    expect(outcome?.status).toBe("synced");
    expect(booking?.isFirstTimeClient).toBe(false);
    expect(booking?.summary).toContain(`Existing ServiceTitan customer ${seedIds.customers.testy} (matched by email)`);
    expect(outcome?.progress).toMatchObject({ firstTimeClient: false, customerId: seedIds.customers.testy });
    expect(effectCounts(world.sandbox.state)).toEqual({ ...before, bookings: before.bookings + 1 });
  });

  it("a redelivered booking order is a duplicate: still one booking", async () => {
    // Prepare
    const order = serviceOrder();
    await world.sync([order]);

    // Act
    const outcomes = await world.sync([order, order]);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(["duplicate", "duplicate"]);
    expect(bookingsOf(world, `test-store:${order.orderId}`)).toHaveLength(1);
  });

  it("a product order with a SKU rule's SKU becomes a booking; one without stays a job", async () => {
    // Prepare
    const diagnostic = buildOrderEvent({
      lines: [{ sku: "diag-furnace", name: "Diagnostic", quantity: 1, unitPrice: "49.00" }],
    });
    const filters = buildOrderEvent();
    const jobsBefore = world.sandbox.state.jobs.size;

    // Act
    const outcomes = await world.sync([diagnostic, filters]);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(["synced", "synced"]);
    expect(bookingsOf(world, `test-store:${diagnostic.orderId}`)).toHaveLength(1);
    expect(bookingsOf(world, `test-store:${filters.orderId}`)).toHaveLength(0);
    expect(world.sandbox.state.jobs.size).toBe(jobsBefore + 1);
    expect(outcomes[1]?.progress?.jobId).toBeDefined();
  });

  it("a booking converted by the office keeps its one booking; the job is the office's", async () => {
    // Prepare
    const order = serviceOrder();
    const [first] = await world.sync([order]);
    const bookingId = first?.progress?.bookingId as number;
    // The job a CSR books from the booking.
    const job = await createJob(world.http, {
      customerId: seedIds.customers.testy,
      locationId: seedIds.locations.testyHome,
      businessUnitId: seedIds.businessUnits.residentialService,
      jobTypeId: seedIds.jobTypes.serviceVisit,
      priority: "Normal",
      campaignId: seedIds.campaigns.onlineStore,
      appointments: [{ start: "2026-03-09T13:00:00Z", end: "2026-03-09T17:00:00Z" }],
    });

    // Act
    world.sandbox.office.convertBooking(bookingId, job.id);
    const [again] = await world.sync([order]);

    // Assess
    expect(again?.status).toBe("duplicate");
    expect(world.sandbox.state.bookings.get(bookingId)).toMatchObject({ status: "Converted", jobId: job.id });
    expect(bookingsOf(world, `test-store:${order.orderId}`)).toHaveLength(1);
  });
});

describe("a lost reply to Bookings_Create, whether or not ServiceTitan refuses a repeated externalId", () => {
  for (const rejectDuplicateBookingExternalIds of [false, true]) {
    it(`${rejectDuplicateBookingExternalIds ? "refuses" : "accepts"} duplicates: exactly one booking`, async () => {
      // Prepare
      const world = await startWorld({ config: bookingConfig(), sandbox: { rejectDuplicateBookingExternalIds } });
      try {
        world.sandbox.faults.add({ operationId: "Bookings_Create", times: 1, action: { type: "commit-then-fail" } });
        const order = serviceOrder();

        // Act
        const [outcome] = await world.sync([order]);

        // Assess
        const bookings = bookingsOf(world, `test-store:${order.orderId}`);
        expect(outcome?.status).toBe("synced");
        expect(world.sandbox.log.filter((e) => e.operationId === "Bookings_Create")).toHaveLength(1);
        expect(bookings).toHaveLength(1);
        expect(outcome?.progress?.bookingId).toBe(bookings[0]?.id);
        world.sandbox.assertContract();
      } finally {
        await world.stop();
      }
    });
  }

  it("a booking filed before the ledger knew the order, and a create ServiceTitan refuses: the worker takes that booking", async () => {
    // Prepare: the order's booking exists (e.g. its ledger item expired) and the sandbox refuses repeated
    // externalIds; a fresh claim makes no look-up, so the create is what finds out
    const world = await startWorld({ config: bookingConfig(), sandbox: { rejectDuplicateBookingExternalIds: true } });
    try {
      const order = serviceOrder();
      const orderKey = `test-store:${order.orderId}`;
      const earlier = lateBooking(world.sandbox.state, orderKey);

      // Act
      const [outcome] = await world.sync([order]);

      // Assess
      expect(world.sandbox.log.filter((e) => e.operationId === "Bookings_Create").map((e) => e.status)).toEqual([400]);
      expect(outcome?.status).toBe("synced");
      expect(bookingsOf(world, orderKey)).toHaveLength(1);
      expect(outcome?.progress?.bookingId).toBe(earlier.id);
    } finally {
      await world.stop();
    }
  });
});

/** A booking filed for `orderKey` behind the worker's back (written straight into the sandbox state). */
function lateBooking(state: SandboxState, orderKey: string): BookingRecord {
  const at = new Date().toISOString();
  const booking: BookingRecord = {
    id: allocateId(state),
    bookingProviderId: seedIds.bookingProviderTags.onlineStore,
    source: "test-store",
    name: "Filed earlier",
    address: null,
    contacts: [],
    customerType: null,
    start: at,
    summary: "Filed by an earlier attempt",
    campaignId: null,
    businessUnitId: null,
    jobTypeId: null,
    priority: null,
    isFirstTimeClient: true,
    isSendConfirmationEmail: null,
    externalId: orderKey,
    status: "New",
    dismissingReasonId: null,
    jobId: null,
    createdOn: at,
    modifiedOn: at,
  };
  state.bookings.set(booking.id, booking);
  return booking;
}

describe("the booking provider tag is checked at start", () => {
  for (const [label, providerTagId] of [
    ["inactive", seedIds.bookingProviderTags.retired],
    ["unknown", 999_999],
  ] as const) {
    it(`an ${label} tag fails the order permanently, naming bookings.providerTagId, and files nothing`, async () => {
      // Prepare
      const world = await startWorld({ config: bookingConfig({ providerTagId }) });
      try {
        // Act
        const [outcome] = await world.sync([serviceOrder()]);

        // Assess
        expect(outcome?.status).toBe("dead_lettered");
        expect(outcome?.error?.reason).toBe("CONFIG_ID_MISSING");
        expect(outcome?.error?.message).toContain("bookings.providerTagId");
        expect(world.sandbox.state.bookings.size).toBe(0);
        world.sandbox.assertContract();
      } finally {
        await world.stop();
      }
    });
  }
});
