/**
 * Issue 13: the invoice shows what the customer paid, and that they paid online. Orders with
 * shipping, a discount, tax and a payment go through the real handler into the sandbox, whose tax
 * zone for ZIP 62703 charges 6.25 % on taxable items (seeded filters are taxable; the shipping and
 * discount services are not). Final ServiceTitan state is asserted; every exchange is contract-checked,
 * `Payments_Create` against the March 2026 accounting document.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SyncConfig } from "../../lib/config/schema.ts";
import { BusinessRuleError } from "../../lib/errors.ts";
import { verifyInvoice } from "../../lib/pipeline/invoice-lines.ts";
import { addInvoiceItem, getInvoice } from "../../lib/servicetitan/endpoints/accounting.ts";
import type { RecordOutcome } from "../../lib/worker/process-batch.ts";
import { paidCents, totalCents } from "../../sandbox/invoices.ts";
import { seedIds } from "../../sandbox/seed.ts";
import type { SandboxState } from "../../sandbox/state.ts";
import { buildOrderEvent } from "../support/order-factory.ts";
import { exampleConfig, startWorld, type World } from "../support/world.ts";

const taxedAddress = { city: "Springfield", state: "IL", zip: "62703" };
const tags = seedIds.tagTypes;

/** 4 × 12.50 taxable filters, 5.99 shipping, 5.00 discount, tax as the store computed it. */
function paidOrder(n: number, tax: string, total: string, overrides: { customerTag?: string } = {}) {
  return buildOrderEvent({
    customer: {
      firstName: "Mona",
      lastName: `Money${overrides.customerTag ?? n}`,
      email: `mona.money${n}@example.test`,
      phone: `555-010-02${String(n).padStart(2, "0")}`,
    },
    billingAddress: { street: `${n} Ledger Lane`, ...taxedAddress },
    lines: [{ sku: "FLT-16x25x1-M11", name: "Pleated filter 16x25x1 MERV 11", quantity: 4, unitPrice: "12.50" }],
    totals: { subtotal: "50.00", shipping: "5.99", discount: "5.00", tax, total },
    payment: { method: "card", reference: `ch_test_${n}`, amount: total, paidAt: "2026-11-20T15:04:05-06:00" },
  });
}

function invoiceOf(state: SandboxState, outcome: RecordOutcome | undefined) {
  const job = state.jobs.get(outcome?.progress?.jobId ?? -1);
  const invoice = state.invoices.get(job?.invoiceId ?? -1);
  if (!job || !invoice) throw new Error("the order has no job or invoice in the sandbox");
  return { job, invoice };
}

const skuCode = (state: SandboxState, id: number) =>
  (state.materials.get(id) ?? state.services.get(id) ?? state.equipment.get(id))?.code;

/** The invoice as the worker's client reads it from ServiceTitan (money as ServiceTitan's strings). */
const stRead = (world: World, invoiceId: number) => getInvoice(world.http, invoiceId);

describe("shipping, discount, ServiceTitan's tax and paid online", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("lands lines, shipping and a negative discount line; the total equals the order's; the invoice says paid online", async () => {
    // Prepare: the store taxed the filters at 6.25 % before the discount, as the tax zone does.
    const event = paidOrder(1, "3.13", "54.12");

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    expect(outcome?.status).toBe("synced");
    const state = world.sandbox.state;
    const { job, invoice } = invoiceOf(state, outcome);
    expect(invoice.items.map((i) => [skuCode(state, i.skuId), i.quantity, i.unitPriceCents, i.description])).toEqual([
      ["FLT-16x25x1-M11", 4, 1250, "Pleated filter 16x25x1 MERV 11"],
      ["WEB-SHIPPING", 1, 599, "Shipping"],
      ["WEB-DISCOUNT", 1, -500, "Order discount"],
    ]);
    const read = await stRead(world, invoice.id);
    expect({ subTotal: read?.subTotal, salesTax: read?.salesTax, total: read?.total }).toEqual({
      subTotal: "50.99",
      salesTax: "3.13",
      total: "54.12",
    });
    expect(invoice.summary).toContain(
      `Paid online 2026-11-20, $54.12 (card), test-store order ${event.orderId}, ref ch_test_1`,
    );
    expect(job.tagTypeIds).toContain(tags.paidOnline);
    expect(job.tagTypeIds).not.toContain(tags.invoiceTotalMismatch);
    expect(state.jobNotes.filter((n) => n.jobId === job.id)).toEqual([]);
    expect(state.payments.size).toBe(0);
    expect(outcome?.progress).toMatchObject({ invoiceTotalCents: 5412, totalMismatch: false, paidOnlineNoted: true });
  });

  it("flags, and does not fail, an order whose tax differs from ServiceTitan's", async () => {
    // Prepare: the store taxed after the discount (45.00 × 6.25 % = 2.81); ServiceTitan taxes 50.00.
    const event = paidOrder(2, "2.81", "53.80");

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    expect(outcome?.status).toBe("synced");
    const state = world.sandbox.state;
    const { job } = invoiceOf(state, outcome);
    expect(job.tagTypeIds).toEqual(
      expect.arrayContaining([tags.onlineOrderJob, tags.paidOnline, tags.invoiceTotalMismatch]),
    );
    const notes = state.jobNotes.filter((n) => n.jobId === job.id).map((n) => n.text);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`Online order test-store:${event.orderId}:`);
    expect(notes[0]).toContain("the invoice total $54.12 differs from the order total $53.80");
    expect(notes[0]).toContain("ServiceTitan's sales tax $3.13, the store charged $2.81");
    expect(outcome?.progress).toMatchObject({ totalMismatch: true, invoiceTotalCents: 5412, mismatchTagged: true });
    expect(world.logLines.some((line) => line.includes("Invoice total differs from the order total"))).toBe(true);
  });

  it("verifying the invoice removes a late second copy of the shipping and discount lines; a repriced discount is named", async () => {
    // Prepare: a synced order, then a late write lands a second shipping and discount line beside an office line.
    const [outcome] = await world.sync([paidOrder(8, "3.13", "54.12")]);
    const state = world.sandbox.state;
    const { invoice } = invoiceOf(state, outcome);
    const sources = ["lines.0", "shipping", "discount"];
    const planned = invoice.items.map((item, n) => ({
      source: sources[n] ?? "",
      skuId: item.skuId,
      description: item.description,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
    }));
    const ours = invoice.items.map((item) => [item.skuId, item.quantity, item.unitPriceCents]);
    for (const line of planned.slice(1)) {
      await addInvoiceItem(world.http, invoice.id, {
        skuId: line.skuId,
        description: "late",
        quantity: 1,
        unitPrice: line.unitPriceCents / 100,
      });
    }
    const officeSku = [...state.materials.values()].find((m) => m.active && !planned.some((l) => l.skuId === m.id));
    await addInvoiceItem(world.http, invoice.id, {
      skuId: officeSku?.id ?? 0,
      description: "office",
      quantity: 1,
      unitPrice: 2,
    });

    // Act
    const result = await verifyInvoice(world.http, invoice.id, planned);
    const repriced = planned.map((line) => (line.source === "discount" ? { ...line, unitPriceCents: -600 } : line));
    const mismatch = await verifyInvoice(world.http, invoice.id, repriced).catch((error: unknown) => error);

    // Assess
    expect(result.removed).toBe(2);
    expect(state.invoices.get(invoice.id)?.items.map((i) => [i.skuId, i.quantity, i.unitPriceCents])).toEqual([
      ...ours,
      [officeSku?.id, 1, 200],
    ]);
    // The order's 54.12 plus the office's taxable 2.00 line (6.25 % tax on 52.00 instead of 50.00).
    expect(result.invoice.total).toBe("56.24");
    expect(mismatch).toBeInstanceOf(BusinessRuleError);
    expect((mismatch as BusinessRuleError).details).toMatchObject({ missingLines: ["discount"] });
    expect(state.invoices.get(invoice.id)?.items).toHaveLength(4);
  });

  it("puts a line's taxable flag on the pricebook item it creates", async () => {
    // Prepare
    const event = buildOrderEvent({
      customer: { firstName: "Tad", lastName: "Taxfree", email: "tad.taxfree@example.test", phone: "555-010-0230" },
      billingAddress: { street: "3 Ledger Lane", ...taxedAddress },
      lines: [{ sku: "MONEY-NONTAX-1", name: "Untaxed part", quantity: 2, unitPrice: "10.00", taxable: false }],
    });

    // Act
    const [outcome] = await world.sync([event]);

    // Assess
    const state = world.sandbox.state;
    expect([...state.materials.values()].find((m) => m.code === "MONEY-NONTAX-1")?.taxable).toBe(false);
    expect(outcome?.progress).toMatchObject({ invoiceTotalCents: 2000, totalMismatch: false });
  });

  it("fails an order with shipping permanently, naming the key, when no shipping item is configured", async () => {
    // Prepare
    const config: SyncConfig = exampleConfig();
    const { shippingItem: _none, ...money } = config.money;
    const other = await startWorld({ config: { ...config, money } });
    try {
      const customersBefore = other.sandbox.state.customers.size;

      // Act
      const [outcome] = await other.sync([paidOrder(4, "3.13", "54.12")]);

      // Assess
      expect(outcome?.status).toBe("dead_lettered");
      expect(outcome?.error).toMatchObject({ reason: "CONFIG_INVALID", details: { key: "money.shippingItem" } });
      expect(other.sandbox.state.jobs.size).toBe(0);
      expect(other.sandbox.state.customers.size).toBe(customersBefore);
    } finally {
      await other.stop();
      other.sandbox.assertContract();
    }
  });
});

describe("recording the payment (money.payments.record)", () => {
  const recordingConfig = (): SyncConfig => {
    const config = exampleConfig();
    return { ...config, money: { ...config.money, payments: { record: seedIds.paymentTypes.onlineStore } } };
  };

  it("records one payment split to the invoice, and none more when the order is delivered again", async () => {
    // Prepare
    const world = await startWorld({ config: recordingConfig() });
    try {
      const event = paidOrder(5, "3.13", "54.12");

      // Act
      const [first] = await world.sync([event]);
      const [again] = await world.sync([event]);

      // Assess
      expect([first?.status, again?.status]).toEqual(["synced", "duplicate"]);
      const state = world.sandbox.state;
      const { invoice } = invoiceOf(state, first);
      const payments = [...state.payments.values()];
      expect(payments).toHaveLength(1);
      expect(payments[0]).toMatchObject({
        typeId: seedIds.paymentTypes.onlineStore,
        amountCents: 5412,
        authCode: "ch_test_5",
        splits: [{ invoiceId: invoice.id, amountCents: 5412 }],
      });
      expect((await stRead(world, invoice.id))?.total).toBe("54.12");
      expect(paidCents(state, invoice)).toBe(totalCents(invoice));
      expect(first?.progress?.paymentId).toBe(payments[0]?.id);
    } finally {
      await world.stop();
      world.sandbox.assertContract();
    }
  });

  it("after the endpoint is removed: stops calling it, writes a job note, never fails the order, logs once", async () => {
    // Prepare
    const world = await startWorld({ config: recordingConfig(), session: { runnerConcurrency: 1 } });
    try {
      world.sandbox.state.removedOperations.add("Payments_Create");
      const first = paidOrder(6, "3.13", "54.12");
      const second = paidOrder(7, "3.13", "54.12");

      // Act: one after the other (orders already in flight when the 404 arrives may still try once each)
      const outcomes = [...(await world.sync([first])), ...(await world.sync([second]))];

      // Assess
      expect(outcomes.map((o) => o.status)).toEqual(["synced", "synced"]);
      const state = world.sandbox.state;
      expect(state.payments.size).toBe(0);
      expect(world.sandbox.log.filter((e) => e.method === "POST" && e.path.endsWith("/payments"))).toHaveLength(1);
      for (const outcome of outcomes) {
        const { job, invoice } = invoiceOf(state, outcome);
        expect(outcome.progress?.paymentNotRecorded).toBe("unavailable");
        expect(invoice.summary).toContain("Paid online 2026-11-20, $54.12 (card)");
        const notes = state.jobNotes.filter((n) => n.jobId === job.id).map((n) => n.text);
        expect(notes).toHaveLength(1);
        expect(notes[0]).toContain(
          "Not recorded as a payment (ServiceTitan no longer accepts payments through the API)",
        );
      }
      expect(world.logLines.filter((line) => line.includes("no longer accepts Payments_Create"))).toHaveLength(1);
    } finally {
      await world.stop();
      world.sandbox.assertContract();
    }
  });

  it("with recording off (the default), no payment call is made", async () => {
    // Prepare
    const world = await startWorld();
    try {
      // Act
      const [outcome] = await world.sync([paidOrder(8, "3.13", "54.12")]);

      // Assess
      expect(outcome?.status).toBe("synced");
      expect(world.sandbox.log.some((e) => e.path.endsWith("/payments"))).toBe(false);
      expect(world.sandbox.state.payments.size).toBe(0);
    } finally {
      await world.stop();
      world.sandbox.assertContract();
    }
  });
});
