/**
 * WooCommerce REST v3 orders built from the documented schema
 * (woocommerce.github.io/woocommerce-rest-api-docs, "Order properties"), with obviously fake people
 * (Testy McTestface, example.com, 555-01xx), and the webhook deliveries WooCommerce would make of
 * them: the raw body, its `X-WC-Webhook-*` headers and signature.
 */
import { randomUUID } from "node:crypto";
import { wooCommerceSignature } from "../../lib/sources/woocommerce/signature.ts";

type Json = Record<string, unknown>;

let nextId = 7000 + Math.floor(Math.random() * 1000) * 100;

/** A paid order: 2 × 12.50 filters (a 5.00 coupon), a 49.00 tune-up service, 5.99 shipping, tax. */
export function wooOrder(overrides: Json = {}): Json {
  nextId += 1;
  const id = nextId;
  return {
    id,
    parent_id: 0,
    number: String(id),
    order_key: `wc_order_${randomUUID().slice(0, 13)}`,
    created_via: "checkout",
    version: "9.4.0",
    status: "processing",
    currency: "USD",
    date_created: "2026-11-20T09:04:05",
    date_created_gmt: "2026-11-20T15:04:05",
    date_modified: "2026-11-20T09:05:00",
    date_modified_gmt: "2026-11-20T15:05:00",
    discount_total: "5.00",
    discount_tax: "0.00",
    shipping_total: "5.99",
    shipping_tax: "0.00",
    cart_tax: "4.50",
    total: "79.49",
    total_tax: "4.50",
    prices_include_tax: false,
    customer_id: 0,
    customer_note: "Gate code is on file",
    billing: {
      first_name: "Testy",
      last_name: "McTestface",
      company: "",
      address_1: "742 Example Lane",
      address_2: "Apt 2",
      city: "Springfield",
      state: "IL",
      postcode: "62703",
      country: "US",
      email: "testy.mctestface@example.com",
      phone: "(555) 010-0142",
    },
    shipping: {
      first_name: "Testy",
      last_name: "McTestface",
      company: "",
      address_1: "1 Fixture Court",
      address_2: "",
      city: "Springfield",
      state: "IL",
      postcode: "62704",
      country: "US",
      phone: "",
    },
    payment_method: "stripe",
    payment_method_title: "Credit Card (Stripe)",
    transaction_id: "pi_test_000111",
    date_paid: "2026-11-20T09:04:30",
    date_paid_gmt: "2026-11-20T15:04:30",
    date_completed: null,
    date_completed_gmt: null,
    cart_hash: "0f1e2d",
    meta_data: [],
    line_items: [
      {
        id: 31,
        name: "Pleated filter 16x25x1 MERV 11",
        product_id: 93,
        variation_id: 0,
        quantity: 2,
        tax_class: "",
        subtotal: "25.00",
        subtotal_tax: "1.56",
        total: "20.00",
        total_tax: "1.25",
        taxes: [],
        meta_data: [],
        sku: "FLT-16x25x1-M11",
        price: 10,
      },
      {
        id: 32,
        name: "Furnace tune-up",
        product_id: 94,
        variation_id: 0,
        quantity: 1,
        tax_class: "",
        subtotal: "49.00",
        subtotal_tax: "3.25",
        total: "49.00",
        total_tax: "3.25",
        taxes: [],
        meta_data: [],
        sku: "SVC-TUNEUP",
        price: 49,
      },
    ],
    tax_lines: [{ id: 41, rate_code: "US-IL-TAX-1", rate_id: 1, label: "Tax", compound: false, tax_total: "4.50" }],
    shipping_lines: [{ id: 51, method_title: "Flat rate", method_id: "flat_rate", total: "5.99", total_tax: "0.00" }],
    fee_lines: [],
    coupon_lines: [{ id: 61, code: "tenoff", discount: "5.00", discount_tax: "0.00" }],
    refunds: [],
    set_paid: false,
    ...overrides,
  };
}

/** Merges into the order's `billing` (or `shipping`) without restating the rest. */
export function withBilling(order: Json, billing: Json): Json {
  return { ...order, billing: { ...(order.billing as Json), ...billing } };
}

export interface Delivery {
  body: Buffer;
  headers: Record<string, string>;
}

export const testStoreUrl = "https://shop.example.com/";
export const testStoreKey = "shop.example.com";

/** What WooCommerce posts for `topic`: the JSON body and its headers, signed with `secret`. */
export function signedDelivery(order: Json, secret: string, topic = "order.created"): Delivery {
  const body = Buffer.from(JSON.stringify(order), "utf8");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7)",
      "x-wc-webhook-source": testStoreUrl,
      "x-wc-webhook-topic": topic,
      "x-wc-webhook-resource": "order",
      "x-wc-webhook-event": topic.split(".")[1] ?? "",
      "x-wc-webhook-signature": wooCommerceSignature(body, secret),
      "x-wc-webhook-id": "12",
      "x-wc-webhook-delivery-id": randomUUID(),
    },
  };
}

/** Posts a delivery to the receiver's URL; the status and parsed answer. */
export async function post(url: string, delivery: Delivery): Promise<{ status: number; outcome: unknown }> {
  const response = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body });
  const text = await response.text();
  let outcome: unknown;
  try {
    outcome = (JSON.parse(text) as { outcome?: unknown }).outcome;
  } catch {
    outcome = undefined;
  }
  return { status: response.status, outcome };
}

/** The receiver's envelope around `order`, as the worker receives it. */
export function envelopeOf(order: Json, topic = "order.created"): Json {
  return {
    source: "woocommerce",
    envelopeVersion: 1,
    store: testStoreKey,
    orderId: String(order.id),
    topic,
    deliveryId: randomUUID(),
    receivedAt: "2026-11-20T15:04:31.000Z",
    order,
  };
}
