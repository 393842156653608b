/**
 * Issue 14, end to end: WooCommerce posts a paid order to the receiver (a local function URL), the
 * receiver enqueues it on the orders queue, and the real worker syncs it into the contract-checked
 * sandbox as the right customer, location, job and invoice. The same order sent again as
 * `order.updated` (marked completed) changes nothing in ServiceTitan.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordOutcome } from "../../../lib/worker/process-batch.ts";
import { fakePerson } from "../../support/order-factory.ts";
import { post, signedDelivery, testStoreKey, wooOrder } from "../../support/woocommerce.ts";
import { startTestReceiver, type TestReceiver } from "../../support/woocommerce-receiver.ts";
import { startWorld, type World } from "../../support/world.ts";

/** 4 × 12.50 filters with a 5.00 coupon, 5.99 shipping, 6.25 % tax on the filters (the sandbox's zone for 62703). */
function paidWooOrder() {
  const order = wooOrder({
    discount_total: "5.00",
    shipping_total: "5.99",
    total_tax: "3.13",
    cart_tax: "3.13",
    total: "54.12",
    line_items: [
      {
        id: 31,
        name: "Pleated filter 16x25x1 MERV 11",
        product_id: 93,
        variation_id: 0,
        quantity: 4,
        subtotal: "50.00",
        subtotal_tax: "3.13",
        total: "45.00",
        total_tax: "3.13",
        sku: "FLT-16x25x1-M11",
        price: 11.25,
      },
    ],
    shipping: { first_name: "", last_name: "", address_1: "", city: "", state: "", postcode: "", country: "" },
  });
  return order;
}

describe("WooCommerce → receiver → queue → worker → ServiceTitan", () => {
  let world: World;
  let receiver: TestReceiver;

  beforeAll(async () => {
    world = await startWorld();
    receiver = await startTestReceiver({ sqs: world.session.aws.sqs, queueUrl: world.session.aws.queueUrl });
  });
  afterAll(async () => {
    await receiver?.stop();
    await world?.stop();
    world?.sandbox.assertContract();
  });

  async function deliverAndDrain(order: Record<string, unknown>, topic: string): Promise<RecordOutcome[]> {
    const before = world.session.history.length;
    const answer = await post(receiver.url, signedDelivery(order, receiver.secret, topic));
    expect(answer).toEqual({ status: 200, outcome: "queued" });
    await world.session.runUntilDrained({ stallMs: 120_000 });
    return world.session.history.slice(before);
  }

  it("syncs a paid order once, and a re-sent order.updated changes nothing", async () => {
    // Prepare
    const order = paidWooOrder();
    const state = world.sandbox.state;

    // Act: created as processing, then updated to completed.
    const [created] = await deliverAndDrain(order, "order.created");
    const counts = () => [state.customers.size, state.locations.size, state.jobs.size, state.invoices.size];
    const afterFirst = counts();
    const [updated] = await deliverAndDrain({ ...order, status: "completed" }, "order.updated");

    // Assess: the first delivery made the customer, location, job and invoice.
    expect(created).toMatchObject({ status: "synced", orderKey: `${testStoreKey}:${order.id}` });
    const progress = created?.progress;
    const customer = state.customers.get(progress?.customerId ?? -1);
    const location = state.locations.get(progress?.locationId ?? -1);
    const job = state.jobs.get(progress?.jobId ?? -1);
    const invoice = state.invoices.get(job?.invoiceId ?? -1);
    expect(customer?.name).toBe(`${fakePerson.firstName} ${fakePerson.lastName}`);
    expect(location?.customerId).toBe(customer?.id);
    expect(location?.address).toMatchObject({ street: fakePerson.street, unit: "Apt 2", zip: "62703" });
    expect(job).toMatchObject({ customerId: customer?.id, locationId: location?.id, jobStatus: "Scheduled" });
    const skuCode = (id: number) => (state.materials.get(id) ?? state.services.get(id))?.code;
    expect(invoice?.items.map((item) => [skuCode(item.skuId), item.quantity, item.unitPriceCents])).toEqual([
      ["FLT-16x25x1-M11", 4, 1250],
      ["WEB-SHIPPING", 1, 599],
      ["WEB-DISCOUNT", 1, -500],
    ]);
    // The re-send is the same order: acknowledged as a duplicate, nothing new in ServiceTitan.
    expect(updated).toMatchObject({ status: "duplicate", orderKey: `${testStoreKey}:${order.id}` });
    expect(counts()).toEqual(afterFirst);
    expect(state.invoices.get(invoice?.id ?? -1)?.items).toHaveLength(3);
    for (const value of Object.values(fakePerson)) expect(world.logLines.join("\n")).not.toContain(value);
  });

  it("acknowledges a cancellation of an order never paid without enqueueing or dead-lettering it", async () => {
    const before = world.session.history.length;
    const unpaid = wooOrder({ status: "cancelled", date_paid_gmt: null, date_paid: null });
    const answer = await post(receiver.url, signedDelivery(unpaid, receiver.secret, "order.updated"));
    expect(answer).toEqual({ status: 200, outcome: "ignored" });
    await world.session.runUntilDrained({ stallMs: 120_000 });
    expect(world.session.history.length).toBe(before);
  });
});
