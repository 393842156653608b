/**
 * The order event contract, version 1 (`shared/contracts/order-event.md`) as a zod schema.
 * Parsing produces the domain `Order`: money in integer cents, phone reduced to its North American
 * national digits, state folded to its USPS code, ZIP to 5 or 5+4 digits, service address defaulted
 * to the billing address, and each line's `itemKind` defaulted by order type.
 *
 * Every string is bounded and checked for control characters (C0, C1), lone surrogates and bidi
 * controls, and identifiers (orderId, store, sku) for invisible format characters: the body comes
 * from a storefront we don't control and ends up in ServiceTitan records and DynamoDB keys.
 */
import * as z from "zod";
import { parsePhone } from "../normalize/phone.ts";
import { toStateCode } from "../normalize/us-states.ts";
import { parseMoneyToCents } from "./money.ts";

/** C0 controls except tab/LF/CR, DEL and the C1 controls (U+0085 NEL is a line break to some readers). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Line breaks and tabs, including the Unicode line/paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const lineBreaks = /[\u000A\u000D\u0009\u2028\u2029]/;
const loneSurrogate = /[\uD800-\uDFFF]/u;
/**
 * Bidi embedding/override/isolate controls: no name or address needs them (right-to-left text
 * renders without them), and they make ServiceTitan's office screens show text in a different
 * order than it is stored ("Trojan Source").
 */
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/;
/**
 * Any invisible format character (zero-width space/joiners, BOM, soft hyphen, bidi marks): an
 * identifier containing one looks identical to another that doesn't, which would split one order
 * (store + orderId is the idempotency key) or one pricebook SKU into two.
 */
const formatCharacters = /\p{Cf}/u;

/**
 * A trimmed, NFC-normalised, well-formed string without control characters (line breaks only where
 * `multiline`; invisible format characters nowhere when `identifier`). Built from string checks
 * rather than a transform so the published JSON Schema keeps `minLength`/`maxLength`.
 */
/**
 * An optional field. Storefront exports often send `null` or `""` for "not given" (an empty unit,
 * no company); both are read as absent rather than failing the whole order.
 */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null || value === "" ? undefined : value), schema.optional());
}

function text(max: number, { min = 1, multiline = false, identifier = false } = {}) {
  return z
    .string()
    .normalize("NFC")
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !loneSurrogate.test(value), { message: "Invalid unicode (lone surrogate)" })
    .refine((value) => !controlCharacters.test(value) && (multiline || !lineBreaks.test(value)), {
      message: "Control characters are not allowed",
    })
    .refine((value) => !bidiControls.test(value), { message: "Bidirectional control characters are not allowed" })
    .refine((value) => !identifier || !formatCharacters.test(value), {
      message: "Invisible format characters are not allowed in identifiers",
    });
}

function toCents(value: string | number, ctx: z.RefinementCtx): number {
  const cents = parseMoneyToCents(value);
  if (cents === undefined) {
    ctx.addIssue({ code: "custom", message: "Expected money: a decimal with at most 2 fraction digits" });
    return z.NEVER;
  }
  return cents;
}

const money = z.union([z.string().max(32), z.number()]).transform(toCents);

/**
 * A line's unit price: never negative. The contract carries a discount in `totals.discount`; a
 * negative price would become a pricebook item priced below zero (reused by later orders of that
 * SKU) and a credit line on the invoice. Expressed as `minimum`/`pattern` so the published JSON
 * Schema rejects it too.
 */
const notNegative = "Must not be negative: a discount belongs in totals.discount";
const unitPrice = z
  .union([
    z
      .string()
      .max(32)
      .regex(/^(?!\s*-)/, notNegative),
    z.number().min(0, notNegative),
  ])
  .transform(toCents);

const isoDateTimeWithOffset = z.iso.datetime({ offset: true });

const stateCode = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const code = toStateCode(value);
    if (!code) {
      ctx.addIssue({ code: "custom", message: "Expected a US state name or 2-letter code" });
      return z.NEVER;
    }
    return code;
  });

const zip = z
  .string()
  .max(12)
  .transform((value, ctx) => {
    const match = /^(\d{5})(?:[-\s]?(\d{4}))?$/.exec(value.trim());
    if (!match) {
      ctx.addIssue({ code: "custom", message: "Expected a 5 or 9 digit ZIP code" });
      return z.NEVER;
    }
    return match[2] ? `${match[1]}-${match[2]}` : (match[1] as string);
  });

const country = z
  .string()
  .max(40)
  .default("US")
  .transform((value, ctx) => {
    const folded = value.trim().toUpperCase().replace(/\./g, "");
    if (folded === "US" || folded === "USA" || folded === "UNITED STATES") return "US" as const;
    ctx.addIssue({ code: "custom", message: "Only US addresses are supported" });
    return z.NEVER;
  });

export const addressSchema = z.object({
  street: text(200),
  unit: optional(text(50)),
  city: text(100),
  state: stateCode,
  zip,
  country,
});

const phone = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const parts = parsePhone(value);
    if (!parts) {
      ctx.addIssue({ code: "custom", message: "Expected a North American phone number" });
      return z.NEVER;
    }
    return parts;
  })
  .meta({ description: 'North American number in any common format; an extension ("x12", "ext. 3") is kept' });

const customerSchema = z
  .object({
    firstName: text(100),
    lastName: text(100),
    company: optional(text(200)),
    email: optional(
      z.string().trim().max(254).regex(z.regexes.email, "Invalid email address").meta({ format: "email" }),
    ),
    phone: optional(phone),
  })
  .refine((customer) => customer.email !== undefined || customer.phone !== undefined, {
    message: "At least one of email or phone is required",
    path: ["email"],
  });

export const itemKinds = ["material", "equipment", "service"] as const;
export type ItemKind = (typeof itemKinds)[number];

const lineSchema = z.object({
  sku: text(64, { identifier: true }),
  name: text(255),
  description: optional(text(2000, { multiline: true })),
  quantity: z.number().positive().max(1_000_000).finite(),
  unitPrice,
  itemKind: z.enum(itemKinds).optional(),
  /**
   * Whether the storefront charged sales tax on this line. ServiceTitan takes taxability from the
   * pricebook item, so this is used when the worker creates the item (an existing item keeps its own
   * setting; a different tax then shows up in the total reconciliation).
   */
  taxable: z.boolean().optional(),
});

/** Money that can't be negative: amounts in `totals` and `payment` are stated as positive numbers. */
const nonNegativeMoney = money.refine((cents) => cents >= 0, { message: "Expected an amount of zero or more" });

const totalsSchema = z.object({
  subtotal: nonNegativeMoney.optional(),
  tax: nonNegativeMoney.optional(),
  shipping: nonNegativeMoney.optional(),
  /** The order-level discount as a positive amount taken off the subtotal. */
  discount: nonNegativeMoney.optional(),
  total: nonNegativeMoney.optional(),
});

/**
 * What the storefront's payment gateway collected. ServiceTitan otherwise shows the invoice as an
 * open balance for money the store already has.
 */
const paymentSchema = z.object({
  /** How the customer paid, as the storefront names it ("card", "paypal", "apple_pay"). */
  method: text(40),
  /** The gateway's transaction reference (charge or capture id). */
  reference: optional(text(128, { identifier: true })),
  amount: nonNegativeMoney,
  paidAt: isoDateTimeWithOffset,
});

export const supportedSchemaVersion = 1;

export const OrderEventType = { Placed: "order.placed", Cancelled: "order.cancelled" } as const;
export type OrderEventType = (typeof OrderEventType)[keyof typeof OrderEventType];

/** The wire shape: what storefronts publish. `orderEventSchema.parse` yields the domain `Order`. */
export const orderEventSchema = z
  .object({
    schemaVersion: z.literal(supportedSchemaVersion),
    /**
     * What happened to the order. Absent means `order.placed`, so every event written before the
     * field existed keeps its meaning (an additive change within schemaVersion 1).
     */
    event: z.enum(["order.placed", "order.cancelled"]).optional(),
    orderId: text(64, { identifier: true }),
    store: text(64, { identifier: true }).default("default"),
    orderType: z.enum(["product", "service"]),
    purchaseType: z.enum(["one_time", "subscription"]),
    placedAt: isoDateTimeWithOffset,
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "Expected an ISO 4217 currency code")
      .transform((value) => value.toUpperCase()),
    customer: customerSchema,
    billingAddress: addressSchema,
    serviceAddress: optional(addressSchema),
    lines: z.array(lineSchema).min(1).max(100),
    totals: totalsSchema.optional(),
    requestedWindow: z
      .object({ start: isoDateTimeWithOffset, end: isoDateTimeWithOffset })
      .refine((window) => Date.parse(window.end) > Date.parse(window.start), {
        message: "end must be after start",
        path: ["end"],
      })
      .optional(),
    notes: optional(text(2000, { min: 0, multiline: true })),
    payment: paymentSchema.optional(),
  })
  .superRefine(checkTotals)
  .transform((event) => ({
    ...event,
    event: event.event ?? OrderEventType.Placed,
    serviceAddress: event.serviceAddress ?? event.billingAddress,
    lines: event.lines.map(({ unitPrice, itemKind, ...line }) => ({
      ...line,
      unitPriceCents: unitPrice,
      itemKind: itemKind ?? (event.orderType === "service" ? ("service" as const) : ("material" as const)),
      /** `default` lets the mapping config's `defaultItemKind` override the contract's default. */
      itemKindSource: itemKind ? ("order" as const) : ("default" as const),
    })),
    payment: event.payment ? withCents(event.payment) : undefined,
  }));

function withCents<T extends { amount: number }>({ amount, ...rest }: T) {
  return { ...rest, amountCents: amount };
}

/** One cent of rounding is tolerated: storefronts round tax per line or per order. */
export const totalsToleranceCents = 1;

/** Σ quantity × unit price, rounded per line, in cents. */
export function linesSubtotalCents(lines: readonly { quantity: number; unitPrice: number }[]): number {
  return lines.reduce((sum, line) => sum + Math.round(line.quantity * line.unitPrice), 0);
}

/**
 * `totals` must add up (subtotal + shipping − discount + tax = total, within a cent) and the discount
 * can't exceed the subtotal: either is a storefront bug, and syncing it would put an invoice in
 * ServiceTitan that disagrees with what the customer paid.
 */
function checkTotals(
  event: {
    lines: readonly { quantity: number; unitPrice: number }[];
    totals?: { subtotal?: number; tax?: number; shipping?: number; discount?: number; total?: number } | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const totals = event.totals;
  if (!totals) return;
  const { subtotal, tax = 0, shipping = 0, discount = 0, total } = totals;
  const discountBase = subtotal ?? linesSubtotalCents(event.lines);
  if (discount > discountBase) {
    ctx.addIssue({
      code: "custom",
      path: ["totals", "discount"],
      message: `Discount is larger than the subtotal${subtotal === undefined ? " of the lines" : ""}`,
    });
    return;
  }
  if (subtotal === undefined || total === undefined) return;
  if (Math.abs(subtotal + shipping - discount + tax - total) > totalsToleranceCents) {
    ctx.addIssue({
      code: "custom",
      path: ["totals", "total"],
      message:
        "totals don't add up: totals.subtotal + totals.shipping - totals.discount + totals.tax must equal totals.total (within one cent)",
    });
  }
}

export type OrderEventInput = z.input<typeof orderEventSchema>;
export type Order = z.output<typeof orderEventSchema>;
export type OrderLine = Order["lines"][number];
export type OrderPayment = NonNullable<Order["payment"]>;
export type Address = z.output<typeof addressSchema>;
export type OrderType = Order["orderType"];
export type PurchaseType = Order["purchaseType"];
