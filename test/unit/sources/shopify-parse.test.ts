/**
 * Shopify's EventBridge events → our messages, on the real shared Shopify payloads wrapped in the
 * documented envelope and on cases derived from them.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSyncConfigFile } from "../../../lib/config/parse-config.ts";
import type { SyncConfig } from "../../../lib/config/schema.ts";
import { orderKeyFromBody } from "../../../lib/dlq/attributes.ts";
import { InvalidMessageError, PayloadOmittedError, ReasonCode, type SyncError } from "../../../lib/errors.ts";
import { hashOrderPayload } from "../../../lib/ledger/payload-hash.ts";
import type { Order } from "../../../lib/order/event-schema.ts";
import { parseSourceMessage } from "../../../lib/sources/parse-source-message.ts";
import type { SourceMessage } from "../../../lib/sources/source-message.ts";
import { buildOrderBody } from "../../support/order-factory.ts";
import {
  addressesOf,
  exampleShop,
  type Json,
  lineItemsOf,
  paidShopifyOrder,
  sharedShopifyOrder,
  sharedShopifyOrders,
  sharedShopifyRefund,
  shopifyEnvelope,
} from "../../support/shopify-events.ts";

const baseConfig = loadSyncConfigFile(resolve(import.meta.dirname, "../../../local/examples/config.json"));

function withShopify(shopify: Partial<NonNullable<SyncConfig["sources"]["shopify"]>>): SyncConfig {
  return {
    ...baseConfig,
    sources: { shopify: { serviceSkus: [], subscriptionSkus: [], ...shopify } },
  };
}

function parse(topic: string, payload: Json, config: SyncConfig = baseConfig): SourceMessage {
  return parseSourceMessage(JSON.stringify(shopifyEnvelope(topic, payload)), config);
}

function orderOf(message: SourceMessage): Order {
  if (message.kind !== "order") throw new Error(`expected an order, got ${message.kind}`);
  return message.order;
}

function failure(act: () => unknown): SyncError {
  try {
    act();
  } catch (error) {
    return error as SyncError;
  }
  throw new Error("expected an error");
}

/** Personal values of the shared order: none may appear in an error. */
const personal = ["Bob", "Norman", "bob.norman", "Chestnut", "625-1199", "Louisville"];

function expectNoPersonalData(error: SyncError): void {
  const text = JSON.stringify({ message: error.message, details: error.details });
  for (const value of personal) expect(text).not.toContain(value);
}

describe("Shopify orders/paid", () => {
  it("maps the shared order: customer, addresses, lines, totals, store and id", () => {
    // Prepare
    const payload = sharedShopifyOrder();

    // Act
    const order = orderOf(parse("orders/paid", payload));

    // Assess
    expect(order).toMatchObject({
      event: "order.placed",
      orderId: "450789469",
      store: exampleShop,
      orderType: "product",
      purchaseType: "one_time",
      placedAt: "2008-01-10T11:00:00-05:00",
      currency: "USD",
      customer: {
        firstName: "Bob",
        lastName: "Norman",
        email: "bob.norman@hostmail.com",
        phone: { digits: "5556251199" },
      },
      billingAddress: { street: "Chestnut Street 92", city: "Louisville", state: "KY", zip: "40202", country: "US" },
      serviceAddress: { street: "Chestnut Street 92", city: "Louisville", state: "KY", zip: "40202", country: "US" },
      // The discount code TENOFF is listed but total_discounts is 0.00 and the total says it wasn't applied.
      totals: { subtotal: 39800, shipping: 0, discount: 0, tax: 1194, total: 40994 },
    });
    expect(order.customer.company).toBeUndefined();
    expect(order.lines.map((l) => [l.sku, l.name, l.quantity, l.unitPriceCents, l.itemKind])).toEqual([
      ["IPOD2008GREEN", "IPod Nano - 8gb - green", 1, 19900, "material"],
      ["IPOD2008RED", "IPod Nano - 8gb - red", 1, 19900, "material"],
      ["IPOD2008BLACK", "IPod Nano - 8gb - black", 1, 19900, "material"],
    ]);
    // financial_status "authorized": nothing was collected yet.
    expect(order.payment).toBeUndefined();
  });

  it("records the gateway's payment when the order is paid", () => {
    // Act
    const order = orderOf(parse("orders/paid", paidShopifyOrder()));

    // Assess
    expect(order.payment).toEqual({ method: "authorize_net", amountCents: 40994, paidAt: "2008-01-10T11:00:00-05:00" });
  });

  it("reads services and subscriptions from the config's SKU patterns and Shopify's selling plans", () => {
    // Prepare
    const config = withShopify({ serviceSkus: ["IPOD2008BL*"] });
    const payload = paidShopifyOrder((order) => {
      (lineItemsOf(order)[1] as Json).selling_plan_allocation = { selling_plan: { id: 1, name: "Every 3 months" } };
    });

    // Act
    const order = orderOf(parse("orders/paid", payload, config));

    // Assess
    expect(order.orderType).toBe("service");
    expect(order.purchaseType).toBe("subscription");
    expect(order.lines.map((l) => l.itemKind)).toEqual(["material", "material", "service"]);
  });

  it("treats selling_plan_id (API 2026-10) and subscriptionSkus as subscriptions too", () => {
    // Prepare
    const byPlanId = paidShopifyOrder((order) => {
      (lineItemsOf(order)[0] as Json).selling_plan_id = 987654321;
    });

    // Act
    const planned = orderOf(parse("orders/paid", byPlanId));
    const bySku = orderOf(parse("orders/paid", paidShopifyOrder(), withShopify({ subscriptionSkus: ["*RED"] })));
    const neither = orderOf(parse("orders/paid", paidShopifyOrder(), withShopify({ subscriptionSkus: ["RED"] })));

    // Assess
    expect([planned.purchaseType, bySku.purchaseType, neither.purchaseType]).toEqual([
      "subscription",
      "subscription",
      "one_time",
    ]);
  });

  it("maps a company order to a commercial customer", () => {
    // Prepare
    const payload = paidShopifyOrder((order) => {
      (order.billing_address as Json).company = "Example Heating Co";
    });

    // Act
    const order = orderOf(parse("orders/paid", payload));

    // Assess
    expect(order.customer).toMatchObject({ company: "Example Heating Co", firstName: "Bob", lastName: "Norman" });
  });

  it("maps an order without any phone when it has an e-mail", () => {
    // Prepare
    const payload = paidShopifyOrder((order) => {
      for (const address of addressesOf(order)) address.phone = null;
    });

    // Act
    const order = orderOf(parse("orders/paid", payload));

    // Assess
    expect(order.customer.phone).toBeUndefined();
    expect(order.customer.email).toBe("bob.norman@hostmail.com");
  });

  it("takes the first North American phone of the buyer, and leaves an unusable one out when there is an e-mail", () => {
    // Prepare
    const foreignOrderPhone = paidShopifyOrder((order) => {
      order.phone = "+55 77 3488-1234";
    });
    const vanity = paidShopifyOrder((order) => {
      for (const address of addressesOf(order)) address.phone = "555-555-SHIP";
    });

    // Act
    const billingPhone = orderOf(parse("orders/paid", foreignOrderPhone)).customer;
    const noPhone = orderOf(parse("orders/paid", vanity)).customer;

    // Assess
    expect(billingPhone.phone).toEqual({ digits: "5556251199" });
    expect(noPhone.phone).toBeUndefined();
    expect(noPhone.email).toBe("bob.norman@hostmail.com");
  });

  it("keeps a 64-bit order id exact through admin_graphql_api_id, and names id when it can't be", () => {
    // Prepare: the body as Shopify writes it, a 19-digit id that JSON.parse rounds to 820982911946154500.
    const withId = (order: Json) => {
      order.id = "ID-PLACEHOLDER";
    };
    const body = (payload: Json) =>
      JSON.stringify(shopifyEnvelope("orders/paid", payload)).replace('"ID-PLACEHOLDER"', "820982911946154508");
    const withGid = paidShopifyOrder((order) => {
      withId(order);
      order.admin_graphql_api_id = "gid://shopify/Order/820982911946154508";
    });
    const without = paidShopifyOrder(withId);

    // Act
    const order = orderOf(parseSourceMessage(body(withGid), baseConfig));
    const error = failure(() => parseSourceMessage(body(without), baseConfig)) as InvalidMessageError;

    // Assess
    expect(order.orderId).toBe("820982911946154508");
    expect(error.fieldPaths).toEqual(["detail.payload.id"]);
  });

  it("adds shipping, line and order discounts and checks them against total_price", () => {
    // Prepare: 398.00 of lines, 15.00 shipping, 20.00 of discounts (10.00 on a line), 11.94 tax.
    const payload = paidShopifyOrder((order) => {
      order.shipping_lines = [{ code: "Standard", price: "15.00", title: "Standard", discount_allocations: [] }];
      (lineItemsOf(order)[0] as Json).discount_allocations = [{ amount: "10.00", discount_application_index: 0 }];
      order.total_discounts = "20.00";
      order.total_price = "404.94";
    });

    // Act
    const order = orderOf(parse("orders/paid", payload));

    // Assess
    expect(order.totals).toEqual({ subtotal: 39800, shipping: 1500, discount: 2000, tax: 1194, total: 40494 });
  });

  it("counts a shipping discount that total_discounts leaves out when that is what makes the total add up", () => {
    // Prepare: free shipping as a discount on a 15.00 shipping line; total_discounts without it.
    const payload = paidShopifyOrder((order) => {
      order.shipping_lines = [
        { code: "Standard", price: "15.00", title: "Standard", discount_allocations: [{ amount: "15.00" }] },
      ];
      order.total_price = "409.94";
    });

    // Act
    const order = orderOf(parse("orders/paid", payload));

    // Assess
    expect(order.totals).toEqual({ subtotal: 39800, shipping: 1500, discount: 1500, tax: 1194, total: 40994 });
  });
});

describe("Shopify payloads that can't become an order", () => {
  it("names the line of a missing SKU by its Shopify path, without personal data", () => {
    // Prepare
    const payload = paidShopifyOrder((order) => {
      (lineItemsOf(order)[2] as Json).sku = null;
    });

    // Act
    const error = failure(() => parse("orders/paid", payload));

    // Assess
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.reason).toBe(ReasonCode.ContractViolation);
    expect((error as InvalidMessageError).fieldPaths).toEqual(["detail.payload.line_items[2].sku"]);
    expectNoPersonalData(error);
  });

  it("names the Shopify fields of a non-US address and, with no e-mail, a phone outside North America", () => {
    // Prepare
    const payload = paidShopifyOrder((order) => {
      (order.shipping_address as Json).country_code = "CA";
      (order.billing_address as Json).phone = "+55 77 3488-1234";
      order.email = null;
      (order.customer as Json).email = null;
    });

    // Act
    const error = failure(() => parse("orders/paid", payload)) as InvalidMessageError;

    // Assess
    expect([...error.fieldPaths].sort()).toEqual([
      "detail.payload.billing_address.phone",
      "detail.payload.shipping_address.country_code",
    ]);
    expectNoPersonalData(error);
  });

  it("names total_price when the parts don't add up to it", () => {
    // Prepare
    const payload = paidShopifyOrder((order) => {
      order.total_price = "500.00";
    });

    // Act
    const error = failure(() => parse("orders/paid", payload)) as InvalidMessageError;

    // Assess
    expect(error.fieldPaths).toEqual(["detail.payload.total_price"]);
    expect(error.message).toContain("detail.payload.total_price: totals don't add up");
  });

  it("names the e-mail when the order has neither e-mail nor phone", () => {
    // Prepare
    const payload = paidShopifyOrder((order) => {
      order.email = null;
      (order.customer as Json).email = null;
      for (const address of addressesOf(order)) address.phone = null;
    });

    // Act
    const error = failure(() => parse("orders/paid", payload)) as InvalidMessageError;

    // Assess
    expect(error.fieldPaths).toEqual(["detail.payload.email"]);
  });

  it("names line_items when the shared order list's order has none", () => {
    // Prepare: python-api-orders.json's order is a listing without line items.
    const [payload] = sharedShopifyOrders();

    // Act
    const error = failure(() => parse("orders/paid", payload as Json)) as InvalidMessageError;

    // Assess
    expect(error.reason).toBe(ReasonCode.ContractViolation);
    expect(error.fieldPaths).toEqual(["detail.payload.line_items"]);
  });

  it("dead-letters an id-only payload (over Shopify's 1 MB) with its own reason, naming the order", () => {
    // Act
    const error = failure(() => parse("orders/paid", { id: 450789469 }));

    // Assess
    expect(error).toBeInstanceOf(PayloadOmittedError);
    expect(error.reason).toBe("PAYLOAD_OMITTED");
    expect(error.kind).toBe("permanent");
    expect(error.message).toContain(`${exampleShop}:450789469`);
  });

  it("names the envelope's fields when the event is Shopify's but malformed", () => {
    // Prepare
    const event = shopifyEnvelope("orders/paid", sharedShopifyOrder());
    const detail = event.detail as { metadata: Json };
    delete detail.metadata["X-Shopify-Topic"];
    detail.metadata["X-Shopify-Shop-Domain"] = "shop.example.com";
    delete event.account;

    // Act
    const error = failure(() => parseSourceMessage(JSON.stringify(event), baseConfig)) as InvalidMessageError;

    // Assess
    expect([...error.fieldPaths].sort()).toEqual([
      "account",
      "detail.metadata.X-Shopify-Shop-Domain",
      "detail.metadata.X-Shopify-Topic",
    ]);
  });
});

describe("Shopify topics", () => {
  it("maps a refund-only orders/updated re-send to the very same order (a duplicate)", () => {
    // Prepare
    const paid = orderOf(parse("orders/paid", paidShopifyOrder()));
    const refunded = paidShopifyOrder((order) => {
      order.financial_status = "partially_refunded";
      order.updated_at = "2008-01-12T09:30:00-05:00";
      order.refunds = [sharedShopifyRefund()];
    });

    // Act
    const resent = orderOf(parse("orders/updated", refunded));

    // Assess
    expect(hashOrderPayload(resent)).toBe(hashOrderPayload(paid));
  });

  it("ignores orders/updated for an unpaid or cancelled order, and unknown topics", () => {
    // Act
    const unpaid = parse("orders/updated", sharedShopifyOrder());
    const cancelled = parse(
      "orders/updated",
      paidShopifyOrder((o) => (o.cancelled_at = "2008-01-11T10:00:00-05:00")),
    );
    const unknown = parse("products/update", { id: 632910392, title: "IPod Nano - 8gb" });

    // Assess
    expect(unpaid).toEqual({
      kind: "ignored",
      source: "shopify",
      topic: "orders/updated",
      orderKey: `${exampleShop}:450789469`,
    });
    expect(cancelled.kind).toBe("ignored");
    expect(unknown).toEqual({ kind: "ignored", source: "shopify", topic: "products/update" });
  });

  it("maps orders/cancelled to the order with event order.cancelled", () => {
    // Act
    const order = orderOf(
      parse(
        "orders/cancelled",
        paidShopifyOrder((o) => (o.cancelled_at = "2008-01-11T10:00:00-05:00")),
      ),
    );

    // Assess
    expect(order.event).toBe("order.cancelled");
    expect(order.orderId).toBe("450789469");
  });

  it("maps the shared refund (refunds/create) to a refund of its order", () => {
    // Act
    const message = parse("refunds/create", sharedShopifyRefund());

    // Assess
    expect(message).toEqual({
      kind: "refund",
      source: "shopify",
      store: exampleShop,
      orderId: "450789469",
      refundId: "509562969",
      amountCents: 20900,
      currency: "USD",
      refundedAt: "2016-06-20T13:35:06-04:00",
    });
  });

  it("ignores a refund that gave no money back (a restock)", () => {
    // Prepare
    const refund = sharedShopifyRefund();
    refund.transactions = [];

    // Act
    const message = parse("refunds/create", refund);

    // Assess
    expect(message).toMatchObject({ kind: "ignored", topic: "refunds/create", orderKey: `${exampleShop}:450789469` });
  });
});

describe("body sizes", () => {
  it("reads a Shopify event over the contract's 256 KiB, and still refuses a contract body that large", () => {
    // Prepare: ~400 KiB of line properties, as a big real order carries.
    const big = paidShopifyOrder((order) => {
      (lineItemsOf(order)[0] as Json).properties = Array.from({ length: 4000 }, (_, i) => ({
        name: `Engraving line ${i}`,
        value: "x".repeat(80),
      }));
    });
    const bigBody = JSON.stringify(shopifyEnvelope("orders/paid", big));
    const contractBody = JSON.stringify({
      ...JSON.parse(buildOrderBody()),
      notes: undefined,
      padding: "x".repeat(300_000),
    });

    // Act
    const order = orderOf(parseSourceMessage(bigBody, baseConfig));
    const error = failure(() => parseSourceMessage(contractBody, baseConfig));

    // Assess
    expect(Buffer.byteLength(bigBody)).toBeGreaterThan(256 * 1024);
    expect(order.orderId).toBe("450789469");
    expect(error.message).toMatch(/^Message body is too large: .* over the worker's 256 KiB limit$/);
  });

  it("says so when a Shopify order comes without its envelope (a webhook body or an Admin API export)", () => {
    // Act
    const bare = failure(() => parseSourceMessage(JSON.stringify(paidShopifyOrder()), baseConfig));
    const exported = failure(() => parseSourceMessage(JSON.stringify({ order: sharedShopifyOrder() }), baseConfig));
    const listed = failure(() => parseSourceMessage(JSON.stringify({ orders: [paidShopifyOrder()] }), baseConfig));

    // Assess
    for (const error of [bare, exported, listed]) {
      expect(error.reason).toBe(ReasonCode.ContractViolation);
      expect(error.message).toMatch(/^A Shopify order without its EventBridge envelope/);
    }
  });

  it("leaves bodies that aren't Shopify's to the contract", () => {
    // Act
    const message = parseSourceMessage(buildOrderBody(), baseConfig);

    // Assess
    expect(message.source).toBe("contract");
  });
});

describe("the order key of a Shopify event that failed", () => {
  it("is the shop domain and the order id, for the DLQ attribute and the replay filters", () => {
    // Prepare: an order that can't be mapped, and a refund.
    const broken = paidShopifyOrder((order) => {
      (lineItemsOf(order)[0] as Json).sku = null;
    });
    const event = shopifyEnvelope("orders/paid", broken);
    ((event.detail as { metadata: Json }).metadata as Json)["X-Shopify-Shop-Domain"] = "Example-HVAC.myshopify.com";

    // Act
    const orderKey = orderKeyFromBody(JSON.stringify(event));
    const refundKey = orderKeyFromBody(JSON.stringify(shopifyEnvelope("refunds/create", sharedShopifyRefund())));
    const notAShop = orderKeyFromBody(
      JSON.stringify(shopifyEnvelope("orders/paid", broken, { shop: "bob@example.com" })),
    );

    // Assess
    expect(orderKey).toEqual({ store: exampleShop, orderId: "450789469" });
    expect(refundKey).toEqual({ store: exampleShop, orderId: "450789469" });
    expect(notAShop).toBeUndefined();
  });
});
