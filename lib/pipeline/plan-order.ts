/**
 * `--dry-run`: what syncing an order would do — which customer and location it would reuse or
 * create, which pricebook items exist, the job and the invoice lines — using only ServiceTitan
 * reads. Nothing is written to ServiceTitan or the ledger.
 */
import type { SyncConfig } from "../config/schema.ts";
import type { ReferenceCheck } from "../config/verify-references.ts";
import { orderMemberships } from "../memberships/membership-lines.ts";
import type { Order } from "../order/event-schema.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { adjustmentAmounts, assertAdjustmentItemsConfigured } from "./invoice-lines.ts";
import { type MatchedBy, matchCustomer } from "./match-customer.ts";
import { findPricebookItem, itemKindOf } from "./pricebook-items.ts";
import { customerTagTypeIds, findCustomerLocation, locationTagTypeIds } from "./resolve-location.ts";
import { assertTenantCurrency } from "./sync-order.ts";

export interface OrderPlan {
  customer: { action: "reuse"; id: number; matchedBy: MatchedBy } | { action: "create" } | { action: "reject" };
  location: { action: "reuse"; id: number } | { action: "create" };
  items: { sku: string; kind: string; action: "reuse" | "create"; id?: number }[];
  /** `none`: every line sells a membership. */
  job: { action: "create"; businessUnitId: number; jobTypeId: number; campaignId: number } | { action: "none" };
  /** Membership lines: sold, or renewals of a membership the customer has (decided when syncing). */
  memberships: { sku: string; membershipTypeId: number; durationBillingId: number }[];
  invoiceLines: number;
  tags: { customer: number[]; location: number[]; job: number[] };
}

export async function planOrder(
  order: Order,
  deps: { http: ServiceTitanHttp; config: SyncConfig; references: ReferenceCheck },
): Promise<OrderPlan> {
  const { http, config } = deps;
  assertTenantCurrency(order, config);
  const memberships = orderMemberships(order, config);
  const jobOrder = memberships.jobOrder;
  assertAdjustmentItemsConfigured(order, config.money);
  await deps.references.verified();
  const kind = config[order.orderType];
  // Live searches only: a dry run starts no index of its own (e-mail needs Contact Management here).
  const match = await matchCustomer({ http, contactManagement: config.customerIndex.contactManagement }, order);
  const existingLocation = match ? await findCustomerLocation(http, match.customer.id, order) : undefined;
  const items: OrderPlan["items"] = [];
  for (const line of jobOrder?.lines ?? []) {
    const itemKind = itemKindOf(config, order, line);
    if (items.some((i) => i.sku === line.sku && i.kind === itemKind)) continue;
    const item = await findPricebookItem(http, itemKind, line.sku);
    items.push(
      item
        ? { sku: line.sku, kind: itemKind, action: "reuse", id: item.id }
        : { sku: line.sku, kind: itemKind, action: "create" },
    );
  }
  return {
    customer: match
      ? { action: "reuse", id: match.customer.id, matchedBy: match.matchedBy }
      : config.createUnmatchedCustomers
        ? { action: "create" }
        : { action: "reject" },
    location: existingLocation ? { action: "reuse", id: existingLocation.id } : { action: "create" },
    items,
    job: jobOrder
      ? {
          action: "create",
          businessUnitId: kind.businessUnitId,
          jobTypeId: kind.jobTypeId,
          campaignId: kind.campaignId,
        }
      : { action: "none" },
    memberships: memberships.lines.map(({ line, plan }) => ({
      sku: line.sku,
      membershipTypeId: plan.membershipTypeId,
      durationBillingId: plan.durationBillingId,
    })),
    // Job lines plus a shipping and a discount line when those amounts are above zero.
    invoiceLines: jobOrder ? jobOrder.lines.length + adjustmentAmounts(order).filter((a) => a.cents > 0).length : 0,
    tags: {
      customer: customerTagTypeIds(config, order),
      location: locationTagTypeIds(config, order),
      job: jobOrder ? kind.jobTagTypeIds : [],
    },
  };
}
