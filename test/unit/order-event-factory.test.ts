/** The order factory itself: valid by default, overrides merge, ids are unique. */
import { describe, expect, it } from "vitest";
import { parseOrderMessage } from "../../lib/order/parse-message.ts";
import {
  buildOrderBody,
  buildOrderEvent,
  productOneTime,
  productSubscription,
  serviceOrder,
} from "../support/order-factory.ts";

describe("order factory", () => {
  it("builds valid events for every named variant", () => {
    // Act
    const orders = [buildOrderEvent(), productOneTime(), productSubscription(), serviceOrder()].map((event) =>
      parseOrderMessage(JSON.stringify(event)),
    );

    // Assess
    expect(orders.map((order) => [order.orderType, order.purchaseType])).toEqual([
      ["product", "one_time"],
      ["product", "one_time"],
      ["product", "subscription"],
      ["service", "one_time"],
    ]);
    expect(orders[3]?.requestedWindow).toBeDefined();
  });

  it("gives every event its own orderId", () => {
    // Act
    const ids = Array.from({ length: 50 }, () => buildOrderEvent().orderId);

    // Assess
    expect(new Set(ids).size).toBe(50);
  });

  it("deep-merges overrides, replaces arrays and removes keys set to undefined", () => {
    // Act
    const event = buildOrderEvent({
      orderId: "TEST-fixed",
      customer: { firstName: "Nova", phone: undefined },
      billingAddress: { zip: "62705" },
      lines: [{ sku: "TEST-ONE", name: "Test one", quantity: 3, unitPrice: "2.50" }],
    });

    // Assess
    expect(event.orderId).toBe("TEST-fixed");
    expect(event.customer).toEqual({
      firstName: "Nova",
      lastName: "McTestface",
      email: "testy.mctestface@example.com",
    });
    expect(event.billingAddress).toMatchObject({ street: "742 Example Lane", zip: "62705" });
    expect(event.lines).toHaveLength(1);
    expect(event.totals).toEqual({ subtotal: "7.50", tax: "0.00", shipping: "0.00", discount: "0.00", total: "7.50" });
  });

  it("keeps totals the caller sets or removes", () => {
    // Act
    const removed = buildOrderEvent({ totals: undefined });
    const set = buildOrderEvent({ totals: { total: "1.00" } });

    // Assess
    expect(removed).not.toHaveProperty("totals");
    expect(set.totals).toEqual({ total: "1.00" });
  });

  it("serialises the same event as the body", () => {
    // Act
    const body = buildOrderBody({ orderId: "TEST-body" });

    // Assess
    expect(JSON.parse(body)).toMatchObject({ orderId: "TEST-body", schemaVersion: 1 });
  });
});
