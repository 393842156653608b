/**
 * Issues 14 and 15: a cancellation of an order that made no job. A booking still on the Calls screen
 * is dismissed (once, whatever the redeliveries); an order of memberships only has nothing to cancel
 * and completes as such instead of waiting for a job that will never exist. Over the real handler,
 * fauxqs, dynalite and the contract-checked sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noteRefund } from "../../../lib/pipeline/note-refund.ts";
import { createWorkerDependencies } from "../../../lib/worker/dependencies.ts";
import { bookingConfig } from "../../support/booking-config.ts";
import { buildOrderEvent, serviceOrder } from "../../support/order-factory.ts";
import { effectCounts } from "../../support/snapshot.ts";
import { startWorld, type World } from "../../support/world.ts";

const cancellation = <T extends object>(event: T) => ({ ...event, event: "order.cancelled" as const });

describe("a cancelled order without a job", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ config: bookingConfig() });
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("dismisses the order's booking still on the Calls screen, once", async () => {
    // Prepare
    const placed = serviceOrder();
    const [booked] = await world.sync([placed]);
    const bookingId = booked?.progress?.bookingId;

    // Act: the cancellation, then its redelivery
    const outcomes = await world.sync([cancellation(placed), cancellation(placed)]);

    // Assess
    expect(booked?.status).toBe("synced");
    expect(outcomes.map((o) => [o.status, o.progress?.followUpOutcome])).toEqual([
      ["synced", "cancelled"],
      ["duplicate", "cancelled"],
    ]);
    expect(world.sandbox.state.bookings.get(bookingId ?? -1)?.status).toBe("Dismissed");
    const dismissals = world.sandbox.log.filter((e) => e.operationId === "Bookings_DismissBooking");
    expect(dismissals).toHaveLength(1);
    expect(world.sandbox.state.jobs.size).toBe(0);
  });

  it("leaves a booking the office dismissed as it is", async () => {
    // Prepare
    const placed = serviceOrder();
    const [booked] = await world.sync([placed]);
    world.sandbox.office.dismissBooking(booked?.progress?.bookingId ?? -1);
    const dismissalsBefore = world.sandbox.log.filter((e) => e.operationId === "Bookings_DismissBooking").length;

    // Act
    const [outcome] = await world.sync([cancellation(placed)]);

    // Assess
    expect([outcome?.status, outcome?.progress?.followUpOutcome]).toEqual(["synced", "already_cancelled"]);
    const dismissals = world.sandbox.log.filter((e) => e.operationId === "Bookings_DismissBooking").length;
    expect(dismissals).toBe(dismissalsBefore);
  });

  it("completes an order of memberships only as nothing to cancel, writing nothing", async () => {
    // Prepare
    const placed = buildOrderEvent({
      purchaseType: "subscription",
      customer: { firstName: "Nell", lastName: "Nojob", email: "nell.nojob@example.test", phone: "555-010-0391" },
      billingAddress: { street: "91 Club Road", city: "Springfield", state: "IL", zip: "62704" },
      lines: [{ sku: "PLAN-FILTER-CLUB", name: "Filter Club (monthly)", quantity: 1, unitPrice: "15.00" }],
    });
    const [sold] = await world.sync([placed]);
    const before = effectCounts(world.sandbox.state);

    // Act
    const [outcome] = await world.sync([cancellation(placed)]);

    // Assess
    expect(sold?.progress?.jobId).toBeUndefined();
    expect([outcome?.status, outcome?.progress?.followUpOutcome]).toEqual(["synced", "no_job"]);
    expect(effectCounts(world.sandbox.state)).toEqual(before);
  });

  it("records a refund of an order of memberships only as having no job to note, once", async () => {
    // Prepare
    const placed = buildOrderEvent({
      purchaseType: "subscription",
      customer: { firstName: "Rue", lastName: "Refundjob", email: "rue.refundjob@example.test", phone: "555-010-0392" },
      billingAddress: { street: "92 Club Road", city: "Springfield", state: "IL", zip: "62704" },
      lines: [{ sku: "PLAN-FILTER-CLUB", name: "Filter Club (monthly)", quantity: 1, unitPrice: "15.00" }],
    });
    await world.sync([placed]);
    const deps = createWorkerDependencies({ ...world.session.aws, config: world.config, serviceTitan: world.http });
    const refund = {
      kind: "refund" as const,
      source: "contract" as const,
      store: "test-store",
      orderId: placed.orderId,
      refundId: "9",
      amountCents: 1500,
      currency: "USD",
    };
    const lease = () => ({ ownerToken: crypto.randomUUID(), leaseMs: 60_000 });
    const before = effectCounts(world.sandbox.state);

    // Act
    const first = await noteRefund(refund, deps, lease());
    const again = await noteRefund(refund, deps, lease());

    // Assess
    expect([first.status, first.progress.followUpOutcome, again.status]).toEqual(["synced", "no_job", "duplicate"]);
    expect(effectCounts(world.sandbox.state)).toEqual(before);
  });
});
