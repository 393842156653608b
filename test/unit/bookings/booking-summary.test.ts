import { describe, expect, it } from "vitest";
import { bookingSummary } from "../../../lib/bookings/booking-request.ts";
import { orderEventSchema } from "../../../lib/order/event-schema.ts";
import { buildOrderEvent } from "../../support/order-factory.ts";

describe("bookingSummary", () => {
  it("lists lines and totals readably, and says a paid order has no invoice yet", () => {
    // Prepare
    const order = orderEventSchema.parse(
      buildOrderEvent({
        orderId: "1042",
        lines: [{ sku: "FLT-1", name: "Filter", quantity: 2, unitPrice: "10.00" }],
        totals: { subtotal: "20.00", shipping: "4.00", discount: "2.00", tax: "1.20", total: "23.20" },
        payment: { method: "card", reference: "ch_1", amount: "23.20", paidAt: "2026-11-20T10:00:00-06:00" },
        notes: undefined,
      }),
    );

    // Act
    const summary = bookingSummary(order, { customerId: 2001, matchedBy: "name_address" });

    // Assess
    expect(summary.split("<br/>")).toEqual([
      "Product order 1042 (one-time) from online store test-store: a request to book, not yet scheduled",
      "2 × Filter (FLT-1) at $10.00 = $20.00",
      "Totals: subtotal $20.00, shipping $4.00, discount -$2.00, tax $1.20, total $23.20",
      "Paid online 2026-11-20, $23.20 (card), test-store order 1042, ref ch_1. No invoice yet: record it on the job&#39;s invoice when booking",
      "Existing ServiceTitan customer 2001 (matched by name + address)",
    ]);
  });

  it("escapes HTML from the order and keeps the customer's line breaks", () => {
    // Prepare
    const order = orderEventSchema.parse(
      buildOrderEvent({
        customer: { company: "Fix <b>It</b> & Co" },
        lines: [{ sku: "X-1", name: "<script>", quantity: 1, unitPrice: "1.00" }],
        notes: "Gate code 12\n<i>call first</i>",
      }),
    );

    // Act
    const summary = bookingSummary(order, undefined);

    // Assess
    expect(summary).not.toMatch(/<(b|i|script)>/);
    expect(summary).toContain("for Fix &lt;b&gt;It&lt;/b&gt; &amp; Co");
    expect(summary).toContain("Not paid online");
    expect(summary).toContain("a first-time client");
    expect(summary).toContain("Customer notes: Gate code 12<br/>&lt;i&gt;call first&lt;/i&gt;");
  });
});
