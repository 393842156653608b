/**
 * A Shopify order (the payload of `orders/paid`, `orders/updated`, `orders/cancelled`) as our order
 * contract's input, then parsed by the contract's own schema so every rule of the contract applies
 * (US address, North American phone, totals that add up, line limits).
 *
 * Every contract field remembers the Shopify field it came from: a contract violation is reported at
 * the Shopify path (`detail.payload.line_items[2].sku`), which is what the store owner can fix.
 *
 * Only fields that stay put after payment are read (not `financial_status` beyond "was it paid", not
 * `current_*` totals, not refunds or fulfillments): Shopify re-sends the order on every change, and a
 * re-send that only refunded or fulfilled must map to the same order, a duplicate.
 */

import { parsePhone } from "../../normalize/phone.ts";
import type { ItemKind } from "../../order/event-schema.ts";
import { centsToDecimal } from "../../order/money.ts";
import { payloadPath } from "./field-path.ts";
import type { ShopifyAddress, ShopifyLineItem, ShopifyOrder } from "./payload-schema.ts";

/** `financial_status` values of an order that was paid in full (later refunds don't undo that it was). */
export const paidFinancialStatuses: ReadonlySet<string> = new Set(["paid", "partially_refunded", "refunded"]);

/** What the mapping needs from the config. */
export interface ShopifyMapping {
  isServiceSku: (sku: string) => boolean;
  isSubscriptionSku: (sku: string) => boolean;
  /** The kind of product (non-service) lines: `product.defaultItemKind`, else material. */
  productItemKind: ItemKind;
}

export interface MappedOrderInput {
  /** The contract's wire shape, to be parsed by `orderEventSchema`. */
  input: Record<string, unknown>;
  /** Contract field path (`lines.2.sku`) → the Shopify path it came from. */
  provenance: ReadonlyMap<string, readonly PropertyKey[]>;
}

/** The contract limits these free-text fields; a longer one is shortened rather than failing the order. */
const paymentMethodMax = 40;
const notesMax = 2000;

export function shopifyOrderToContract(order: ShopifyOrder, store: string, mapping: ShopifyMapping): MappedOrderInput {
  const provenance = new Map<string, readonly PropertyKey[]>();
  const at = (contractPath: string, ...shopifyPath: PropertyKey[]) =>
    provenance.set(contractPath, [...payloadPath, ...shopifyPath]);
  /** The first candidate with a non-blank value; its Shopify path is recorded for `contractPath`. */
  const first = (contractPath: string, candidates: readonly [PropertyKey[], string | undefined][]) => {
    const found = candidates.find(([, value]) => value !== undefined && value.trim() !== "") ?? candidates[0];
    if (found) at(contractPath, ...found[0]);
    return found?.[1];
  };

  at("orderId", "id");
  at("placedAt", order.processed_at ? "processed_at" : "created_at");
  at("currency", "currency");

  const billing = order.billing_address ?? order.shipping_address;
  const billingKey = order.billing_address ? "billing_address" : "shipping_address";
  at("billingAddress", billingKey);
  const customer = {
    firstName: first("customer.firstName", [
      [[billingKey, "first_name"], billing?.first_name],
      [["customer", "first_name"], order.customer?.first_name],
    ]),
    lastName: first("customer.lastName", [
      [[billingKey, "last_name"], billing?.last_name],
      [["customer", "last_name"], order.customer?.last_name],
    ]),
    company: first("customer.company", [[[billingKey, "company"], billing?.company]]),
    email: first("customer.email", [
      [["email"], order.email],
      [["contact_email"], order.contact_email],
      [["customer", "email"], order.customer?.email],
    ]),
    phone: undefined as string | undefined,
  };
  customer.phone = buyerPhone(order, billingKey, customer.email !== undefined && customer.email.trim() !== "", at);
  at("customer", "customer");

  const lines = order.line_items.map((item, index) => {
    for (const field of ["sku", "quantity", "taxable"] as const)
      at(`lines.${index}.${field}`, "line_items", index, field);
    at(`lines.${index}`, "line_items", index);
    at(`lines.${index}.unitPrice`, "line_items", index, "price");
    at(`lines.${index}.name`, "line_items", index, item.name ? "name" : "title");
    return {
      sku: item.sku,
      name: item.name ?? item.title,
      quantity: item.quantity,
      unitPrice: centsToDecimal(item.price),
      itemKind: isService(item, mapping) ? "service" : mapping.productItemKind,
      ...(item.taxable === undefined ? {} : { taxable: item.taxable }),
    };
  });
  at("lines", "line_items");
  const anyService = order.line_items.some((item) => isService(item, mapping));
  const anySubscription = order.line_items.some((item) => isSubscription(item, mapping));

  const input: Record<string, unknown> = {
    schemaVersion: 1,
    orderId: order.id,
    store,
    orderType: anyService ? "service" : "product",
    purchaseType: anySubscription ? "subscription" : "one_time",
    placedAt: order.processed_at ?? order.created_at,
    currency: order.currency,
    customer,
    billingAddress: billing ? address(billing, "billingAddress", billingKey, at) : undefined,
    serviceAddress:
      order.shipping_address && order.billing_address
        ? address(order.shipping_address, "serviceAddress", "shipping_address", at)
        : undefined,
    lines,
    totals: totals(order, at),
    notes: order.note?.slice(0, notesMax),
    payment: payment(order, at),
  };
  at("notes", "note");
  return { input, provenance };
}

type Recorder = (contractPath: string, ...shopifyPath: PropertyKey[]) => void;

/**
 * The buyer's phone: the order's, the billing address's or the customer's, whichever is first a North
 * American number (never the shipping address's: that may be the recipient's, someone else). Shopify's
 * phone fields are free text ("555-555-SHIP", a foreign number): with an e-mail to identify the
 * buyer, an unusable phone is left out rather than holding a paid order back; without one, the first
 * phone given goes to the contract, which names it as the field at fault.
 */
function buyerPhone(order: ShopifyOrder, billingKey: string, hasEmail: boolean, at: Recorder): string | undefined {
  const billing = billingKey === "billing_address" ? order.billing_address : order.shipping_address;
  const candidates = (
    [
      [["phone"], order.phone],
      [[billingKey, "phone"], billing?.phone],
      [["customer", "phone"], order.customer?.phone],
    ] as const
  ).filter(([, value]) => value !== undefined && value.trim() !== "");
  const chosen = candidates.find(([, value]) => value !== undefined && parsePhone(value) !== undefined);
  const reported = chosen ?? (hasEmail ? undefined : candidates[0]);
  if (!reported) return undefined;
  at("customer.phone", ...reported[0]);
  return reported[1];
}

function address(source: ShopifyAddress, contractKey: string, shopifyKey: string, at: Recorder) {
  const fields = {
    street: "address1",
    unit: "address2",
    city: "city",
    state: source.province_code ? "province_code" : "province",
    zip: "zip",
    country: source.country_code ? "country_code" : "country",
  } as const;
  at(contractKey, shopifyKey);
  for (const [contractField, shopifyField] of Object.entries(fields)) {
    at(`${contractKey}.${contractField}`, shopifyKey, shopifyField);
  }
  return Object.fromEntries(
    Object.entries(fields).map(([contractField, shopifyField]) => [contractField, source[shopifyField]]),
  );
}

function isService(item: ShopifyLineItem, mapping: ShopifyMapping): boolean {
  return item.sku !== undefined && mapping.isServiceSku(item.sku);
}

function isSubscription(item: ShopifyLineItem, mapping: ShopifyMapping): boolean {
  const sellingPlan = item.selling_plan_allocation ?? item.selling_plan_id;
  return (
    (sellingPlan !== undefined && sellingPlan !== null) ||
    (item.sku !== undefined && mapping.isSubscriptionSku(item.sku))
  );
}

const sum = (amounts: readonly number[]) => amounts.reduce((total, amount) => total + amount, 0);

function allocated(allocations: readonly { amount: number }[] | undefined): number {
  return sum((allocations ?? []).map((allocation) => allocation.amount));
}

/**
 * The order's totals as the contract states them: subtotal (the lines before discounts), shipping
 * (before shipping discounts), the discount (`total_discounts`: line-level and order-level discounts,
 * which Shopify allocates to lines) and tax, which must add up to `total_price`.
 *
 * Whether `total_discounts` includes discounts on shipping is not stated by Shopify's reference
 * (UNCONFIRMED): when it is short of the discounts allocated to shipping by exactly the amount that
 * makes the totals add up, they are added to it. With `taxes_included` (tax inside the prices) the
 * contract's sum can't be checked, so the subtotal is left out; the invoice read-back still compares
 * the total with ServiceTitan's.
 */
function totals(order: ShopifyOrder, at: Recorder) {
  const linesSubtotal = sum(order.line_items.map((item) => Math.round(item.quantity * item.price)));
  const subtotal = order.total_line_items_price ?? linesSubtotal;
  const shipping = sum((order.shipping_lines ?? []).map((line) => line.price));
  const shippingDiscounts = sum((order.shipping_lines ?? []).map((line) => allocated(line.discount_allocations)));
  const lineDiscounts = sum(
    order.line_items.map((item) =>
      item.discount_allocations ? allocated(item.discount_allocations) : (item.total_discount ?? 0),
    ),
  );
  const tax = order.total_tax ?? 0;
  let discount = order.total_discounts ?? lineDiscounts + shippingDiscounts;
  if (
    shippingDiscounts > 0 &&
    subtotal + shipping - discount + tax !== order.total_price &&
    subtotal + shipping - (discount + shippingDiscounts) + tax === order.total_price
  ) {
    discount += shippingDiscounts;
  }
  at("totals", "total_price");
  at("totals.subtotal", order.total_line_items_price === undefined ? "line_items" : "total_line_items_price");
  at("totals.shipping", "shipping_lines");
  at("totals.discount", order.total_discounts === undefined ? "line_items" : "total_discounts");
  at("totals.tax", "total_tax");
  at("totals.total", "total_price");
  return {
    ...(order.taxes_included ? {} : { subtotal: centsToDecimal(subtotal) }),
    shipping: centsToDecimal(shipping),
    discount: centsToDecimal(discount),
    tax: centsToDecimal(tax),
    total: centsToDecimal(order.total_price),
  };
}

/**
 * What the gateway collected, for a paid order: the order's total, by the gateway Shopify names
 * (`payment_gateway_names`, several for a split payment). The order payload carries no transaction
 * id, so there is no reference. `processed_at` is when Shopify processed the order, which for a paid
 * order is the charge (a manual capture is later and isn't in the payload).
 */
function payment(order: ShopifyOrder, at: Recorder) {
  if (!order.financial_status || !paidFinancialStatuses.has(order.financial_status)) return undefined;
  const gateways = order.payment_gateway_names?.length ? order.payment_gateway_names : [order.gateway ?? "shopify"];
  at("payment", "financial_status");
  at("payment.method", order.payment_gateway_names?.length ? "payment_gateway_names" : "gateway");
  at("payment.amount", "total_price");
  at("payment.paidAt", order.processed_at ? "processed_at" : "created_at");
  return {
    method: gateways.join(", ").slice(0, paymentMethodMax),
    amount: centsToDecimal(order.total_price),
    paidAt: order.processed_at ?? order.created_at,
  };
}
