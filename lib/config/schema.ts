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
  /** Cancelled orders and refunds (see the README section "Cancellations and refunds"). */
  cancellations: cancellationsSchema.default({}),
  deploy: deploySchema,
});

export type SyncConfigInput = z.input<typeof syncConfigSchema>;
export type SyncConfig = z.output<typeof syncConfigSchema>;
export type OrderKindConfig = SyncConfig["product"];
export type ScheduleConfig = OrderKindConfig["schedule"];
export type MoneyConfig = SyncConfig["money"];
export type CancellationsConfig = SyncConfig["cancellations"];

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}
