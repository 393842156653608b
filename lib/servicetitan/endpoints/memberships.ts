/**
 * Membership endpoints (memberships-v2.json), relative to `/memberships/v2/tenant/{tenant}`: the
 * membership types a config names (with their duration/billing options), a customer's memberships,
 * the sale (`CustomerMemberships_Create`, `POST /memberships/sale`, which creates the membership AND
 * its own sale invoice), and the memo update the worker stamps its order key with.
 *
 * The sale takes no externalData and no idempotency key: a retry after a lost reply finds the
 * membership by listing the customer's memberships (`lib/memberships/`).
 */
import type { ActiveFilter } from "../models/common.ts";
import {
  type CustomerMembership,
  customerMembershipSchema,
  type DurationBillingItem,
  durationBillingItemSchema,
  type MembershipSale,
  type MembershipSaleRequest,
  type MembershipType,
  membershipMemoRequestSchema,
  membershipSaleRequestSchema,
  membershipSaleResponseSchema,
  membershipTypeSchema,
} from "../models/memberships.ts";
import { listAll, pageOf } from "../pagination.ts";
import { type ServiceTitanHttp, StApi } from "../types.ts";
import { checkIds, lookupPageSize, requestBody, segment } from "./request-helpers.ts";

export type {
  CustomerMembership,
  DurationBillingItem,
  MembershipSale,
  MembershipSaleRequest,
  MembershipType,
  RecurringServiceAction,
} from "../models/memberships.ts";
export { recurringServiceActions } from "../models/memberships.ts";

const api = StApi.memberships;
const membershipTypePage = pageOf(membershipTypeSchema);
const membershipPage = pageOf(customerMembershipSchema);

/** A customer has a handful of memberships; more pages than this is not a customer the worker should guess about. */
const membershipMaxPages = 5;

/** `MembershipTypes_GetList` by ids (at most 50). An empty list makes no call. */
export async function listMembershipTypes(
  http: ServiceTitanHttp,
  filter: { ids: number[]; active?: ActiveFilter },
): Promise<MembershipType[]> {
  if (filter.ids.length === 0) return [];
  const page = await http.request({
    method: "GET",
    api,
    path: "/membership-types",
    query: { ids: checkIds(filter.ids), active: filter.active, pageSize: filter.ids.length },
    response: membershipTypePage,
    operation: "MembershipTypes_GetList",
  });
  return page.data;
}

/** `MembershipTypes_GetDurationBillingList`: the type's duration/billing options (a plain array, not a page). */
export async function listDurationBillingItems(
  http: ServiceTitanHttp,
  membershipTypeId: number,
  filter: { active?: ActiveFilter } = {},
): Promise<DurationBillingItem[]> {
  return http.request({
    method: "GET",
    api,
    path: `/membership-types/${segment(membershipTypeId)}/duration-billing-items`,
    query: { active: filter.active },
    response: durationBillingItemSchema.array(),
    operation: "MembershipTypes_GetDurationBillingList",
  });
}

/**
 * `CustomerMemberships_GetList` for one customer, every status (`active=Any`: ServiceTitan returns
 * only active records by default, and the caller decides what counts).
 */
export async function listCustomerMemberships(
  http: ServiceTitanHttp,
  customerId: number,
): Promise<CustomerMembership[]> {
  return listAll(
    (page) =>
      http.request({
        method: "GET",
        api,
        path: "/memberships",
        query: { customerIds: [customerId], active: "Any", page, pageSize: lookupPageSize },
        response: membershipPage,
        operation: "CustomerMemberships_GetList",
      }),
    { maxPages: membershipMaxPages },
  );
}

/** `CustomerMemberships_Create` (`POST /memberships/sale`): sells the membership and creates its sale invoice. */
export async function sellMembership(http: ServiceTitanHttp, body: MembershipSaleRequest): Promise<MembershipSale> {
  return http.request({
    method: "POST",
    api,
    path: "/memberships/sale",
    body: requestBody(membershipSaleRequestSchema, body, "CustomerMemberships_Create"),
    response: membershipSaleResponseSchema,
    operation: "CustomerMemberships_Create",
  });
}

/** `CustomerMemberships_Update` with the memo only (PATCH: other fields stay as they are). */
export async function setMembershipMemo(http: ServiceTitanHttp, membershipId: number, memo: string): Promise<void> {
  await http.request({
    method: "PATCH",
    api,
    path: `/memberships/${segment(membershipId)}`,
    body: requestBody(membershipMemoRequestSchema, { memo }, "CustomerMemberships_Update"),
    operation: "CustomerMemberships_Update",
  });
}
