/**
 * Issue 14, Shopify: the shared real Shopify order, delivered as Shopify's EventBridge source delivers
 * it (the whole event as the SQS body), goes through fauxqs, the real handler, dynalite and the
 * contract-checked sandbox. Final ServiceTitan state is asserted; a redelivery and an `orders/updated`
 * re-send after a refund change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordOutcome } from "../../../lib/worker/process-batch.ts";
import { drainQueue } from "../../support/queues.ts";
import {
  exampleShop,
  type Json,
  paidShopifyOrder,
  sharedShopifyRefund,
  shopifyEnvelope,
} from "../../support/shopify-events.ts";
import { effectCounts, snapshotState } from "../../support/snapshot.ts";
import { startWorld, type World } from "../../support/world.ts";

const orderKey = `${exampleShop}:450789469`;

describe("a Shopify orders/paid event", () => {
  let world: World;
  let first: RecordOutcome | undefined;
  const paidEvent = shopifyEnvelope("orders/paid", paidShopifyOrder());

  beforeAll(async () => {
    world = await startWorld();
    [first] = await world.sync([paidEvent]);
  });
  afterAll(async () => {
    world?.assertNoPersonalDataLogged();
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("ends as the buyer's customer, location, job and invoice in ServiceTitan", () => {
    // Assess
    expect(first).toMatchObject({ status: "synced", orderKey });
    const state = world.sandbox.state;
    const job = state.jobs.get(first?.progress?.jobId ?? -1);
    const customer = state.customers.get(job?.customerId ?? -1);
    const location = state.locations.get(job?.locationId ?? -1);
    expect(job?.externalData).toContainEqual(expect.objectContaining({ key: "orderKey", value: orderKey }));
    expect(customer).toMatchObject({ name: "Bob Norman", type: "Residential" });
    expect(customer?.address).toMatchObject({
      street: "Chestnut Street 92",
      city: "Louisville",
      state: "KY",
      zip: "40202",
    });
    const contacts = [...state.customerContacts.values()]
      .filter((contact) => contact.customerId === customer?.id)
      .map((contact) => [contact.type, contact.value])
      .sort();
    expect(contacts).toEqual([
      ["Email", "bob.norman@hostmail.com"],
      ["Phone", "5556251199"],
    ]);
    expect(location?.address).toMatchObject({ street: "Chestnut Street 92", zip: "40202" });
    const invoice = state.invoices.get(job?.invoiceId ?? -1);
    const code = (id: number) => (state.materials.get(id) ?? state.services.get(id) ?? state.equipment.get(id))?.code;
    expect(invoice?.items.map((item) => [code(item.skuId), item.quantity, item.unitPriceCents])).toEqual([
      ["IPOD2008GREEN", 1, 19900],
      ["IPOD2008RED", 1, 19900],
      ["IPOD2008BLACK", 1, 19900],
    ]);
    // Paid through authorize_net: the invoice says so.
    expect(invoice?.summary).toContain("Paid online");
    expect(invoice?.summary).toContain("authorize_net");
  });

  it("changes nothing when redelivered, or re-sent by orders/updated after a refund", async () => {
    // Prepare
    const before = snapshotState(world.sandbox.state);
    const counts = effectCounts(world.sandbox.state);
    const refundedResend = shopifyEnvelope(
      "orders/updated",
      paidShopifyOrder((order: Json) => {
        order.financial_status = "partially_refunded";
        order.updated_at = "2008-01-12T09:30:00-05:00";
        order.refunds = [sharedShopifyRefund()];
      }),
    );

    // Act
    const outcomes = await world.sync([paidEvent, refundedResend]);

    // Assess
    expect(outcomes.map((outcome) => [outcome.status, outcome.orderKey])).toEqual([
      ["duplicate", orderKey],
      ["duplicate", orderKey],
    ]);
    expect(effectCounts(world.sandbox.state)).toEqual(counts);
    expect(snapshotState(world.sandbox.state)).toEqual(before);
  });

  it("acknowledges an unknown topic and dead-letters an id-only payload with its reason and order", async () => {
    // Prepare
    const counts = effectCounts(world.sandbox.state);

    // Act
    const outcomes = await world.sync([
      shopifyEnvelope("customers/update", { id: 207119551 }),
      shopifyEnvelope("orders/paid", { id: 450789470 }),
    ]);
    const dlq = await drainQueue(world, world.session.aws.dlqUrl);

    // Assess
    expect(outcomes.map((outcome) => [outcome.status, outcome.error?.reason])).toEqual([
      ["ignored", undefined],
      ["dead_lettered", "PAYLOAD_OMITTED"],
    ]);
    expect(
      dlq.map((message) => [
        message.MessageAttributes?.reason?.StringValue,
        message.MessageAttributes?.orderKey?.StringValue,
      ]),
    ).toEqual([["PAYLOAD_OMITTED", `${exampleShop}:450789470`]]);
    expect(effectCounts(world.sandbox.state)).toEqual(counts);
  });

  it("notes a refunds/create on the job once, then cancels the still-scheduled job on orders/cancelled", async () => {
    // Prepare: the order's job is still Scheduled; cancel reason and refund tag are configured (example config)
    const jobId = first?.progress?.jobId ?? -1;
    const refund = shopifyEnvelope("refunds/create", sharedShopifyRefund());
    const cancelled = shopifyEnvelope(
      "orders/cancelled",
      paidShopifyOrder((order: Json) => {
        order.cancelled_at = "2008-01-13T09:00:00-05:00";
        order.cancel_reason = "customer";
      }),
    );

    // Act: the refund twice (a redelivery), then the cancellation twice
    const outcomes = await world.sync([refund, refund, cancelled, cancelled]);

    // Assess
    expect(outcomes.map((outcome) => [outcome.status, outcome.orderKey])).toEqual([
      ["synced", orderKey],
      ["duplicate", orderKey],
      ["synced", orderKey],
      ["duplicate", orderKey],
    ]);
    const state = world.sandbox.state;
    const notes = state.jobNotes.filter((note) => note.jobId === jobId).map((note) => note.text);
    expect(notes.filter((text) => text.startsWith("Refunded $209.00"))).toHaveLength(1);
    expect(state.jobs.get(jobId)?.jobStatus).toBe("Canceled");
    expect(state.jobCancelLogs.filter((log) => log.jobId === jobId)).toEqual([
      expect.objectContaining({ reasonId: 1801, memo: `Cancelled in online store ${exampleShop}, order 450789469` }),
    ]);
  });
});
