/**
 * One order, start to finish, exactly once. Readable top to bottom in the order an order travels:
 * claim in the ledger → check the config against the tenant → customer and location → membership
 * sales (`lib/memberships/`) → pricebook items → job → invoice lines (shipping and discount
 * included) → read-back → invoice total, paid online, payment → tags → complete. An order whose
 * lines all sell memberships creates no job. An order configured as a booking takes `lib/bookings/`
 * instead after the claim: match (read-only) → booking → complete.
 *
 * Exactly-once: SQS delivers at least once and Lambdas die between a ServiceTitan write and the
 * ledger write recording it. A `fresh` claim proves nothing was written for this order yet, so the
 * first attempt pays for no look-ups. A `resumed` claim skips every step the ledger recorded and,
 * for the others, first looks for what a crashed attempt may have written (externalData stamps,
 * exact SKU codes, the invoice's items) before writing anything.
 *
 * DynamoDB cost on the happy path: the claim (1 write), a checkpoint once the job exists (1 write),
 * the completion (1 write) — plus a creation lock (`create-once.ts`) for what the order creates: 1
 * write per identity for a new customer, 1 for a new location, 1 per new SKU. No reads unless the
 * claim finds an existing record.
 */
import { CreateAs } from "../bookings/config-schema.ts";
import { orderCreatesAs } from "../bookings/create-as.ts";
import { syncBooking } from "../bookings/sync-booking.ts";
import type { SyncConfig } from "../config/schema.ts";
import type { ReferenceCheck, VerifiedReferences } from "../config/verify-references.ts";
import type { BatchIndexView } from "../customer-index/batch-view.ts";
import type { CustomerIndex } from "../customer-index/environment.ts";
import { BusinessRuleError, ReasonCode } from "../errors.ts";
import type { CreationLock } from "../ledger/creation-lock.ts";
import type { OrderLedger, SyncProgress } from "../ledger/ledger.ts";
import { hashOrderPayload, orderKeyToString } from "../ledger/payload-hash.ts";
import { orderMemberships } from "../memberships/membership-lines.ts";
import { syncMemberships } from "../memberships/sell-memberships.ts";
import type { Order } from "../order/event-schema.ts";
import type { Invoice } from "../servicetitan/endpoints/accounting.ts";
import { listCustomers, listLocations } from "../servicetitan/endpoints/crm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { applyMissingTags } from "./apply-tags.ts";
import { claimAttempt, runClaimedAttempt, type SyncLease } from "./claimed-attempt.ts";
import { createOrderJob, findOrderJob } from "./create-job.ts";
import { addInvoiceLines, assertAdjustmentItemsConfigured, plannedLines, verifyInvoice } from "./invoice-lines.ts";
import { checkInvoiceTotal, settleInvoice } from "./invoice-money.ts";
import type { MatchedBy } from "./match-customer.ts";
import { itemKindOf, type PricebookCache, resolvePricebookItems } from "./pricebook-items.ts";
import type { PaymentRecording } from "./record-payment.ts";
import { customerTagTypeIds, locationTagTypeIds } from "./resolve-location.ts";
import { syncCustomerAndLocation } from "./sync-customer.ts";

/** Everything the pipeline needs, created once per container and passed in (tests pass local ones). */
export interface SyncDependencies {
  http: ServiceTitanHttp;
  config: SyncConfig;
  references: ReferenceCheck;
  ledger: OrderLedger;
  creationLock: CreationLock;
  pricebookCache: PricebookCache;
  /** Whether `Payments_Create` still answers, per container. */
  paymentRecording: PaymentRecording;
  /** The customer index (table + HMAC key); absent: matching searches ServiceTitan live. */
  customerIndex?: CustomerIndex | undefined;
}

/** What the orders of one SQS batch share. */
export interface SyncBatch {
  /** The batch's view of the customer index: one catch-up at most per batch. */
  index?: BatchIndexView | undefined;
}

export type { SyncLease } from "./claimed-attempt.ts";

export const SyncStatus = { Synced: "synced", Duplicate: "duplicate" } as const;
export type SyncStatus = (typeof SyncStatus)[keyof typeof SyncStatus];

export interface SyncResult {
  status: SyncStatus;
  orderKey: string;
  progress: SyncProgress;
  /** Whether this attempt resumed an earlier, interrupted one. */
  resumed: boolean;
}

export async function syncOrder(
  order: Order,
  deps: SyncDependencies,
  lease: SyncLease,
  batch: SyncBatch = {},
): Promise<SyncResult> {
  const key = { store: order.store, orderId: order.orderId };
  const orderKey = orderKeyToString(key);
  const payloadHash = hashOrderPayload(order);
  const start = await claimAttempt(
    deps.ledger,
    key,
    payloadHash,
    lease,
    "This store and orderId were already received with different content; nothing was changed in ServiceTitan",
  );
  if (start.outcome === "duplicate") {
    return { status: SyncStatus.Duplicate, orderKey, progress: start.record.progress, resumed: false };
  }
  const resumed = start.outcome === "resumed";
  const progress = await runClaimedAttempt(deps, key, lease, start, ({ http, progress }) =>
    runSteps(
      order,
      { ...deps, http },
      {
        orderKey,
        key,
        lease,
        resumed,
        progress,
        payloadHash,
        batch,
        firstClaimedAt: start.record.createdAt,
      },
    ),
  );
  return { status: SyncStatus.Synced, orderKey, progress, resumed };
}

interface StepContext {
  orderKey: string;
  key: { store: string; orderId: string };
  lease: SyncLease;
  resumed: boolean;
  /** Mutated as steps finish; checkpointed to the ledger. */
  progress: SyncProgress;
  batch: SyncBatch;
  /** Stamped beside the order key on what this content creates (see `external-data.ts`). */
  payloadHash: string;
  /** When the ledger first saw the order (ISO 8601). */
  firstClaimedAt: string;
}

async function runSteps(order: Order, deps: SyncDependencies, step: StepContext): Promise<void> {
  const { http, config } = deps;
  const { progress, orderKey, resumed } = step;

  assertTenantCurrency(order, config);
  // A booking instead of a job (`lib/bookings/`); an order that already has either stays what it is.
  const booked = progress.bookingId !== undefined;
  if (booked || (progress.jobId === undefined && orderCreatesAs(config, order) === CreateAs.Booking)) {
    await syncBooking(deps, order, { orderKey, resumed, progress, index: step.batch.index });
    return;
  }
  // Membership lines leave the job (their sale has its own invoice); none left: no job at all.
  const memberships = orderMemberships(order, config);
  const jobOrder = memberships.jobOrder;
  assertAdjustmentItemsConfigured(order, config.money);
  const references = await deps.references.verified();

  let tagTargets: Parameters<typeof applyMissingTags>[1] | undefined;
  // Once the job (or, without one, every membership) is recorded, the customer and location are settled.
  const mainStepDone = jobOrder
    ? progress.jobId !== undefined
    : memberships.lines.every((m) => progress.memberships?.[m.line.sku] !== undefined);
  if (!mainStepDone || progress.customerId === undefined || progress.locationId === undefined) {
    const found = await syncCustomerAndLocation(deps, order, orderKey, {
      reconcile: resumed,
      payloadHash: step.payloadHash,
      index: step.batch.index,
    });
    Object.assign(progress, {
      customerId: found.customer.id,
      customerCreated: found.customerCreated,
      matchedBy: found.matchedBy satisfies MatchedBy,
      locationId: found.location.id,
      locationCreated: found.locationCreated,
    });
    tagTargets = { customer: found.customer, location: found.location };
  }
  const customerId = progress.customerId as number;
  const locationId = progress.locationId as number;

  if (memberships.lines.length > 0) {
    await syncMemberships(
      {
        http,
        config,
        references,
        creationLock: deps.creationLock,
        order,
        orderKey,
        customerId,
        locationId,
        resumed,
        firstClaimedAt: step.firstClaimedAt,
        progress,
        checkpoint: () => deps.ledger.checkpoint(step.key, step.lease.ownerToken, progress),
      },
      memberships.lines,
    );
  }
  if (jobOrder) await syncJob(jobOrder, deps, step, { customerId, locationId, references });

  if (!progress.tagged) {
    tagTargets ??= await readTagTargets(http, customerId, locationId);
    const wanted = { customer: customerTagTypeIds(config, order), location: locationTagTypeIds(config, order) };
    await applyMissingTags(http, tagTargets, wanted);
    if (deps.customerIndex) {
      const tags = [...new Set([...tagTargets.location.tagTypeIds, ...wanted.location])];
      // Best effort: a stale list only costs the next order a tag call that finds the tag present.
      await deps.customerIndex.store.setLocationTags(locationId, tags).catch(() => undefined);
    }
    progress.tagged = true;
  }
}

/**
 * The job and its invoice, for the order without its membership lines: pricebook items → job →
 * invoice lines → read-back → invoice total, paid online, payment.
 */
async function syncJob(
  order: Order,
  deps: SyncDependencies,
  step: StepContext,
  ids: { customerId: number; locationId: number; references: VerifiedReferences },
): Promise<void> {
  const { http, config } = deps;
  const { progress, orderKey, resumed } = step;
  const { customerId, locationId, references } = ids;

  progress.pricebookItemIds = await resolvePricebookItems(deps, order, orderKey, progress.pricebookItemIds);

  // Lines are only added once the job is checkpointed: a job the ledger doesn't know yet (created
  // now, or found after a lost reply) has an invoice without any of our lines.
  const jobWasRecorded = progress.jobId !== undefined && progress.invoiceId !== undefined;
  if (!jobWasRecorded) {
    const job =
      (resumed ? await findOrderJob(http, config, orderKey, step.payloadHash) : undefined) ??
      (await createOrderJob(http, config, references, order, { customerId, locationId }, orderKey, step.payloadHash));
    progress.jobId = job.id;
    progress.invoiceId = job.invoiceId;
    await deps.ledger.checkpoint(step.key, step.lease.ownerToken, progress);
  }
  const invoiceId = progress.invoiceId as number;

  const lines = plannedLines(order, (line) => itemKindOf(config, order, line), progress.pricebookItemIds, config.money);
  let invoice: Invoice | undefined;
  if (!progress.invoiceVerified) {
    const { added } = await addInvoiceLines(http, invoiceId, lines, { invoiceMayHaveOurLines: jobWasRecorded });
    progress.invoiceLinesAdded = (progress.invoiceLinesAdded ?? 0) + added;
    ({ invoice } = await verifyInvoice(http, invoiceId, lines));
    progress.invoiceVerified = true;
    Object.assign(progress, checkInvoiceTotal(order, invoice));
  }
  invoice ??= (await verifyInvoice(http, invoiceId, lines)).invoice;
  await settleInvoice({
    http,
    config,
    paymentRecording: deps.paymentRecording,
    order,
    orderKey,
    jobId: progress.jobId as number,
    invoiceId,
    customerId,
    invoice,
    resumed,
    progress,
    checkpoint: () => deps.ledger.checkpoint(step.key, step.lease.ownerToken, progress),
  });
}

/** ServiceTitan invoices in the tenant's currency only; converting amounts is not the worker's call. */
export function assertTenantCurrency(order: Order, config: SyncConfig): void {
  if (order.currency !== config.currency) {
    throw new BusinessRuleError(
      ReasonCode.CurrencyMismatch,
      `Order currency ${order.currency} is not the tenant's currency ${config.currency}`,
    );
  }
}

/** On a resumed order the customer and location were found by an earlier attempt: read their tags. */
async function readTagTargets(http: ServiceTitanHttp, customerId: number, locationId: number) {
  const [customers, locations] = await Promise.all([
    listCustomers(http, { ids: [customerId], active: "Any" }),
    listLocations(http, { ids: [locationId], active: "Any" }),
  ]);
  return {
    customer: { id: customerId, tagTypeIds: customers.data[0]?.tagTypeIds ?? [] },
    location: { id: locationId, tagTypeIds: locations.data[0]?.tagTypeIds ?? [] },
  };
}
