/**
 * Memberships (memberships-v2.json): membership types with their duration/billing options
 * (`MembershipTypes_GetList`, `MembershipTypes_Get`, `MembershipTypes_GetDurationBillingList`), a
 * customer's memberships (`CustomerMemberships_GetList`, `_Get`, `_Update`) and the sale
 * (`CustomerMemberships_Create`, `POST /memberships/sale`).
 *
 * The sale validates what ServiceTitan documents (customer, business unit, sale task, duration/billing
 * option, locations of the customer), creates the membership `Active` from now for the option's
 * duration, and creates its sale invoice — no job, `invoiceConfiguration: MembershipInvoice` — with
 * one line: the sale task at the option's sale price. Which price live ServiceTitan puts on that line
 * (the option's sale price or the task's pricebook price) is UNCONFIRMED. Nothing stops a second sale
 * of the same type for the same customer: the spec documents no such check.
 */
import { z } from "zod";
import { ciEnum, int64, parseBody } from "../body.ts";
import { byIds, dateFilter, matchesActive } from "../filters.ts";
import { taxZoneOf } from "../invoices.ts";
import { paginate, sortItems, standardSortFields } from "../paging.ts";
import { validationProblem } from "../problem.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, requireRecord, route } from "../router.ts";
import {
  allocateId,
  type CustomerMembershipRecord,
  type DurationBillingRecord,
  type InvoiceRecord,
  type MembershipTypeRecord,
  nowIso,
  type SandboxState,
  touch,
} from "../state.ts";
import { ErrorCollector } from "./common.ts";

const statuses = ["Active", "Suspended", "Expired", "Canceled", "Deleted"] as const;
const recurringServiceActions = ["None", "Single", "All"] as const;

function durationBillingEntry(d: DurationBillingRecord) {
  return {
    duration: d.duration,
    billingFrequency: d.billingFrequency,
    salePrice: d.salePrice,
    billingPrice: d.billingPrice,
    renewalPrice: d.renewalPrice,
  };
}

function membershipTypeView(t: MembershipTypeRecord, includeDurationBilling: boolean) {
  return {
    name: t.name,
    displayName: null,
    active: t.active,
    discountMode: "Basic",
    locationTarget: "SingleLocation",
    revenueRecognitionMode: "PointOfSale",
    autoCalculateInvoiceTemplates: true,
    useMembershipPricingTable: false,
    showMembershipSavings: false,
    id: t.id,
    createdOn: t.createdOn,
    createdById: null,
    modifiedOn: t.modifiedOn,
    importId: null,
    billingTemplateId: null,
    discount: 0,
    durationBilling: includeDurationBilling ? t.durationBilling.map(durationBillingEntry) : null,
    discounts: null,
    recurringServices: null,
    tagTypeIds: null,
  };
}

function listMembershipTypes({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const active = q.active();
  const dated = dateFilter(q);
  const include = q.bool("includeDurationBilling") ?? false;
  const items = [...state.membershipTypes.values()].filter(
    (t) => ids(t) && matchesActive(t.active, active) && dated(t),
  );
  const sorted = sortItems(items, q, { ...standardSortFields<MembershipTypeRecord>(), Name: (t) => t.name });
  return { status: 200, body: paginate(sorted, q, (t) => membershipTypeView(t, include)) };
}

function getMembershipType(ctx: HandlerContext): HandlerResult {
  const type = requireRecord(ctx.state.membershipTypes, pathId(ctx), "Membership type");
  return { status: 200, body: membershipTypeView(type, true) };
}

function listDurationBilling(ctx: HandlerContext): HandlerResult {
  const type = requireRecord(ctx.state.membershipTypes, pathId(ctx), "Membership type");
  const active = ctx.query.active();
  const items = type.durationBilling.filter((d) => matchesActive(d.active, active));
  return {
    status: 200,
    body: items.map((d) => ({
      ...durationBillingEntry(d),
      id: d.id,
      importId: null,
      active: d.active,
      createdOn: d.createdOn,
      createdById: null,
    })),
  };
}

function billingFrequencyOf(
  state: SandboxState,
  m: CustomerMembershipRecord,
): DurationBillingRecord["billingFrequency"] {
  return findDurationBilling(state, m.durationBillingId)?.option.billingFrequency ?? "OneTime";
}

export function membershipView(state: SandboxState, m: CustomerMembershipRecord) {
  const option = findDurationBilling(state, m.durationBillingId)?.option;
  return {
    id: m.id,
    createdOn: m.createdOn,
    createdById: m.createdById,
    modifiedOn: m.modifiedOn,
    followUpOn: m.to ?? m.from,
    cancellationDate: null,
    from: m.from,
    nextScheduledBillDate: null,
    to: m.to,
    billingFrequency: billingFrequencyOf(state, m),
    renewalBillingFrequency: null,
    status: m.status,
    followUpStatus: "NotAttempted",
    active: m.status !== "Deleted",
    initialDeferredRevenue: 0,
    duration: option?.duration ?? null,
    renewalDuration: null,
    businessUnitId: m.businessUnitId,
    customerId: m.customerId,
    membershipTypeId: m.membershipTypeId,
    activatedById: m.createdById,
    activatedFromId: null,
    billingTemplateId: null,
    cancellationBalanceInvoiceId: null,
    cancellationInvoiceId: null,
    followUpCustomStatusId: null,
    locationId: m.locationId,
    paymentMethodId: null,
    paymentTypeId: null,
    recurringLocationId: m.recurringLocationId,
    renewalMembershipTaskId: null,
    renewedById: null,
    soldById: null,
    customerPo: null,
    importId: null,
    memo: m.memo,
    customFields: [],
  };
}

function listMemberships({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const customerIds = q.intList("customerIds", 5000);
  const status = q.enumValue("status", statuses);
  const active = q.active();
  const dated = dateFilter(q);
  const items = [...state.memberships.values()].filter(
    (m) =>
      ids(m) &&
      (customerIds === undefined || customerIds.includes(m.customerId)) &&
      (status === undefined || m.status === status) &&
      matchesActive(m.status !== "Deleted", active) &&
      dated(m),
  );
  const sorted = sortItems(items, q, standardSortFields<CustomerMembershipRecord>());
  return { status: 200, body: paginate(sorted, q, (m) => membershipView(state, m)) };
}

function getMembership(ctx: HandlerContext): HandlerResult {
  const membership = requireRecord(ctx.state.memberships, pathId(ctx), "Customer membership");
  return { status: 200, body: membershipView(ctx.state, membership) };
}

/** `Memberships.V2.CustomerMembershipUpdateRequest` (the fields the sandbox keeps). */
const updateSchema = z.object({
  businessUnitId: int64.optional(),
  status: ciEnum(statuses).optional(),
  memo: z.string().optional(),
  from: z.string().optional(),
  to: z.string().nullish(),
  locationId: int64.nullish(),
  recurringServiceAction: ciEnum(recurringServiceActions).optional(),
  recurringLocationId: int64.nullish(),
});

function updateMembership(ctx: HandlerContext): HandlerResult {
  const membership = requireRecord(ctx.state.memberships, pathId(ctx), "Customer membership");
  const input = parseBody(updateSchema, ctx.body);
  if (input.businessUnitId !== undefined) membership.businessUnitId = input.businessUnitId;
  if (input.status !== undefined) membership.status = input.status;
  if (input.memo !== undefined) membership.memo = input.memo;
  if (input.from !== undefined) membership.from = input.from;
  if (input.to !== undefined) membership.to = input.to;
  if (input.locationId !== undefined) membership.locationId = input.locationId;
  if (input.recurringServiceAction !== undefined) membership.recurringServiceAction = input.recurringServiceAction;
  if (input.recurringLocationId !== undefined) membership.recurringLocationId = input.recurringLocationId;
  touch(ctx.state, membership);
  return { status: 200, body: { id: membership.id } };
}

/** `Memberships.V2.MembershipSaleInvoiceCreateRequest` (`additionalProperties: false`). */
const saleSchema = z.strictObject({
  customerId: int64,
  businessUnitId: int64,
  saleTaskId: int64,
  durationBillingId: int64,
  locationId: int64.nullish(),
  recurringServiceAction: ciEnum(recurringServiceActions),
  recurringLocationId: int64.nullish(),
});

function findDurationBilling(state: SandboxState, id: number) {
  for (const type of state.membershipTypes.values()) {
    const option = type.durationBilling.find((d) => d.id === id);
    if (option) return { type, option };
  }
  return undefined;
}

function sellMembership({ state, body }: HandlerContext): HandlerResult {
  const input = parseBody(saleSchema, body);
  const errors = new ErrorCollector();
  const customer = state.customers.get(input.customerId);
  if (!customer?.active) errors.add("customerId", `Customer with id ${input.customerId} not found.`);
  if (!state.businessUnits.get(input.businessUnitId)?.active) {
    errors.add("businessUnitId", `Business unit with id ${input.businessUnitId} not found.`);
  }
  const task = state.services.get(input.saleTaskId);
  if (!task?.active) errors.add("saleTaskId", `Sale task with id ${input.saleTaskId} not found.`);
  const found = findDurationBilling(state, input.durationBillingId);
  if (!found?.type.active || !found.option.active) {
    errors.add("durationBillingId", `Duration/billing option with id ${input.durationBillingId} not found.`);
  }
  for (const field of ["locationId", "recurringLocationId"] as const) {
    const id = input[field];
    if (id === undefined || id === null) continue;
    const location = state.locations.get(id);
    if (!location?.active || location.customerId !== input.customerId) {
      errors.add(field, `Location with id ${id} not found for customer ${input.customerId}.`);
    }
  }
  errors.throwIfAny();
  if (!found || !task || !customer) throw validationProblem({ "": ["Unreachable"] });
  const at = nowIso(state);
  const membershipId = allocateId(state);
  const locationId =
    input.recurringLocationId ??
    input.locationId ??
    [...state.locations.values()].find((l) => l.customerId === customer.id && l.active)?.id ??
    0;
  const zone = taxZoneOf(state, locationId);
  const invoice: InvoiceRecord = {
    id: allocateId(state),
    jobId: null,
    referenceNumber: `M${membershipId}`,
    customerId: customer.id,
    locationId,
    businessUnitId: input.businessUnitId,
    invoiceDate: at,
    dueDate: null,
    summary: null,
    syncStatus: "Pending",
    reviewStatus: "NeedsReview",
    sentStatus: "NotSent",
    active: true,
    taxZoneId: zone?.id ?? null,
    taxRate: zone?.rate ?? 0,
    items: [
      {
        id: allocateId(state),
        skuId: task.id,
        skuName: task.code,
        displayName: task.displayName,
        type: "Service",
        description: task.description,
        quantity: 1,
        unitPriceCents: Math.round(found.option.salePrice * 100),
        costCents: 0,
        technicianId: null,
        addOn: false,
        taxable: task.taxable ?? false,
        inventory: false,
        isChargeable: true,
        order: 1,
        installedOn: null,
        createdOn: at,
        modifiedOn: at,
      },
    ],
    createdOn: at,
    modifiedOn: at,
    membershipId,
  };
  const to = found.option.duration === null ? null : addMonths(at, found.option.duration);
  const membership: CustomerMembershipRecord = {
    id: membershipId,
    customerId: customer.id,
    membershipTypeId: found.type.id,
    businessUnitId: input.businessUnitId,
    durationBillingId: found.option.id,
    saleTaskId: task.id,
    locationId: input.locationId ?? null,
    recurringLocationId: input.recurringLocationId ?? null,
    recurringServiceAction: input.recurringServiceAction,
    status: "Active",
    memo: null,
    invoiceId: invoice.id,
    from: at,
    to,
    createdOn: at,
    createdById: state.apiUserId,
    modifiedOn: at,
  };
  state.invoices.set(invoice.id, invoice);
  state.memberships.set(membership.id, membership);
  return { status: 200, body: { invoiceId: invoice.id, customerMembershipId: membership.id } };
}

function addMonths(iso: string, months: number): string {
  const date = new Date(iso);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString();
}

export const membershipRoutes: Route[] = [
  route("GET", "memberships", "/membership-types", "MembershipTypes_GetList", listMembershipTypes),
  route("GET", "memberships", "/membership-types/{id}", "MembershipTypes_Get", getMembershipType),
  route(
    "GET",
    "memberships",
    "/membership-types/{id}/duration-billing-items",
    "MembershipTypes_GetDurationBillingList",
    listDurationBilling,
  ),
  route("POST", "memberships", "/memberships/sale", "CustomerMemberships_Create", sellMembership),
  route("GET", "memberships", "/memberships", "CustomerMemberships_GetList", listMemberships),
  route("GET", "memberships", "/memberships/{id}", "CustomerMemberships_Get", getMembership),
  route("PATCH", "memberships", "/memberships/{id}", "CustomerMemberships_Update", updateMembership),
];
