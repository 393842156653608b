/**
 * The parts of WooCommerce's REST v3 order object (`GET /wp-json/wc/v3/orders/{id}`, and the body of
 * the `order.*` webhooks) that the mapper reads, as documented at
 * woocommerce.github.io/woocommerce-rest-api-docs ("Order properties"). Loose on purpose: the object
 * has many more fields, plugins add their own, and unknown keys must not fail an order. Money comes
 * as decimal strings ("29.35"); dates as `date_*_gmt` without an offset, in UTC.
 *
 * A shape error here names the WooCommerce field (`line_items.0.quantity`), never its value.
 */
import * as z from "zod";

/** Text WooCommerce may send as `null`, `""` or (for codes) a number: absent or a string. */
const text = z
  .union([z.string().max(10_000), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined || value === "" ? undefined : String(value)));

/** A decimal string or number, passed on to the contract's money parser (which names the field). */
const money = z
  .union([z.string().max(32), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined || value === "" ? undefined : value));

const id = z.number().int().nonnegative();

const addressFieldsSchema = z.looseObject({
  first_name: text,
  last_name: text,
  company: text,
  address_1: text,
  address_2: text,
  city: text,
  state: text,
  postcode: text,
  country: text,
  email: text,
  phone: text,
});
/** A missing or `null` address reads as one with every field absent. */
const addressSchema = z.preprocess((value) => value ?? {}, addressFieldsSchema);

const lineItemSchema = z.looseObject({
  id: id.optional(),
  name: text,
  product_id: id.nullish(),
  variation_id: id.nullish(),
  quantity: z.number(),
  sku: text,
  /** Before coupons, excluding tax: the line's price as listed. */
  subtotal: money,
  /** After coupons, excluding tax. */
  total: money,
  total_tax: money,
});

const shippingLineSchema = z.looseObject({ method_title: text, total: money, total_tax: money });
const feeLineSchema = z.looseObject({ name: text, total: money, total_tax: money });
const couponLineSchema = z.looseObject({ code: text, discount: money });
/** A refund as the order lists it: `total` is negative ("-10.00"). */
const refundSchema = z.looseObject({ id: id, reason: text, total: money });

const list = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .nullish()
    .transform((value) => value ?? []);

export const restOrderSchema = z.looseObject({
  id: id.refine((value) => value > 0, { message: "Expected the order's id (a positive integer)" }),
  status: z.string().min(1).max(64),
  currency: z.string().max(8),
  created_via: text,
  date_created_gmt: text,
  date_paid_gmt: text,
  /** Site-local, no offset: read only when `date_paid_gmt` is absent and it carries an offset. */
  date_paid: text,
  date_modified_gmt: text,
  billing: addressSchema,
  shipping: addressSchema,
  line_items: list(lineItemSchema, 1000),
  shipping_lines: list(shippingLineSchema, 100),
  fee_lines: list(feeLineSchema, 100),
  coupon_lines: list(couponLineSchema, 100),
  refunds: list(refundSchema, 1000),
  discount_total: money,
  shipping_total: money,
  total_tax: money,
  total: money,
  payment_method: text,
  payment_method_title: text,
  transaction_id: text,
  customer_note: text,
});

export type RestOrder = z.output<typeof restOrderSchema>;
export type RestLineItem = RestOrder["line_items"][number];
export type RestAddress = RestOrder["billing"];
