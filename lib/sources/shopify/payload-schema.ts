/**
 * The parts of Shopify's webhook payloads this worker reads: the order resource (topics `orders/*`)
 * and the refund resource (`refunds/create`), as Shopify's REST Admin API documents them. Objects are
 * loose (Shopify adds fields in every API version); what is read is typed, so a wrong type is named by
 * its Shopify path. Shopify writes money as decimal strings ("199.00"); it is read into integer cents.
 */
import * as z from "zod";
import { parseMoneyToCents } from "../../order/money.ts";

const money = z.union([z.string().max(32), z.number()]).transform((value, ctx) => {
  const cents = parseMoneyToCents(value);
  if (cents === undefined) {
    ctx.addIssue({ code: "custom", message: "Expected money: a decimal with at most 2 fraction digits" });
    return z.NEVER;
  }
  return cents;
});

/** Shopify ids are 64-bit integers, sent as JSON numbers (all of them below 2^53 so far) or strings. */
export const shopifyId = z
  .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[1-9]\d{0,18}$/)])
  .transform(String);

/**
 * An order's id exactly: Shopify's id is a 64-bit integer, which JSON.parse rounds above 2^53 (Shopify's
 * sample payloads use such ids). `admin_graphql_api_id` (`gid://shopify/Order/<id>`) carries it as text,
 * so it is preferred; a plain id is used when it is exact.
 */
export function exactOrderId(id: unknown, graphqlId: unknown): string | undefined {
  const fromGid =
    typeof graphqlId === "string" ? /^gid:\/\/shopify\/Order\/([1-9]\d{0,18})$/.exec(graphqlId)?.[1] : undefined;
  if (fromGid) return fromGid;
  if (typeof id === "number" && Number.isSafeInteger(id) && id > 0) return String(id);
  if (typeof id === "string" && /^[1-9]\d{0,18}$/.test(id)) return id;
  return undefined;
}

/** `null` and absent mean the same in Shopify's payloads. */
function nullable<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

const text = z.string().max(10_000);

const addressSchema = z.looseObject({
  first_name: nullable(text),
  last_name: nullable(text),
  company: nullable(text),
  address1: nullable(text),
  address2: nullable(text),
  city: nullable(text),
  province: nullable(text),
  province_code: nullable(text),
  zip: nullable(text),
  country: nullable(text),
  country_code: nullable(text),
  phone: nullable(text),
});
export type ShopifyAddress = z.output<typeof addressSchema>;

const discountAllocationSchema = z.looseObject({ amount: money });

const lineItemSchema = z.looseObject({
  sku: nullable(text),
  title: nullable(text),
  name: nullable(text),
  quantity: z.number(),
  price: money,
  taxable: nullable(z.boolean()),
  /** Older API versions: the line's discount as one amount. */
  total_discount: nullable(money),
  discount_allocations: nullable(z.array(discountAllocationSchema)),
  /** A subscription line (Shopify selling plans); `selling_plan_id` since API version 2026-10. */
  selling_plan_allocation: z.unknown().optional(),
  selling_plan_id: z.unknown().optional(),
});
export type ShopifyLineItem = z.output<typeof lineItemSchema>;

const shippingLineSchema = z.looseObject({
  price: money,
  discount_allocations: nullable(z.array(discountAllocationSchema)),
});

export const shopifyOrderSchema = z
  .looseObject({
    id: z.union([z.number(), z.string().max(40)]),
    admin_graphql_api_id: nullable(z.string().max(200)),
    email: nullable(text),
    contact_email: nullable(text),
    phone: nullable(text),
    created_at: z.string().max(64),
    processed_at: nullable(z.string().max(64)),
    cancelled_at: nullable(z.string().max(64)),
    currency: z.string().max(8),
    financial_status: nullable(z.string().max(40)),
    note: nullable(text),
    taxes_included: nullable(z.boolean()),
    total_price: money,
    total_tax: nullable(money),
    total_discounts: nullable(money),
    total_line_items_price: nullable(money),
    gateway: nullable(text),
    payment_gateway_names: nullable(z.array(text)),
    customer: nullable(
      z.looseObject({
        first_name: nullable(text),
        last_name: nullable(text),
        email: nullable(text),
        phone: nullable(text),
      }),
    ),
    billing_address: nullable(addressSchema),
    shipping_address: nullable(addressSchema),
    line_items: z.array(lineItemSchema),
    shipping_lines: nullable(z.array(shippingLineSchema)),
  })
  .transform((order, ctx) => {
    const id = exactOrderId(order.id, order.admin_graphql_api_id);
    if (id === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["id"],
        message: "Expected a positive integer id below 2^53, or admin_graphql_api_id naming the order",
      });
      return z.NEVER;
    }
    return { ...order, id };
  });
export type ShopifyOrder = z.output<typeof shopifyOrderSchema>;

const refundTransactionSchema = z.looseObject({
  amount: money,
  kind: nullable(z.string().max(40)),
  status: nullable(z.string().max(40)),
  currency: nullable(z.string().max(8)),
});

export const shopifyRefundSchema = z.looseObject({
  id: shopifyId,
  order_id: shopifyId,
  created_at: nullable(z.string().max(64)),
  transactions: nullable(z.array(refundTransactionSchema)),
});
export type ShopifyRefund = z.output<typeof shopifyRefundSchema>;
