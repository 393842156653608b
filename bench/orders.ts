/**
 * Deterministic, obviously fake orders for the benchmarks: the same index always gives the same
 * order, so every run sends the same bodies and the call counts repeat exactly. Names are "Testy
 * Bench…" / "Sample Regular…", emails `@example.test`, phones in the fictional 555-01xx range
 * (the area code varies so that more than 100 distinct numbers exist; the worker only checks that a
 * number is *possible*, see `lib/normalize/phone.ts`).
 *
 * Returning customers come from a pool seeded into the sandbox before the run (`returningPoolSeed`),
 * already carrying every product tag, so a returning order never has tags to add and never races
 * another order of the same person: its calls don't depend on timing.
 */
import type { OrderEventInput } from "../lib/order/event-schema.ts";
import type { SeedCustomer } from "../sandbox/seed.ts";
import { seedIds } from "../sandbox/seed.ts";

export const benchStore = "bench-store";

/** SKUs the default sandbox seed already has as materials (pre-warmed into every container's cache). */
export const knownSkus = [
  { sku: "FLT-16x25x1", name: "Pleated filter 16x25x1 MERV 8", unitPrice: "14.99" },
  { sku: "FLT-20x25x1", name: "Pleated filter 20x25x1 MERV 8", unitPrice: "15.99" },
  { sku: "FLT-16x25x1-M11", name: "Pleated filter 16x25x1 MERV 11", unitPrice: "19.99" },
] as const;

export type BenchLine = OrderEventInput["lines"][number];

/** A membership line (`memberships.plans` of the example config): sells the Filter Club membership. */
export const membershipLine: BenchLine = {
  sku: "PLAN-FILTER-CLUB",
  name: "Filter Club (monthly)",
  quantity: 1,
  unitPrice: "15.00",
};

/** New customer `n`'s subscription order (a membership line sells or renews the membership). */
export function subscriptionOrder(orderId: string, n: number, lines: BenchLine[]): OrderEventInput {
  return { ...newCustomerOrder(orderId, n, lines), purchaseType: "subscription" };
}

/** A line of a SKU no container and no seed has: its first order looks it up and creates it. */
export function newSkuLine(sku: string): BenchLine {
  return { sku, name: `Bench item ${sku}`, quantity: 1, unitPrice: "7.50" };
}

export function knownLine(index: number, quantity = 1): BenchLine {
  const sku = knownSkus[index % knownSkus.length] ?? knownSkus[0];
  return { sku: sku.sku, name: sku.name, quantity, unitPrice: sku.unitPrice };
}

/** 0 → "AAAA", 1 → "AAAB", …: fixed-length letters, so no name is a prefix of another. */
export function letters(n: number, width = 4): string {
  let out = "";
  let rest = n;
  for (let i = 0; i < width; i++) {
    out = String.fromCharCode(97 + (rest % 26)) + out;
    rest = Math.floor(rest / 26);
  }
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/**
 * A fictional number: exchange 555, line 0100–0199, area code `areaBase` + (n / 100 mod `areaSpan`),
 * so `100 × areaSpan` consecutive `n` get distinct numbers.
 */
export function fakePhone(n: number, areaBase: number, areaSpan: number): string {
  const area = areaBase + (Math.floor(n / 100) % areaSpan);
  const line = String(100 + (n % 100)).padStart(4, "0");
  return `(${area}) 555-${line}`;
}

interface BaseOrder {
  orderId: string;
  customer: OrderEventInput["customer"];
  billingAddress: OrderEventInput["billingAddress"];
  serviceAddress?: OrderEventInput["serviceAddress"];
  lines: BenchLine[];
  purchaseType?: OrderEventInput["purchaseType"];
}

/** A product order with fixed placement time; totals derived from the lines. */
export function benchOrder(input: BaseOrder): OrderEventInput {
  let cents = 0;
  for (const line of input.lines) cents += Math.round(Number(line.unitPrice) * 100) * Number(line.quantity);
  const money = (value: number) => (value / 100).toFixed(2);
  return {
    schemaVersion: 1,
    orderId: input.orderId,
    store: benchStore,
    orderType: "product",
    purchaseType: input.purchaseType ?? "one_time",
    placedAt: "2026-11-18T10:00:00-06:00",
    currency: "USD",
    customer: input.customer,
    billingAddress: input.billingAddress,
    ...(input.serviceAddress ? { serviceAddress: input.serviceAddress } : {}),
    lines: input.lines,
    totals: { subtotal: money(cents), tax: "0.00", shipping: "0.00", discount: "0.00", total: money(cents) },
  };
}

/**
 * New customer number `n` (0 ≤ n < 70,000 for distinct phones; area codes 200–899, the pool uses
 * 900–999): nobody in the sandbox has this email, phone, name or address.
 */
export function newCustomerOrder(orderId: string, n: number, lines: BenchLine[]): OrderEventInput {
  return benchOrder({
    orderId,
    customer: {
      firstName: "Testy",
      lastName: `Bench${letters(n)}`,
      email: `testy.bench.${n}@example.test`,
      phone: fakePhone(n, 200, 700),
    },
    billingAddress: { street: `${n + 1} Benchmark Way`, city: "Springfield", state: "IL", zip: "62704" },
    lines,
  });
}

/** Pool ids sit far above the default seed and the sandbox's runtime ids start after them. */
const poolCustomerIdBase = 400_000;
const poolLocationIdBase = 500_000;

function poolPerson(i: number) {
  return {
    firstName: "Sample",
    lastName: `Regular${letters(i)}`,
    email: `sample.regular.${i}@example.test`,
    phone: fakePhone(i, 900, 100),
    address: { street: `${i + 1} Returning Road`, city: "Springfield", state: "IL", zip: "62704" },
  };
}

/**
 * Pool customer `i` as a sandbox seed record: email + phone contacts, one location at the bill-to
 * address, and every tag a product order (one-time or subscription) would add, on both.
 */
export function returningPoolSeed(size: number): SeedCustomer[] {
  const tags = seedIds.tagTypes;
  return Array.from({ length: size }, (_, i) => {
    const person = poolPerson(i);
    const name = `${person.firstName} ${person.lastName}`;
    return {
      id: poolCustomerIdBase + i,
      name,
      address: person.address,
      contacts: [
        { type: "Email", value: person.email },
        { type: "Phone", value: person.phone },
      ],
      tagTypeIds: [tags.productOneTime, tags.productSubscription],
      locations: [
        {
          id: poolLocationIdBase + i,
          name,
          address: person.address,
          tagTypeIds: [tags.onlineStoreLocation, tags.subscriberLocation],
        },
      ],
    };
  });
}

/**
 * An order of pool customer `i` (matched by email, nothing to tag), at the bill-to address unless
 * another `serviceAddress` is given.
 */
export function returningCustomerOrder(
  orderId: string,
  i: number,
  lines: BenchLine[],
  options: { serviceAddress?: OrderEventInput["serviceAddress"] } = {},
): OrderEventInput {
  const person = poolPerson(i);
  return benchOrder({
    orderId,
    customer: { firstName: person.firstName, lastName: person.lastName, email: person.email, phone: person.phone },
    billingAddress: person.address,
    ...(options.serviceAddress ? { serviceAddress: options.serviceAddress } : {}),
    lines,
  });
}

export interface MixOptions {
  /** Orders `n` with `n % newEvery === 0` are new customers; the others are returning (default 2: half). */
  newEvery?: number;
  /** Orders `n` with `n % twoLinesEvery === 0` have two lines, the others one (default 3). */
  twoLinesEvery?: number;
  /** Returning customers cycle through this many pool customers. */
  poolSize: number;
  /** Distinguishes the order ids (and new customers) of different runs against one sandbox. */
  prefix: string;
  /** First new-customer number, so two runs against one sandbox create different people. */
  newCustomerBase?: number;
}

export interface MixedOrder {
  body: string;
  orderKey: string;
  kind: "new" | "returning";
  lines: number;
}

/** Order `n` of a deterministic mix of new and returning customers with 1–2 lines of known SKUs. */
export function mixedOrder(n: number, options: MixOptions): MixedOrder {
  const newEvery = options.newEvery ?? 2;
  const twoLinesEvery = options.twoLinesEvery ?? 3;
  const orderId = `${options.prefix}-${String(n).padStart(6, "0")}`;
  const lines = n % twoLinesEvery === 0 ? [knownLine(n, 2), knownLine(n + 1, 1)] : [knownLine(n, 1 + (n % 4))];
  const isNew = n % newEvery === 0;
  const event = isNew
    ? newCustomerOrder(orderId, (options.newCustomerBase ?? 0) + n, lines)
    : returningCustomerOrder(orderId, n % options.poolSize, lines);
  return {
    body: JSON.stringify(event),
    orderKey: `${benchStore}:${orderId}`,
    kind: isNew ? "new" : "returning",
    lines: lines.length,
  };
}

/**
 * New customer `n` at ZIP 62703 (the sandbox's 6.25 % tax zone; the seeded filters are taxable), paid
 * online, with 5.99 shipping and a 10 % discount. With `taxAsServiceTitan` the store taxed the lines
 * before the discount as ServiceTitan does (totals match); without, after it (a mismatch to flag).
 */
export function paidOnlineOrder(
  orderId: string,
  n: number,
  lines: BenchLine[],
  options: { taxAsServiceTitan: boolean },
): OrderEventInput {
  const base = newCustomerOrder(orderId, n, lines);
  let subtotal = 0;
  for (const line of lines) subtotal += Math.round(Number(line.unitPrice) * 100) * Number(line.quantity);
  const shipping = 599;
  const discount = Math.round(subtotal / 10);
  const tax = Math.round((options.taxAsServiceTitan ? subtotal : subtotal - discount) * 0.0625);
  const total = subtotal + shipping - discount + tax;
  const money = (value: number) => (value / 100).toFixed(2);
  return {
    ...base,
    billingAddress: { ...base.billingAddress, zip: "62703" },
    totals: {
      subtotal: money(subtotal),
      shipping: money(shipping),
      discount: money(discount),
      tax: money(tax),
      total: money(total),
    },
    payment: { method: "card", reference: `ch_bench_${n}`, amount: money(total), paidAt: "2026-11-18T10:00:00-06:00" },
  };
}

/**
 * `newCustomerOrder`'s customer and lines as Shopify's EventBridge source delivers an `orders/paid`
 * (the whole event is the SQS body; `lib/sources/shopify/`): the same work as a contract order plus a
 * payment. Shopify order ids are numeric; `shopifyOrderId` must be one.
 */
export function shopifyPaidEvent(shopifyOrderId: number, n: number, lines: BenchLine[]): Record<string, unknown> {
  const order = newCustomerOrder(String(shopifyOrderId), n, lines);
  const address = {
    first_name: order.customer.firstName,
    last_name: order.customer.lastName,
    company: null,
    address1: order.billingAddress.street,
    address2: null,
    city: order.billingAddress.city,
    province_code: order.billingAddress.state,
    zip: order.billingAddress.zip,
    country_code: "US",
    phone: order.customer.phone,
  };
  const total = order.totals?.total ?? "0.00";
  return {
    version: "0",
    id: `bench-${shopifyOrderId}`,
    "detail-type": "shopifyWebhook",
    source: "aws.partner/shopify.com/1234567/bench",
    account: "123456789012",
    time: "2026-11-18T16:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: {
      metadata: { "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": "bench-store.myshopify.com" },
      payload: {
        id: shopifyOrderId,
        email: order.customer.email,
        created_at: order.placedAt,
        processed_at: order.placedAt,
        currency: "USD",
        financial_status: "paid",
        gateway: "shopify_payments",
        payment_gateway_names: ["shopify_payments"],
        total_price: total,
        total_line_items_price: order.totals?.subtotal,
        total_tax: "0.00",
        total_discounts: "0.00",
        billing_address: address,
        shipping_address: address,
        line_items: order.lines.map((line) => ({
          sku: line.sku,
          name: line.name,
          title: line.name,
          quantity: line.quantity,
          price: line.unitPrice,
          taxable: false,
          discount_allocations: [],
        })),
        shipping_lines: [],
      },
    },
  };
}
