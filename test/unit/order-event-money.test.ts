/** Issue 13 on the contract: totals that must add up, discounts, the payment block, taxable lines. */
import { describe, expect, it } from "vitest";
import { InvalidMessageError } from "../../lib/errors.ts";
import { parseOrderMessage } from "../../lib/order/parse-message.ts";
import { buildOrderBody } from "../support/order-factory.ts";

const lines = [{ sku: "TEST-FLT", name: "Test filter", quantity: 4, unitPrice: "12.50" }];

function parseError(body: string): InvalidMessageError {
  try {
    parseOrderMessage(body);
  } catch (error) {
    if (error instanceof InvalidMessageError) return error;
    throw error;
  }
  throw new Error("the body parsed");
}

describe("totals", () => {
  it("accepts parts that add up within a cent and keeps integer cents", () => {
    // Prepare
    const body = buildOrderBody({
      lines,
      totals: { subtotal: "50.00", shipping: 5.99, discount: "5.00", tax: "3.13", total: "54.13" },
    });

    // Act
    const order = parseOrderMessage(body);

    // Assess
    expect(order.totals).toEqual({ subtotal: 5000, shipping: 599, discount: 500, tax: 313, total: 5413 });
  });

  it("rejects parts that don't add up (beyond a cent) as a contract violation naming the fields", () => {
    // Prepare
    const body = buildOrderBody({
      lines,
      totals: { subtotal: "50.00", shipping: "5.99", discount: "5.00", tax: "3.13", total: "54.14" },
    });

    // Act
    const error = parseError(body);

    // Assess
    expect(error.reason).toBe("CONTRACT_VIOLATION");
    expect(error.fieldPaths).toEqual(["totals.total"]);
    expect(error.message).toContain("totals.subtotal + totals.shipping - totals.discount + totals.tax");
  });

  it("rejects a discount larger than the subtotal, or than the lines when there is no subtotal", () => {
    // Prepare
    const stated = buildOrderBody({ lines, totals: { subtotal: "50.00", discount: "50.01", total: "0.00" } });
    const fromLines = buildOrderBody({ lines, totals: { discount: "50.01" } });

    // Act
    const errors = [parseError(stated), parseError(fromLines)];

    // Assess
    expect(errors.map((e) => e.fieldPaths)).toEqual([["totals.discount"], ["totals.discount"]]);
  });

  it("rejects negative amounts in totals", () => {
    // Prepare
    const body = buildOrderBody({ lines, totals: { shipping: "-5.00" } });

    // Act
    const error = parseError(body);

    // Assess
    expect(error.fieldPaths).toEqual(["totals.shipping"]);
  });
});

describe("payment and taxable lines", () => {
  it("reads the payment block in cents and keeps a line's taxable flag", () => {
    // Prepare
    const body = buildOrderBody({
      lines: [{ sku: "TEST-FLT", name: "Test filter", quantity: 4, unitPrice: "12.50", taxable: false }],
      payment: { method: "card", reference: "ch_123", amount: "50.00", paidAt: "2026-11-20T15:04:05-06:00" },
    });

    // Act
    const order = parseOrderMessage(body);

    // Assess
    expect(order.payment).toEqual({
      method: "card",
      reference: "ch_123",
      amountCents: 5000,
      paidAt: "2026-11-20T15:04:05-06:00",
    });
    expect(order.lines[0]?.taxable).toBe(false);
  });

  it("rejects a payment without its amount or date, naming the fields", () => {
    // Prepare
    const body = buildOrderBody({ lines, payment: { method: "card" } as never });

    // Act
    const error = parseError(body);

    // Assess
    expect(error.fieldPaths).toEqual(["payment.amount", "payment.paidAt"]);
  });
});
