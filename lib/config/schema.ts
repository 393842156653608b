/**
 * The mapping config: how a storefront order becomes ServiceTitan records. One file per
 * environment, the same format for the local runner (`SYNC_CONFIG_FILE` / `--config`) and for
 * `cdk/` (validated at synth). It mirrors what contractors configure in the commercial product,
 * separately for product orders and service orders.
 *
 * Ids are ServiceTitan ids of the tenant; at start the worker checks each one exists
 * (`lib/config/verify-references.ts`), because ServiceTitan silently ignores many unknown ids.
 */
import * as z from "zod";
import { bookingsConfigSchema } from "../bookings/config-schema.ts";

const stId = z.number().int().positive();
const stIds = z.array(stId).max(50).default([]);
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Expected HH:MM (24-hour)");

export const priorities = ["Low", "Normal", "High", "Urgent"] as const;

/** When the visit is booked, and whether ServiceTitan gets an arrival window. */
const scheduleSchema = z.strictObject({
  /**
   * `requested`: the order's `requestedWindow` (service orders); falls back to `configured` when the
   * order has none, or one that ended before the order was placed. `configured`: `leadDays` after
   * the order date, at `startTime`, in the tenant's time zone.
   */
  source: z.enum(["requested", "configured"]),
  leadDays: z.number().int().min(0).max(60).default(1),
  /** Skip Saturdays and Sundays when counting `leadDays`. */
  businessDaysOnly: z.boolean().default(true),
  startTime: timeOfDay.default("08:00"),
  durationMinutes: z
    .number()
    .int()
    .min(15)
    .max(24 * 60)
    .default(240),
  arrivalWindow: z
    .strictObject({
      enabled: z.boolean(),
      /**
       * A dispatch arrival window (`GET /dispatch/v2/.../arrival-windows`); its time-of-day `start`
       * and `duration` replace `startTime`/`durationMinutes` for configured schedules.
       */
      arrivalWindowId: stId.optional(),
    })
    .default({ enabled: true }),
});

const accountsSchema = z.strictObject({
  /** Pricebook `account` (income GL account) for items the worker creates. */
  account: z.string().min(1).max(255).optional(),
  /** Pricebook `costOfSaleAccount` (materials and equipment only). */
  costOfSaleAccount: z.string().min(1).max(255).optional(),
  /** Pricebook `assetAccount` (materials and equipment only). */
  assetAccount: z.string().min(1).max(255).optional(),
});

const byPurchaseType = z
  .strictObject({ oneTime: stIds, subscription: stIds })
  .default({ oneTime: [], subscription: [] });

const orderKindSchema = z.strictObject({
  businessUnitId: stId,
  jobTypeId: stId,
  campaignId: stId,
  priority: z.enum(priorities).default("Normal"),
  /** Assigned on the appointment; product orders usually name the technician who delivers. */
  technicianId: stId.optional(),
  schedule: scheduleSchema,
  /**
   * Kind of pricebook item looked up or created for lines without `itemKind`; unset, the contract's
   * default applies (material for product orders, service for service orders).
   */
  defaultItemKind: z.enum(["material", "equipment", "service"]).optional(),
  accounts: accountsSchema.default({}),
  customerTagTypeIds: byPurchaseType,
  locationTagTypeIds: byPurchaseType,
  jobTagTypeIds: stIds,
});

/** A pricebook item the worker adds to invoices as is (shipping, discount). */
const configuredItemSchema = z.strictObject({
  /** Which pricebook list the item is in: `service` (usual for shipping and discounts), `material` or `equipment`. */
  kind: z.enum(["material", "equipment", "service"]),
  /** The item's id (the invoice line's `skuId`). */
  skuId: stId,
});
export type ConfiguredItem = z.output<typeof configuredItemSchema>;

/**
 * What lands on the invoice besides the order lines, and how money the store collected is shown.
 * ServiceTitan has no shipping or discount field on invoices: both are invoice lines of configured
 * pricebook items. Sales tax is computed by ServiceTitan from the location's tax zone, so it is
 * never sent; the worker compares the invoice total with the order's instead.
 */
const moneySchema = z.strictObject({
  /**
   * Added at the order's `totals.shipping` when above zero (for example a service "WEB-SHIPPING",
   * usually not taxable). Unset, an order with shipping fails permanently naming this key.
   */
  shippingItem: configuredItemSchema.optional(),
  /**
   * Added at minus the order's `totals.discount` when above zero (for example a service
   * "WEB-DISCOUNT"). Unset, an order with a discount fails permanently naming this key.
   */
  discountItem: configuredItemSchema.optional(),
  /**
   * Job tag added when the invoice total differs from the order's `totals.total` by more than a
   * cent (usually the tax zone's rate differs from the storefront's). The order still succeeds.
   */
  totalMismatchJobTagTypeId: stId.optional(),
  /** Job tag added to jobs of orders that carry a `payment` block (paid online). */
  paidOnlineJobTagTypeId: stId.optional(),
  /** Recording the storefront's payment in ServiceTitan. */
  payments: z
    .strictObject({
      /**
       * Opt-in: a payment type id (create one named after the store with the Cash attribute). Set, the
       * order's payment is recorded on the invoice with ServiceTitan's deprecated `Payments_Create`;
       * if ServiceTitan answers 404/405/410 the worker stops trying until the next deployment and
       * writes a job note instead. Unset, the payment is only shown in the invoice summary.
       */
      record: stId.optional(),
    })
    .default({}),
});

/** One storefront SKU sold as a ServiceTitan membership (what Contractor Commerce links to a membership type). */
const membershipPlanSchema = z.strictObject({
  /** The storefront SKU (an order line's `sku`, compared exactly) that sells this membership. */
  sku: z.string().min(1).max(64),
  /** The membership type sold; a customer never gets a second active or suspended membership of it from the worker. */
  membershipTypeId: stId,
  /** The sale task (`saleTaskId`): the pricebook service that sells the membership and lands on its sale invoice. */
  saleTaskId: stId,
  /** The duration/billing option (`durationBillingId`); must be one of the membership type's active options. */
  durationBillingId: stId,
  /**
   * ServiceTitan's `recurringServiceAction`: add the type's recurring services at the order's service
   * location only (`Single`), at every location of the customer (`All`), or none (`None`).
   */
  recurringServiceAction: z.enum(["None", "Single", "All"]).default("Single"),
  /**
   * The membership belongs to the order's service location (`locationId` of the sale: its discounts
   * apply there only). False: the membership covers all the customer's locations.
   */
  atServiceLocation: z.boolean().default(true),
  /** Business unit of the sale; unset, the order kind's `businessUnitId`. */
  businessUnitId: stId.optional(),
});
export type MembershipPlan = z.output<typeof membershipPlanSchema>;

/**
 * Subscriptions sold as ServiceTitan memberships (README "Memberships"). A subscription order's line
 * whose SKU is listed here sells the membership (`POST /memberships/sale`, which creates its own sale
 * invoice) instead of becoming a line of the job invoice.
 */
const membershipsSchema = z.strictObject({
  /** The SKUs sold as memberships, each at most once. Empty: no order sells a membership. */
  plans: z
    .array(membershipPlanSchema)
    .max(50)
    .default([])
    .superRefine((plans, ctx) => {
      const seen = new Set<string>();
      plans.forEach((plan, index) => {
        if (seen.has(plan.sku)) ctx.addIssue({ code: "custom", path: [index, "sku"], message: "Duplicate SKU" });
        seen.add(plan.sku);
      });
    }),
});

/**
 * What a cancelled order and a refund do to the order's job (`lib/pipeline/cancel-order.ts`,
 * `note-refund.ts`; the README section "Cancellations and refunds"). Every key is optional: without
 * `reasonId` no job is ever cancelled, and a cancellation only leaves a note on the job for the
 * office; without a tag id no tag is added, only the note.
 */
const cancellationsSchema = z.strictObject({
  /**
   * A job cancel reason (`GET /jpm/v2/.../job-cancel-reasons`, e.g. "Cancelled online"). Set, a
   * cancelled order whose job is still `Scheduled` and carries no payment is cancelled with it
   * (`Jobs_Cancel`, memo naming the store order). Unset, every cancellation is noted, never applied.
   */
  reasonId: stId.optional(),
  /**
   * Job tag added when a cancelled order's job is left alone (dispatched, in progress, on hold,
   * completed, paid, or `reasonId` unset), beside a job note saying why, so the office decides.
   */
  leftAloneJobTagTypeId: stId.optional(),
  /** Job tag added with the note of a refund (refunds are noted on the job, never booked). */
  refundJobTagTypeId: stId.optional(),
});

/** Settings only `cdk/` reads; ignored by the worker. */
const deploySchema = z
  .strictObject({
    /** Name of the Secrets Manager secret holding `clientId`, `clientSecret`, `appKey`. */
    secretName: z.string().min(1).max(512),
    /** The ServiceTitan tenant id (digits): the `{tenant}` path segment of every API call. */
    serviceTitanTenantId: z.string().regex(/^[1-9]\d{0,18}$/, "Expected the tenant id as a string of digits"),
    /**
     * Which ServiceTitan environment the tenant lives in: `integration` (sandbox tenants,
     * `api-integration`/`auth-integration` hosts) or `production`. Apps and credentials are per environment.
     */
    serviceTitanEnvironment: z.enum(["integration", "production"]),
    /** Lambda concurrency for the SQS event source; ServiceTitan's 60 calls/s is per tenant. */
    maxConcurrency: z.number().int().min(2).max(1000).default(2),
    batchSize: z.number().int().min(1).max(100).default(10),
    /**
     * Seconds the SQS event source may wait to fill a batch. Lambda requires at least 1 when
     * `batchSize` is above 10; it also adds to the queue's visibility timeout.
     */
    maxBatchingWindowSeconds: z.number().int().min(0).max(300).default(0),
    maxReceiveCount: z.number().int().min(5).max(1000).default(5),
    alarmEmail: z.email().optional(),
    production: z.boolean().default(false),
    logLevel: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]).default("INFO"),
  })
  .refine((deploy) => deploy.batchSize <= 10 || deploy.maxBatchingWindowSeconds >= 1, {
    path: ["maxBatchingWindowSeconds"],
    message: "Lambda requires a batching window of at least 1 second when batchSize is above 10",
  })
  .optional();

/**
 * Customer matching through the customer index (`lib/customer-index/`), fed by ServiceTitan's CRM
 * export feeds. Matching by e-mail needs it on tenants without Contact Management: `GET /customers`
 * has no e-mail filter.
 */
const customerIndexSchema = z
  .strictObject({
    /**
     * The tenant has ServiceTitan's Contact Management (an Early Access feature ServiceTitan switches
     * on per account). Only then are e-mails also searched live through `contacts/contact-methods`;
     * on other tenants that search finds nothing.
     */
    contactManagement: z.boolean().default(false),
    /**
     * Minutes between scheduled refreshes of the index from the export feeds (EventBridge Scheduler,
     * read by `cdk/` only). Each refresh costs at least one call per feed; batches catch the index up
     * themselves before trusting a miss, so this bounds how stale it gets when no orders arrive.
     */
    refreshIntervalMinutes: z.number().int().min(1).max(60).default(5),
    /**
     * A batch about to trust an index miss first reads what changed since the last refresh, unless a
     * refresh or catch-up started within this many seconds (any container).
     */
    catchUpIntervalSeconds: z.number().int().min(0).max(300).default(5),
  })
  .default({ contactManagement: false, refreshIntervalMinutes: 5, catchUpIntervalSeconds: 5 });

/**
 * A glob over SKUs, matched whole and case-sensitively: `*` stands for any run of characters, every
 * other character for itself (`SVC-*`, `*-INSTALL`, `MAINT-PLAN`).
 */
const skuPattern = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s]+$/, "Expected a SKU or a SKU pattern with `*` (no spaces)");

const shopifySourceSchema = z.strictObject({
  /**
   * The Shopify partner event source, which is also the name of its partner event bus, as the
   * EventBridge console shows it (`aws.partner/shopify.com/<app id>/<name>`). Set, `cdk/` adds a rule
   * on that bus sending Shopify's order topics to the orders queue; unset, nothing is deployed for
   * Shopify (the worker still reads Shopify events sent to the queue another way).
   */
  eventSourceName: z
    .string()
    .max(256)
    .regex(
      /^aws\.partner\/shopify\.com\/[A-Za-z0-9._\-/]+$/,
      "Expected the partner event source name, aws.partner/shopify.com/<app id>/<name>",
    )
    .optional(),
  /**
   * SKUs (or `*` patterns) of lines that are services: a visit, an installation, a tune-up. Such a line
   * becomes a `service` pricebook item, and an order with one is a service order (the `service`
   * settings: business unit, job type, schedule). Other lines are `product.defaultItemKind` (else
   * material). Shopify's order webhook carries no product type on its lines, so SKUs decide.
   */
  serviceSkus: z.array(skuPattern).max(100).default([]),
  /**
   * SKUs (or `*` patterns) of lines sold as subscriptions by an app that doesn't use Shopify selling
   * plans. A line with a selling plan (`selling_plan_allocation` or `selling_plan_id`) is a
   * subscription anyway. An order with a subscription line is `purchaseType: "subscription"`.
   */
  subscriptionSkus: z.array(skuPattern).max(100).default([]),
});

/** A WooCommerce order status: lower-case letters, digits, `-` and `_` (custom statuses too). */
const wooCommerceStatus = z.string().regex(/^[a-z0-9_-]{1,40}$/, "Expected a WooCommerce status such as processing");
/**
 * WooCommerce orders (`lib/sources/woocommerce/`): which statuses are synced and how lines are read.
 * WooCommerce's REST order carries no product type or category, so services and subscriptions are
 * recognised by SKU.
 */
export const wooCommerceSourceSchema = z.strictObject({
  /**
   * Statuses that mean paid: such an order is synced (`order.created`/`order.updated`). WooCommerce
   * sets `processing` once the gateway confirms payment and `completed` when the order is fulfilled;
   * add `on-hold` only if the office wants unconfirmed (e.g. bank transfer) orders booked.
   */
  paidStatuses: z
    .array(wooCommerceStatus)
    .min(1)
    .max(20)
    .default(["processing", "completed"])
    .refine((statuses) => !statuses.some((s) => s === "cancelled" || s === "refunded"), {
      message: "cancelled and refunded have their own meaning and can't be paid statuses",
    }),
  /**
   * The store key of every WooCommerce order (with the order id, the idempotency key). Unset: the
   * host of the `X-WC-Webhook-Source` header (the site's home URL), or for a bare REST order the host
   * of its `_links.self`. Set it to pin the key: the header is not covered by the signature.
   */
  store: z
    .string()
    .regex(/^[A-Za-z0-9_.#/-]{1,64}$/, "Expected letters, digits and . _ # / - (at most 64)")
    .optional(),
  /** SKU patterns of service lines (e.g. `SVC-*`): an order with one is a service order, the line a service item. */
  serviceSkus: z.array(skuPattern).max(100).default([]),
  /**
   * SKU patterns of subscription lines: an order with one is a subscription purchase. Orders that
   * WooCommerce Subscriptions creates (`created_via: "subscription"`, renewals) are subscriptions too.
   */
  subscriptionSkus: z.array(skuPattern).max(100).default([]),
  /**
   * A line item without a SKU: `productId` gives it `WC-<variation or product id>` (one pricebook item
   * per product), `reject` dead-letters the order naming `line_items.N.sku`.
   */
  missingSku: z.enum(["productId", "reject"]).default("productId"),
  /** SKU of the invoice line each positive fee line becomes (a negative fee is a discount). */
  feeSku: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "Expected letters, digits and . _ - (at most 64)")
    .default("WC-FEE"),
  /**
   * Read by `cdk/` only: deploy the webhook receiver (a Lambda function URL and its generated secret)
   * that puts WooCommerce's order webhooks on the orders queue.
   */
  webhookReceiver: z.boolean().default(false),
});

/** Storefronts whose own payloads the worker reads, besides the order contract. */
const sourcesSchema = z
  .strictObject({
    /**
     * Shopify orders arriving through Amazon EventBridge (README, "Connect your store: Shopify"). The
     * worker reads these keys to map Shopify's orders to ours; `cdk/` reads `eventSourceName`.
     */
    shopify: shopifySourceSchema.optional(),
    /** WooCommerce's order webhooks and REST orders; unset, the defaults of each key apply. */
    woocommerce: wooCommerceSourceSchema.optional(),
  })
  .default({});

export const syncConfigSchema = z.strictObject({
  /** IANA zone the tenant books in (e.g. `America/Chicago`); appointments are computed in it and sent as UTC. */
  tenantTimeZone: z.string().refine(isValidTimeZone, "Expected an IANA time zone such as America/Chicago"),
  /** The tenant's currency; orders in another currency are rejected. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "Expected an ISO 4217 code such as USD")
    .default("USD"),
  /** Our `externalData` application GUID: scopes every stamp the worker writes and reads. */
  externalDataApplicationGuid: z.uuid(),
  /** When false, an order whose customer can't be matched fails permanently instead of creating one. */
  createUnmatchedCustomers: z.boolean().default(true),
  customerIndex: customerIndexSchema,
  product: orderKindSchema,
  service: orderKindSchema,
  /**
   * Shipping, discount, tax reconciliation and payments on the job's invoice (see the README section
   * "What lands where on the invoice").
   */
  money: moneySchema.default({ payments: {} }),
  /** Storefront payloads read as they are sent (Shopify, WooCommerce), beside the order contract (README, "Connect your store"). */
  sources: sourcesSchema,
  /**
   * Subscription SKUs sold as ServiceTitan memberships, each with its own sale invoice (see the README
   * section "Memberships"). Empty by default: no order sells a membership.
   */
  memberships: membershipsSchema.default({ plans: [] }),
  /**
   * Which orders become a ServiceTitan booking (Calls screen, accepted or dismissed by a CSR) instead
   * of a job (see the README section "Orders as bookings"). Unset: every order becomes a job.
   */
  bookings: bookingsConfigSchema,
  /** Cancelled orders and refunds (see the README section "Cancellations and refunds"). */
  cancellations: cancellationsSchema.default({}),
  deploy: deploySchema,
});

export type SyncConfigInput = z.input<typeof syncConfigSchema>;
export type SyncConfig = z.output<typeof syncConfigSchema>;
export type OrderKindConfig = SyncConfig["product"];
export type ScheduleConfig = OrderKindConfig["schedule"];
export type MoneyConfig = SyncConfig["money"];
export type ShopifySourceConfig = NonNullable<SyncConfig["sources"]["shopify"]>;
export type MembershipsConfig = SyncConfig["memberships"];
export type SourcesConfig = SyncConfig["sources"];
export type WooCommerceSourceConfig = z.output<typeof wooCommerceSourceSchema>;

/** `sources.woocommerce` when the config leaves it out: every key at its default. */
export const defaultWooCommerceSource: WooCommerceSourceConfig = wooCommerceSourceSchema.parse({});
export type CancellationsConfig = SyncConfig["cancellations"];

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}
