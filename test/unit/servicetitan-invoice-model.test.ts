/**
 * A new job's invoice, as ServiceTitan's official first-call example shows it (api-notes §0.3):
 * `"items": null` and money as strings. The worker's invoice model must read that as an invoice
 * without lines, not reject it (a rejection would fail every first attempt at adding lines).
 */
import { describe, expect, it } from "vitest";
import { invoiceSchema } from "../../lib/servicetitan/models/accounting.ts";

const newJobInvoice = {
  id: 71_001,
  job: { id: 70_001, number: "70001", type: "Filter Delivery" },
  subTotal: "0.00",
  salesTax: "0.00",
  total: "0.00",
  balance: "0.00",
  items: null,
  active: true,
  createdOn: "2026-11-30T14:00:00Z",
  sentStatus: "NotSent",
  reviewStatus: "NeedsReview",
  invoiceConfiguration: "JobInvoice",
};

describe("invoice model", () => {
  it("reads a new job's invoice with items: null as an invoice without lines", () => {
    // Act
    const invoice = invoiceSchema.parse(newJobInvoice);
    // Assess
    expect(invoice.items).toEqual([]);
    expect(invoice).toMatchObject({ id: 71_001, subTotal: "0.00", total: "0.00", job: { id: 70_001 } });
  });

  it("reads money strings and a missing item list the same way", () => {
    // Prepare
    const { items: _none, ...withoutItems } = newJobInvoice;
    // Act
    const invoice = invoiceSchema.parse({ ...withoutItems, subTotal: null, total: "12.50" });
    // Assess
    expect(invoice).toMatchObject({ items: [], subTotal: "0", total: "12.50" });
  });
});
