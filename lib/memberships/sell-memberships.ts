/**
 * The membership step: each membership line of a subscription order either sells the membership
 * (`POST /memberships/sale`) for the order's customer and service location, or — when the customer
 * already has an active or suspended membership of that type — renews it: nothing is sold, and the
 * membership's memo names the renewal order. A storefront subscription charges each period as its
 * own order (order contract: "a subscription renewal is its own order with its own orderId"), while
 * ServiceTitan bills the membership itself from its duration/billing option; a second sale would
 * bill the customer twice and give them two memberships.
 *
 * Exactly once, with no externalData and no idempotency key on the sale:
 * - one list of the customer's memberships per attempt both detects a renewal and finds what a sale
 *   whose reply was lost created: a membership of the type whose memo names this order, or — on a
 *   resumed order only — one created since the order was first claimed that names no other sale;
 * - concurrent orders of the same customer and type take a creation lock (customer + type) before
 *   selling, like customers and locations (`create-once.ts`);
 * - the sale is checkpointed in the ledger at once; the memo stamp (`Sold online: order …` /
 *   `Renewed online: order …`) is written after, and only when the memo doesn't already have it.
 */
import type { SyncConfig } from "../config/schema.ts";
import type { VerifiedReferences } from "../config/verify-references.ts";
import type { CreationLock } from "../ledger/creation-lock.ts";
import { LockScope } from "../ledger/creation-lock.ts";
import type { MembershipProgress, SyncProgress } from "../ledger/record.ts";
import type { Order } from "../order/event-schema.ts";
import { findOrCreateOnce } from "../pipeline/create-once.ts";
import {
  type CustomerMembership,
  listCustomerMemberships,
  sellMembership,
  setMembershipMemo,
} from "../servicetitan/endpoints/memberships.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import type { MembershipLine } from "./membership-lines.ts";

/** Statuses in which the customer still has the membership: a new order of the type renews it. */
const heldStatuses: ReadonlySet<string> = new Set(["Active", "Suspended"]);

/**
 * How far before the order's first claim a membership found on a resumed order may have been
 * created and still be taken for this order's lost sale: ServiceTitan's clock and ours differ.
 */
export const lostSaleClockSkewMs = 10 * 60_000;

export interface MembershipStepContext {
  http: ServiceTitanHttp;
  config: SyncConfig;
  references: VerifiedReferences;
  creationLock: CreationLock;
  order: Order;
  orderKey: string;
  customerId: number;
  locationId: number;
  /** An earlier attempt may have sold without recording it. */
  resumed: boolean;
  /** When the ledger first saw this order (ISO 8601): a lost sale can't be older. */
  firstClaimedAt: string;
  /** Mutated as memberships are sold and noted. */
  progress: SyncProgress;
  /** Writes `progress` to the ledger now (right after a sale). */
  checkpoint: () => Promise<void>;
}

export function soldStamp(orderKey: string): string {
  return `Sold online: order ${orderKey}`;
}

export function renewedStamp(orderKey: string): string {
  return `Renewed online: order ${orderKey}`;
}

const soldStampPrefix = "Sold online: order ";

function memoLines(memo: string | undefined): string[] {
  return (memo ?? "").split(/\r?\n/).map((line) => line.trim());
}

export async function syncMemberships(ctx: MembershipStepContext, lines: readonly MembershipLine[]): Promise<void> {
  const pending = lines.filter((m) => ctx.progress.memberships?.[m.line.sku]?.noted !== true);
  if (pending.length === 0) return;
  // A customer this very attempt created (on a fresh claim) can't have memberships yet: no look-up.
  const newCustomer = ctx.progress.customerCreated === true && !ctx.resumed;
  let listed: readonly CustomerMembership[] = newCustomer
    ? []
    : await listCustomerMemberships(ctx.http, ctx.customerId);
  for (const membership of pending) {
    let record = ctx.progress.memberships?.[membership.line.sku];
    if (record === undefined) {
      const result = await soldOrRenewed(ctx, membership, listed, async () => {
        listed = await listCustomerMemberships(ctx.http, ctx.customerId);
        return listed;
      });
      record = result;
      setProgress(ctx.progress, membership.line.sku, record);
      if (result.justSold) await ctx.checkpoint();
    }
    const current = listed.find((m) => m.id === record.membershipId);
    const stamp = record.outcome === "sold" ? soldStamp(ctx.orderKey) : renewedStamp(ctx.orderKey);
    if (!memoLines(current?.memo).includes(stamp)) {
      const memo = current?.memo ? `${current.memo}\n${stamp}` : stamp;
      await setMembershipMemo(ctx.http, record.membershipId, memo);
    }
    setProgress(ctx.progress, membership.line.sku, { ...record, noted: true });
  }
}

function setProgress(progress: SyncProgress, sku: string, record: MembershipProgress): void {
  const { justSold: _drop, ...stored } = record as MembershipProgress & { justSold?: boolean };
  progress.memberships = { ...progress.memberships, [sku]: stored };
}

/** The membership this line stands for: found (this order's lost sale, or a renewal), or sold now. */
async function soldOrRenewed(
  ctx: MembershipStepContext,
  membership: MembershipLine,
  listed: readonly CustomerMembership[],
  relist: () => Promise<readonly CustomerMembership[]>,
): Promise<MembershipProgress & { justSold?: boolean }> {
  const typeId = membership.plan.membershipTypeId;
  let searches = 0;
  const { record, created } = await findOrCreateOnce(
    {
      lock: ctx.creationLock,
      keys: [{ scope: LockScope.CustomerMembership, value: `${ctx.customerId}:${typeId}` }],
      ownerToken: ctx.orderKey,
      what: "membership",
    },
    {
      find: async () => classify(ctx, typeId, searches++ === 0 ? listed : await relist()),
      create: async () => {
        const sale = await sellMembership(ctx.http, saleRequest(ctx, membership));
        return {
          membershipTypeId: typeId,
          membershipId: sale.customerMembershipId,
          outcome: "sold" as const,
          invoiceId: sale.invoiceId,
          ...priceCheck(ctx, membership),
        };
      },
    },
  );
  return created ? { ...record, justSold: true } : record;
}

/**
 * What the customer's memberships of the type say about this order: its own sale (stamped, or lost
 * on a resumed order), a membership to renew, or nothing (sell).
 */
function classify(
  ctx: MembershipStepContext,
  typeId: number,
  memberships: readonly CustomerMembership[],
): MembershipProgress | undefined {
  const held = memberships
    .filter((m) => m.membershipTypeId === typeId && m.customerId === ctx.customerId && heldStatuses.has(m.status))
    .sort((a, b) => a.id - b.id);
  if (held.length === 0) return undefined;
  const ours = held.find((m) => memoLines(m.memo).includes(soldStamp(ctx.orderKey)));
  if (ours) return { membershipTypeId: typeId, membershipId: ours.id, outcome: "sold" };
  const renewed = held.find((m) => memoLines(m.memo).includes(renewedStamp(ctx.orderKey)));
  if (renewed) return { membershipTypeId: typeId, membershipId: renewed.id, outcome: "renewed" };
  if (ctx.resumed) {
    const since = Date.parse(ctx.firstClaimedAt) - lostSaleClockSkewMs;
    const lost = held.find(
      (m) => Date.parse(m.createdOn) >= since && !memoLines(m.memo).some((line) => line.startsWith(soldStampPrefix)),
    );
    if (lost) return { membershipTypeId: typeId, membershipId: lost.id, outcome: "sold" };
  }
  const [oldest] = held;
  return oldest && { membershipTypeId: typeId, membershipId: oldest.id, outcome: "renewed" };
}

function saleRequest(ctx: MembershipStepContext, membership: MembershipLine) {
  const { plan } = membership;
  return {
    customerId: ctx.customerId,
    businessUnitId: plan.businessUnitId ?? ctx.config[ctx.order.orderType].businessUnitId,
    saleTaskId: plan.saleTaskId,
    durationBillingId: plan.durationBillingId,
    locationId: plan.atServiceLocation ? ctx.locationId : null,
    recurringServiceAction: plan.recurringServiceAction,
    // `Single` schedules the recurring services at one location: the order's service location.
    recurringLocationId: plan.recurringServiceAction === "Single" ? ctx.locationId : null,
  };
}

/** The sale invoice is priced by ServiceTitan; a store price that differs is flagged, not failed. */
function priceCheck(ctx: MembershipStepContext, membership: MembershipLine): { priceDiffers?: boolean } {
  const salePriceCents = ctx.references.membershipSalePrices.get(membership.plan.durationBillingId);
  if (salePriceCents === undefined) return {};
  const lineCents = Math.round(membership.line.quantity * membership.line.unitPriceCents);
  return lineCents === salePriceCents ? {} : { priceDiffers: true };
}
