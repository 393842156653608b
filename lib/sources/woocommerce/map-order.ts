/**
 * A WooCommerce REST v3 order → our `Order`, through the contract's own schema so every rule of the
 * contract (names, US addresses, phone, money, totals adding up) applies to WooCommerce orders too.
 *
 * How the money maps (WooCommerce keeps line amounts excluding tax, whatever `prices_include_tax`):
 * - a line's `unitPrice` is its `subtotal` (before coupons) ÷ `quantity`, rounded to the cent;
 * - `totals.subtotal` is Σ line `subtotal` + Σ positive `fee_lines` (each fee also becomes a line of
 *   the `feeSku` item); a negative fee is a discount;
 * - `totals.discount` is `discount_total` (the coupons, excluding tax) + Σ |negative fees|;
 * - `totals.shipping` is Σ `shipping_lines.total`, `totals.tax` is `total_tax`, `totals.total` is `total`;
 * - a line is `taxable` when its `total_tax` is above zero (left unsaid when the order has no tax).
 * The payment is `total`, paid at `date_paid_gmt` by `payment_method_title`, reference `transaction_id`.
 */
import type { WooCommerceSourceConfig } from "../../config/schema.ts";
import { InvalidMessageError, ReasonCode } from "../../errors.ts";
import { skuGlob } from "../../normalize/sku-glob.ts";
import { type Order, type OrderEventInput, type OrderEventType, orderEventSchema } from "../../order/event-schema.ts";
import { parseMoneyToCents } from "../../order/money.ts";
import { describeIssues, maxReportedIssues } from "../../validation/issues.ts";
import { FieldPaths } from "./field-paths.ts";
import type { RestAddress, RestLineItem, RestOrder } from "./rest-order.ts";

export interface MapContext {
  store: string;
  event: OrderEventType;
  config: WooCommerceSourceConfig;
}

/** The contract's limit on `notes`; a longer customer note is cut, not a reason to lose the order. */
const maxNotesLength = 2000;
/** The contract's limit on `payment.method`. */
const maxMethodLength = 40;

export function mapWooCommerceOrder(order: RestOrder, context: MapContext): Order {
  const paths = new FieldPaths()
    .set("orderId", "id")
    .set("store", "sources.woocommerce.store")
    .set("currency", "currency")
    .set("placedAt", "date_created_gmt")
    .set("notes", "customer_note")
    .set("lines", "line_items")
    .set("totals.subtotal", "line_items")
    .set("totals.shipping", "shipping_lines")
    .set("totals.discount", "discount_total")
    .set("totals.tax", "total_tax")
    .set("totals.total", "total")
    .set("totals", "total")
    .set("payment.method", "payment_method_title")
    .set("payment.reference", "transaction_id")
    .set("payment.amount", "total")
    .set("payment.paidAt", "date_paid_gmt");
  const input = {
    schemaVersion: 1,
    event: context.event,
    orderId: String(order.id),
    store: context.store,
    ...orderKind(order, context.config),
    placedAt: asUtc(order.date_created_gmt),
    currency: order.currency,
    customer: customerOf(order, paths),
    ...addressesOf(order, paths),
    lines: linesOf(order, context.config, paths),
    totals: totalsOf(order),
    notes: notesOf(order),
    payment: paymentOf(order),
  };
  const result = orderEventSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues).map((issue) => ({
    path: paths.translate(issue.path),
    message: issue.message,
  }));
  const fieldPaths = [...new Set(issues.map((issue) => issue.path))].slice(0, maxReportedIssues);
  throw new InvalidMessageError(
    ReasonCode.ContractViolation,
    `WooCommerce order ${order.id} can't be synced: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    fieldPaths,
  );
}

/** WooCommerce's `*_gmt` dates are UTC without an offset ("2026-11-20T15:04:05"). */
export function asUtc(value: string): string;
export function asUtc(value: string | undefined): string | undefined;
export function asUtc(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
}

function customerOf(order: RestOrder, paths: FieldPaths): OrderEventInput["customer"] {
  const { billing, shipping } = order;
  const pick = (field: keyof RestAddress & string, contract: string) => {
    const fromBilling = billing[field];
    if (fromBilling !== undefined || shipping[field] === undefined) {
      paths.set(contract, `billing.${field}`);
      return fromBilling;
    }
    paths.set(contract, `shipping.${field}`);
    return shipping[field];
  };
  return {
    firstName: pick("first_name", "customer.firstName") as string,
    lastName: pick("last_name", "customer.lastName") as string,
    company: pick("company", "customer.company"),
    email: pick("email", "customer.email"),
    phone: pick("phone", "customer.phone"),
  };
}

const addressFields = {
  street: "address_1",
  unit: "address_2",
  city: "city",
  state: "state",
  zip: "postcode",
  country: "country",
} as const;

function hasAddress(address: RestAddress): boolean {
  return address.address_1 !== undefined;
}

function addressOf(address: RestAddress, contract: string, source: "billing" | "shipping", paths: FieldPaths) {
  paths.set(contract, source);
  for (const [ours, theirs] of Object.entries(addressFields)) paths.set(`${contract}.${ours}`, `${source}.${theirs}`);
  return {
    street: address.address_1 as string,
    unit: address.address_2,
    city: address.city as string,
    state: address.state as string,
    zip: address.postcode as string,
    country: address.country,
  };
}

/**
 * Billing is where the invoice goes, shipping where the work is. Stores selling only services often
 * turn the billing address off: then the shipping address is both.
 */
function addressesOf(order: RestOrder, paths: FieldPaths) {
  const { billing, shipping } = order;
  if (!hasAddress(billing) && hasAddress(shipping)) {
    return { billingAddress: addressOf(shipping, "billingAddress", "shipping", paths) };
  }
  return {
    billingAddress: addressOf(billing, "billingAddress", "billing", paths),
    ...(hasAddress(shipping) ? { serviceAddress: addressOf(shipping, "serviceAddress", "shipping", paths) } : {}),
  };
}

function orderKind(order: RestOrder, config: WooCommerceSourceConfig) {
  const skus = order.line_items.map((line) => lineSku(line, config));
  const service = skus.some((sku) => sku !== undefined && matchesAny(sku, config.serviceSkus));
  const subscription =
    order.created_via === "subscription" ||
    skus.some((sku) => sku !== undefined && matchesAny(sku, config.subscriptionSkus));
  return {
    orderType: service ? ("service" as const) : ("product" as const),
    purchaseType: subscription ? ("subscription" as const) : ("one_time" as const),
  };
}

function lineSku(line: RestLineItem, config: WooCommerceSourceConfig): string | undefined {
  const sku = line.sku?.trim();
  if (sku) return sku;
  if (config.missingSku === "reject") return undefined;
  const productId = line.variation_id || line.product_id;
  return productId ? `WC-${productId}` : undefined;
}

function linesOf(order: RestOrder, config: WooCommerceSourceConfig, paths: FieldPaths): Record<string, unknown>[] {
  const orderTaxed = (parseMoneyToCents(order.total_tax ?? 0) ?? 0) > 0;
  const isServiceOrder = orderKind(order, config).orderType === "service";
  const items: Record<string, unknown>[] = order.line_items.map((line, index) => {
    const at = `line_items.${index}`;
    paths
      .set(`lines.${index}`, at)
      .set(`lines.${index}.unitPrice`, `${at}.subtotal`)
      .set(`lines.${index}.taxable`, `${at}.total_tax`);
    const sku = lineSku(line, config);
    const service = sku !== undefined && matchesAny(sku, config.serviceSkus);
    const lineTax = parseMoneyToCents(line.total_tax ?? 0) ?? 0;
    return {
      sku: sku ?? "",
      name: line.name,
      quantity: line.quantity,
      unitPrice: unitPriceOf(line),
      ...(service ? { itemKind: "service" } : isServiceOrder ? { itemKind: "material" } : {}),
      ...(orderTaxed ? { taxable: lineTax > 0 } : {}),
    };
  });
  for (const [index, fee] of order.fee_lines.entries()) {
    const cents = parseMoneyToCents(fee.total ?? 0);
    if (cents !== undefined && cents <= 0) continue; // zero, or a discount (in totals.discount)
    const line = `lines.${items.length}`;
    paths
      .set(line, `fee_lines.${index}`)
      .set(`${line}.unitPrice`, `fee_lines.${index}.total`)
      .set(`${line}.sku`, "sources.woocommerce.feeSku");
    items.push({
      sku: config.feeSku,
      name: fee.name ?? "Fee",
      quantity: 1,
      unitPrice: cents === undefined ? fee.total : centsText(cents),
      itemKind: "service",
      ...(orderTaxed ? { taxable: (parseMoneyToCents(fee.total_tax ?? 0) ?? 0) > 0 } : {}),
    });
  }
  return items;
}

/** `subtotal` ÷ `quantity` in cents; a value that isn't money is passed on for the contract to name. */
function unitPriceOf(line: RestLineItem): string | number | undefined {
  const subtotal = line.subtotal ?? line.total;
  if (subtotal === undefined) return undefined;
  const cents = parseMoneyToCents(subtotal);
  if (cents === undefined || !(line.quantity > 0)) return subtotal;
  return centsText(Math.round(cents / line.quantity));
}

function totalsOf(order: RestOrder) {
  const cents = (value: string | number | undefined) => parseMoneyToCents(value ?? 0);
  const lineSubtotals = order.line_items.map((line) => cents(line.subtotal ?? line.total));
  const fees = order.fee_lines.map((fee) => cents(fee.total));
  const shipping = order.shipping_lines.length
    ? order.shipping_lines.map((line) => cents(line.total))
    : [cents(order.shipping_total)];
  const discount = cents(order.discount_total);
  const all = [...lineSubtotals, ...fees, ...shipping, discount];
  // Amounts that aren't money are named by the line they belong to (lines.N.unitPrice); no totals then.
  if (all.some((value) => value === undefined)) return undefined;
  const sum = (values: (number | undefined)[]) => values.reduce<number>((s, v) => s + (v ?? 0), 0);
  const positiveFees = sum(fees.filter((fee) => (fee ?? 0) > 0));
  const negativeFees = -sum(fees.filter((fee) => (fee ?? 0) < 0));
  return {
    subtotal: centsText(sum(lineSubtotals) + positiveFees),
    shipping: centsText(sum(shipping)),
    discount: centsText((discount ?? 0) + negativeFees),
    tax: order.total_tax ?? "0",
    total: order.total,
  };
}

function notesOf(order: RestOrder): string | undefined {
  const coupons = order.coupon_lines.map((coupon) => coupon.code).filter((code) => code !== undefined);
  const parts = [order.customer_note, coupons.length ? `Coupons: ${coupons.join(", ")}` : undefined].filter(
    (part) => part !== undefined,
  );
  if (parts.length === 0) return undefined;
  const characters = Array.from(parts.join("\n\n"));
  return characters.length > maxNotesLength
    ? `${characters.slice(0, maxNotesLength - 1).join("")}…`
    : characters.join("");
}

/** Only a paid order (a `date_paid_gmt`) with money collected carries a payment. */
function paymentOf(order: RestOrder) {
  const paidAt = order.date_paid_gmt ? asUtc(order.date_paid_gmt) : withOffset(order.date_paid);
  if (paidAt === undefined || order.total === undefined || parseMoneyToCents(order.total) === 0) return undefined;
  const title = order.payment_method_title ?? order.payment_method ?? "WooCommerce";
  return {
    method: Array.from(title.trim()).slice(0, maxMethodLength).join(""),
    reference: order.transaction_id,
    amount: order.total,
    paidAt,
  };
}

/** `date_paid` is site-local; only usable when it carries its offset. */
function withOffset(value: string | undefined): string | undefined {
  return value !== undefined && /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : undefined;
}

function centsText(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const patternCache = new Map<string, RegExp>();

/** `*` matches any run of characters; everything else matches itself (`lib/normalize/sku-glob.ts`). */
export function matchesAny(sku: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    let regex = patternCache.get(pattern);
    if (regex === undefined) {
      regex = skuGlob(pattern);
      patternCache.set(pattern, regex);
    }
    return regex.test(sku);
  });
}
