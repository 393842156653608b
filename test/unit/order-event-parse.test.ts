/** The order contract on valid bodies: the documented example, defaults, money, phones, folding. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidMessageError } from "../../lib/errors.ts";
import { parseOrderMessage } from "../../lib/order/parse-message.ts";
import { buildOrderBody, buildOrderEvent, serviceOrder } from "../support/order-factory.ts";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const contractPath = path.resolve(repoRoot, "../shared/contracts/order-event.md");
const contractPresent = existsSync(contractPath);
if (!contractPresent) console.warn(`Order contract not found at ${contractPath}: contract example test skipped`);

/** The first ```json block of the contract document (read in place: the contract isn't copied into the repo). */
function contractExample(): string {
  const match = /```json\n([\s\S]*?)\n```/.exec(readFileSync(contractPath, "utf8"));
  if (!match?.[1]) throw new Error("The contract has no ```json example block");
  return match[1];
}

function unitPrices(prices: (string | number)[]): number[] {
  const body = buildOrderBody({
    lines: prices.map((unitPrice, i) => ({ sku: `TEST-SKU-${i}`, name: `Test item ${i}`, quantity: 1, unitPrice })),
    totals: undefined,
  });
  return parseOrderMessage(body).lines.map((line) => line.unitPriceCents);
}

describe("the contract's example", () => {
  it.skipIf(!contractPresent)("parses into the domain order", () => {
    // Prepare
    const body = contractExample();

    // Act
    const order = parseOrderMessage(body);

    // Assess
    expect(order).toMatchObject({
      schemaVersion: 1,
      orderId: "1042",
      store: "acme-filters",
      orderType: "product",
      purchaseType: "subscription",
      currency: "USD",
      billingAddress: { unit: "Apt 2", state: "IL", zip: "62704", country: "US" },
      lines: [{ sku: "FLT-16x25x1-M11", quantity: 4, unitPriceCents: 1250, itemKind: "material" }],
      totals: { subtotal: 5000, tax: 313, shipping: 0, discount: 0, total: 5313 },
    });
    expect(order.customer.phone).toEqual({ digits: "5552017788" });
    expect(order.serviceAddress).toEqual(order.billingAddress);
  });
});

describe("defaults", () => {
  it("fills store, service address, country and itemKind for a product order", () => {
    // Prepare
    const event = buildOrderEvent({ billingAddress: { country: undefined } });
    delete (event as { store?: string }).store;

    // Act
    const order = parseOrderMessage(JSON.stringify(event));

    // Assess
    expect(order.store).toBe("default");
    expect(order.billingAddress.country).toBe("US");
    expect(order.serviceAddress).toEqual(order.billingAddress);
    expect(order.lines.map((line) => line.itemKind)).toEqual(["material", "material"]);
  });

  it("defaults itemKind to service for a service order, keeps an explicit kind and the service address", () => {
    // Prepare
    const event = serviceOrder({
      lines: [
        { sku: "TEST-SVC-1", name: "Test visit", quantity: 1, unitPrice: "89.00" },
        { sku: "TEST-PART-1", name: "Test part", quantity: 1, unitPrice: "5.00", itemKind: "material" },
      ],
    });

    // Act
    const order = parseOrderMessage(JSON.stringify(event));

    // Assess
    expect(order.lines.map((line) => line.itemKind)).toEqual(["service", "material"]);
    expect(order.serviceAddress).toMatchObject({ city: "Shelbyville", state: "IL", zip: "62565-0101" });
    expect(order.serviceAddress).not.toEqual(order.billingAddress);
    expect(order.requestedWindow).toEqual({ start: "2026-03-09T08:00:00-05:00", end: "2026-03-09T12:00:00-05:00" });
  });

  it("folds country, state and ZIP spellings", () => {
    // Prepare
    const body = buildOrderBody({
      billingAddress: { country: "United States", state: " illinois ", zip: "62704 1234" },
      currency: "usd",
    });

    // Act
    const order = parseOrderMessage(body);

    // Assess
    expect(order.billingAddress).toMatchObject({ country: "US", state: "IL", zip: "62704-1234" });
    expect(order.currency).toBe("USD");
  });

  it("trims and NFC-normalises text", () => {
    // Prepare: "e" + combining acute accent
    const body = buildOrderBody({ customer: { firstName: "  Rene\u0301e  " } });

    // Act
    const order = parseOrderMessage(body);

    // Assess
    expect(order.customer.firstName).toBe("Ren\u00E9e");
  });

  it("accepts right-to-left text, emoji sequences and line breaks where they are legitimate", () => {
    // Prepare
    const body = buildOrderBody({
      customer: { company: "שלום Test Co" },
      notes: "Ring twice 👩‍🔧\nThen wait",
      lines: [
        { sku: "TEST-SKU", name: "Test item", description: "Line one\nLine two", quantity: 1, unitPrice: "1.00" },
      ],
    });

    // Act
    const order = parseOrderMessage(body);

    // Assess
    expect(order.customer.company).toBe("שלום Test Co");
    expect(order.notes).toBe("Ring twice 👩‍🔧\nThen wait");
  });

  it("ignores fields it doesn't know (forward compatible)", () => {
    // Prepare
    const body = JSON.stringify({ ...buildOrderEvent(), channel: "web", loyaltyPoints: 12 });

    // Act
    const order = parseOrderMessage(body);

    // Assess
    expect(order).not.toHaveProperty("channel");
  });
});

describe("money as integer cents", () => {
  it("reads decimal strings and numbers without float error", () => {
    // Act
    const cents = unitPrices(["19.99", 19.99, "12.5", 12.5, "0.10", 0.1, 0.3, 4.35, 1.15, "1000", 0, " 7.00 "]);

    // Assess: 19.99 * 100 and 4.35 * 100 are not integers in binary floating point
    expect(cents).toEqual([1999, 1999, 1250, 1250, 10, 10, 30, 435, 115, 100000, 0, 700]);
  });

  it.each([
    ["a negative number", -5],
    ["a negative decimal string", "-5.25"],
    ["a negative string with spaces", " -0.01"],
  ])("rejects %s as a unit price, pointing to totals.discount", (_label, unitPrice) => {
    // Prepare
    const body = buildOrderBody({ lines: [{ sku: "TEST-SKU-0", name: "Test item", quantity: 1, unitPrice }] });

    // Act
    const attempt = () => parseOrderMessage(body);

    // Assess
    expect(attempt).toThrow(InvalidMessageError);
    expect(attempt).toThrow(/lines\.0\.unitPrice: Must not be negative: a discount belongs in totals\.discount/);
    expect(() => parseOrderMessage(body)).toThrow(
      expect.objectContaining({ kind: "permanent", fieldPaths: ["lines.0.unitPrice"] }),
    );
  });

  it.each([
    ["1.005", "1.005"],
    ["0.1 + 0.2", 0.1 + 0.2],
    ["19.999 as a number", 19.999],
    ["a thousands separator", "1,000.00"],
    ["a currency sign", "$19.99"],
    ["exponent notation", "1e3"],
  ])("rejects %s", (_label, unitPrice) => {
    // Prepare
    const body = buildOrderBody({
      lines: [{ sku: "TEST-SKU", name: "Test item", quantity: 1, unitPrice }],
      totals: undefined,
    });

    // Act
    const parse = () => parseOrderMessage(body);

    // Assess
    expect(parse).toThrow(InvalidMessageError);
    expect(() => parse()).toThrow(/lines\.0\.unitPrice/);
  });
});

describe("phones", () => {
  it.each([
    ["+1 (555) 010-0101 ext. 3", { digits: "5550100101", extension: "3" }],
    ["555.010.0102", { digits: "5550100102" }],
    ["1-555-010-0103", { digits: "5550100103" }],
    ["5550100104 x12", { digits: "5550100104", extension: "12" }],
    ["(555) 010-0105", { digits: "5550100105" }],
    ["+15550100106", { digits: "5550100106" }],
  ])("reads %j", (phone, expected) => {
    // Prepare
    const body = buildOrderBody({ customer: { phone } });

    // Act
    const order = parseOrderMessage(body);

    // Assess
    expect(order.customer.phone).toEqual(expected);
  });

  it("accepts an order with only an email or only a phone", () => {
    // Prepare
    const emailOnly = buildOrderBody({ customer: { phone: undefined } });
    const phoneOnly = buildOrderBody({ customer: { email: undefined } });

    // Act
    const fromEmail = parseOrderMessage(emailOnly);
    const fromPhone = parseOrderMessage(phoneOnly);

    // Assess
    expect(fromEmail.customer.phone).toBeUndefined();
    expect(fromEmail.customer.email).toBe("testy.mctestface@example.com");
    expect(fromPhone.customer.email).toBeUndefined();
    expect(fromPhone.customer.phone).toEqual({ digits: "5550100142" });
  });
});

describe("optional fields sent as null or empty string", () => {
  it("reads them as absent, as storefront exports send them", () => {
    // Prepare
    const event = buildOrderEvent();
    const body = JSON.stringify({
      ...event,
      notes: null,
      serviceAddress: null,
      customer: { ...event.customer, company: "", phone: null },
      billingAddress: { ...event.billingAddress, unit: "" },
      lines: event.lines.map((line) => ({ ...line, description: null })),
    });

    // Act
    const order = parseOrderMessage(body);

    // Assess
    expect(order.notes).toBeUndefined();
    expect(order.customer.company).toBeUndefined();
    expect(order.customer.phone).toBeUndefined();
    expect(order.billingAddress.unit).toBeUndefined();
    expect(order.serviceAddress).toEqual(order.billingAddress);
    expect(order.lines[0]?.description).toBeUndefined();
  });

  it("still requires email or phone when both are null", () => {
    // Prepare
    const event = buildOrderEvent();
    const body = JSON.stringify({ ...event, customer: { ...event.customer, email: null, phone: "" } });

    // Act + Assess
    expect(() => parseOrderMessage(body)).toThrow(/customer\.email/);
  });
});
