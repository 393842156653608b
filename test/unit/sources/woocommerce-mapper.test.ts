/**
 * Issue 14: WooCommerce REST v3 orders (built from the documented schema) map to our order through
 * the contract, statuses decide what a message is, and a bad order names the WooCommerce field.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSyncConfigFile } from "../../../lib/config/parse-config.ts";
import { defaultWooCommerceSource, type SourcesConfig } from "../../../lib/config/schema.ts";
import { InvalidMessageError, isPermanent } from "../../../lib/errors.ts";
import { parseSourceMessage } from "../../../lib/sources/parse-source-message.ts";
import type { SourceMessage } from "../../../lib/sources/source-message.ts";
import { storeKeyFromUrl } from "../../../lib/sources/woocommerce/store-key.ts";
import { fakePerson } from "../../support/order-factory.ts";
import { envelopeOf, withBilling, wooOrder } from "../../support/woocommerce.ts";

const sources = (woocommerce: Partial<typeof defaultWooCommerceSource> = {}): SourcesConfig => ({
  woocommerce: { ...defaultWooCommerceSource, serviceSkus: ["SVC-*"], ...woocommerce },
});

const baseConfig = loadSyncConfigFile(resolve(import.meta.dirname, "../../../local/examples/config.json"));

function parse(body: object, config: SourcesConfig = sources()): SourceMessage {
  return parseSourceMessage(JSON.stringify(body), { ...baseConfig, sources: config });
}

function orderOf(message: SourceMessage) {
  if (message.kind !== "order") throw new Error(`expected an order, got ${message.kind}`);
  return message.order;
}

function failure(body: object, config: SourcesConfig = sources()): InvalidMessageError {
  try {
    parse(body, config);
  } catch (error) {
    if (error instanceof InvalidMessageError) return error;
    throw error;
  }
  throw new Error("expected an InvalidMessageError");
}

describe("WooCommerce order → our order", () => {
  it("maps customer, addresses, lines, money and payment of a paid order in the receiver's envelope", () => {
    // Prepare
    const order = wooOrder();

    // Act
    const message = parse(envelopeOf(order));

    // Assess
    expect(message.source).toBe("woocommerce");
    const mapped = orderOf(message);
    expect(mapped).toMatchObject({
      event: "order.placed",
      orderId: String(order.id),
      store: "shop.example.com",
      orderType: "service",
      purchaseType: "one_time",
      placedAt: "2026-11-20T15:04:05Z",
      currency: "USD",
      customer: { firstName: fakePerson.firstName, lastName: fakePerson.lastName, email: fakePerson.email },
      billingAddress: { street: fakePerson.street, unit: "Apt 2", city: "Springfield", state: "IL", zip: "62703" },
      serviceAddress: { street: fakePerson.serviceStreet, zip: "62704" },
      totals: { subtotal: 7400, shipping: 599, discount: 500, tax: 450, total: 7949 },
      payment: {
        method: "Credit Card (Stripe)",
        reference: "pi_test_000111",
        amountCents: 7949,
        paidAt: "2026-11-20T15:04:30Z",
      },
    });
    expect(mapped.customer.phone?.digits).toBe("5550100142");
    expect(mapped.lines.map((l) => [l.sku, l.quantity, l.unitPriceCents, l.itemKind, l.taxable])).toEqual([
      ["FLT-16x25x1-M11", 2, 1250, "material", true],
      ["SVC-TUNEUP", 1, 4900, "service", true],
    ]);
    expect(mapped.notes).toBe("Gate code is on file\n\nCoupons: tenoff");
  });

  it("reads a bare REST order (an export) with the store from its _links, detected per message", () => {
    // Prepare
    const order = wooOrder({
      _links: { self: [{ href: "https://Shop.Example.com/wp-json/wc/v3/orders/1" }], collection: [] },
    });

    // Act
    const mapped = orderOf(parse(order));

    // Assess
    expect(mapped.store).toBe("shop.example.com");
    expect(mapped.orderId).toBe(String(order.id));
  });

  it("asks for sources.woocommerce.store when a bare order names no site; a configured store wins", () => {
    const order = wooOrder();
    expect(failure(order).fieldPaths).toEqual(["_links.self"]);
    expect(orderOf(parse(order, sources({ store: "acme-shop" }))).store).toBe("acme-shop");
  });

  it("keeps our contract and other bodies for the other readers", () => {
    expect(() => parse({ schemaVersion: 1, orderId: "X" })).toThrow(/contract/);
  });

  it("is a product order without service SKUs, and a subscription by SKU pattern or by WooCommerce Subscriptions", () => {
    const plain = orderOf(parse(envelopeOf(wooOrder()), sources({ serviceSkus: [] })));
    expect([plain.orderType, plain.purchaseType, plain.lines.map((l) => l.itemKindSource)]).toEqual([
      "product",
      "one_time",
      ["default", "default"],
    ]);
    const bySku = orderOf(parse(envelopeOf(wooOrder()), sources({ subscriptionSkus: ["FLT-*"] })));
    expect(bySku.purchaseType).toBe("subscription");
    const renewal = orderOf(parse(envelopeOf(wooOrder({ created_via: "subscription" }))));
    expect(renewal.purchaseType).toBe("subscription");
  });

  it("gives a line without SKU its product's key, or rejects it naming line_items.N.sku", () => {
    // Prepare
    const base = wooOrder();
    const lines = base.line_items as Record<string, unknown>[];
    const order = { ...base, line_items: [{ ...lines[0], sku: "", variation_id: 95 }, lines[1]] };

    // Act / Assess
    expect(orderOf(parse(envelopeOf(order))).lines[0]?.sku).toBe("WC-95");
    expect(failure(envelopeOf(order), sources({ missingSku: "reject" })).fieldPaths).toEqual(["line_items.0.sku"]);
  });

  it("turns a positive fee into a fee line and a negative fee into discount; totals still add up", () => {
    // Prepare: +10.00 installation fee (taxed 0.63), −3.00 loyalty fee.
    const order = wooOrder({
      fee_lines: [
        { id: 71, name: "Installation", tax_status: "taxable", total: "10.00", total_tax: "0.63" },
        { id: 72, name: "Loyalty", tax_status: "none", total: "-3.00", total_tax: "0.00" },
      ],
      total_tax: "5.13",
      total: "87.12",
    });

    // Act
    const mapped = orderOf(parse(envelopeOf(order)));

    // Assess
    expect(mapped.lines.at(-1)).toMatchObject({
      sku: "WC-FEE",
      name: "Installation",
      unitPriceCents: 1000,
      taxable: true,
    });
    expect(mapped.totals).toEqual({ subtotal: 8400, shipping: 599, discount: 800, tax: 513, total: 8712 });
  });

  it("rounds a unit price that isn't whole cents (subtotal ÷ quantity)", () => {
    const base = wooOrder();
    const lines = base.line_items as Record<string, unknown>[];
    // 3 for 10.00 (a 5.00 coupon): the order's total drops by the 15.00 the line no longer costs.
    const order = {
      ...base,
      total: "64.49",
      line_items: [{ ...lines[0], quantity: 3, subtotal: "10.00", total: "5.00" }, lines[1]],
    };
    expect(orderOf(parse(envelopeOf(order))).lines[0]?.unitPriceCents).toBe(333);
  });

  it("uses the shipping address for billing too when the store collects none", () => {
    const order = withBilling(wooOrder(), { address_1: "", address_2: "", city: "", state: "", postcode: "" });
    const mapped = orderOf(parse(envelopeOf(order)));
    expect(mapped.billingAddress.street).toBe(fakePerson.serviceStreet);
    expect(mapped.serviceAddress.street).toBe(fakePerson.serviceStreet);
  });
});

describe("what a WooCommerce status means", () => {
  it.each([["pending"], ["on-hold"], ["failed"], ["checkout-draft"]])("%s is acknowledged and ignored", (status) => {
    const order = wooOrder({ status, date_paid_gmt: null, date_paid: null });
    expect(parse(envelopeOf(order))).toEqual({
      kind: "ignored",
      source: "woocommerce",
      topic: `woocommerce:status:${status}`,
      orderKey: `shop.example.com:${order.id}`,
    });
  });

  it("paid statuses are configurable", () => {
    const order = wooOrder({ status: "on-hold" });
    expect(parse(envelopeOf(order)).kind).toBe("ignored");
    expect(parse(envelopeOf(order), sources({ paidStatuses: ["on-hold"] })).kind).toBe("order");
  });

  it("cancelled after payment cancels the order; cancelled unpaid (stock hold timed out) is ignored", () => {
    expect(orderOf(parse(envelopeOf(wooOrder({ status: "cancelled" })))).event).toBe("order.cancelled");
    const unpaid = parse(envelopeOf(wooOrder({ status: "cancelled", date_paid_gmt: null, date_paid: null })));
    expect(unpaid).toMatchObject({ kind: "ignored", topic: "woocommerce:status:cancelled-unpaid" });
  });

  it("a paid order with refunds is a refund of everything refunded so far, named by its refunds", () => {
    // Prepare
    const order = wooOrder({
      refunds: [
        { id: 102, reason: "", total: "-5.99" },
        { id: 101, reason: "", total: "-10.00" },
      ],
    });

    // Act
    const message = parse(envelopeOf(order, "order.updated"));

    // Assess
    expect(message).toEqual({
      kind: "refund",
      source: "woocommerce",
      store: "shop.example.com",
      orderId: String(order.id),
      refundId: "101+102",
      amountCents: 1599,
      currency: "USD",
      refundedAt: "2026-11-20T15:05:00Z",
    });
  });

  it("refunded in full without listed refunds is a refund of the total", () => {
    const message = parse(envelopeOf(wooOrder({ status: "refunded" })));
    expect(message).toMatchObject({ kind: "refund", refundId: "full", amountCents: 7949 });
  });

  it("topics other than order.created/order.updated are ignored", () => {
    const message = parse(envelopeOf(wooOrder(), "order.deleted"));
    expect(message).toMatchObject({ kind: "ignored", topic: "woocommerce:order.deleted" });
  });
});

describe("a WooCommerce order that can't be synced", () => {
  it.each([
    ["billing.email", withBilling(wooOrder(), { email: "not-an-address" })],
    ["billing.phone", withBilling(wooOrder(), { phone: "12", email: "" })],
    ["billing.country", withBilling(wooOrder(), { country: "CA" })],
    ["billing.postcode", withBilling(wooOrder(), { postcode: "K1A 0B1" })],
    ["billing.first_name", withBilling(wooOrder({ shipping: {} }), { first_name: "" })],
    ["total", wooOrder({ total: "1.00" })],
    ["line_items", wooOrder({ line_items: [] })],
    [
      "line_items.1.subtotal",
      wooOrder({
        line_items: [
          (wooOrder().line_items as object[])[0],
          { ...(wooOrder().line_items as object[])[1], subtotal: "4.999" },
        ],
      }),
    ],
    ["date_created_gmt", wooOrder({ date_created_gmt: "yesterday" })],
    ["line_items.0.quantity", wooOrder({ line_items: [{ name: "x", sku: "A", quantity: "two" }] })],
  ])("names %s, and no personal data", (field, order) => {
    // Act
    const error = failure(envelopeOf(order));

    // Assess
    expect(error.fieldPaths).toContain(field);
    expect(isPermanent(error)).toBe(true);
    const text = JSON.stringify(error.toSummary());
    for (const value of Object.values(fakePerson)) expect(text).not.toContain(value);
    expect(text).not.toContain("not-an-address");
  });

  it("a malformed envelope names its field", () => {
    const error = failure({ ...envelopeOf(wooOrder()), store: "https://shop.example.com/" });
    expect(error.fieldPaths).toEqual(["store"]);
  });

  it("an envelope whose orderId differs from its order's id is rejected", () => {
    const error = failure({ ...envelopeOf(wooOrder()), orderId: "1" });
    expect(error.fieldPaths).toEqual(["orderId", "order.id"]);
  });
});

describe("store key", () => {
  it.each([
    ["https://shop.example.com/", "shop.example.com"],
    ["http://SHOP.example.com:8080/", "shop.example.com"],
    ["https://example.com/store/", "example.com/store"],
    ["https://example.com/store/wp-json/wc/v3/orders/5", "example.com/store"],
    ["https://example.com/?rest_route=/wc/v3/orders/5", "example.com"],
    ["ftp://example.com/", undefined],
    ["not a url", undefined],
    [42, undefined],
  ])("%s → %s", (url, key) => {
    expect(storeKeyFromUrl(url)).toBe(key);
  });
});
