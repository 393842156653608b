/**
 * Step 1: find the ServiceTitan customer an order belongs to — by e-mail, then phone, then name +
 * address; the first rule that finds one wins (so an e-mail on record beats a phone shared with a
 * household member), and a rule is skipped when the order lacks its field.
 *
 * Candidates come from the customer index (`match-indexed.ts`): `GET /customers` has no e-mail
 * filter, and on tenants without Contact Management nothing else finds a customer by e-mail. Until
 * the index's first backfill is complete, or when no index is configured, ServiceTitan is searched
 * live instead (`match-live.ts`: phone and name + address; e-mail only with Contact Management).
 *
 * Either way every candidate is confirmed against ServiceTitan before it counts: the customer read
 * live (`active=Any`, merges followed) and, for e-mail and phone, its live contacts. Never on index
 * data alone.
 *
 * Deterministic choice among several confirmed candidates: after following merges, only active
 * customers (a deactivated customer is never attached), then the lowest id (the oldest record —
 * offices merge newer duplicates into older ones). Never a random or "first returned" pick.
 */
import type { BatchIndexView } from "../customer-index/batch-view.ts";
import type { Order } from "../order/event-schema.ts";
import { type Customer, listCustomers } from "../servicetitan/endpoints/crm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { matchByIndex } from "./match-indexed.ts";
import { matchLive } from "./match-live.ts";

export const MatchedBy = {
  Email: "email",
  Phone: "phone",
  NameAddress: "name_address",
  Created: "created",
} as const;
export type MatchedBy = (typeof MatchedBy)[keyof typeof MatchedBy];

export interface CustomerMatch {
  customer: Customer;
  matchedBy: Exclude<MatchedBy, "created">;
}

/** Where candidates come from. */
export interface MatchSources {
  http: ServiceTitanHttp;
  /** `customerIndex.contactManagement`: only then is `contacts/contact-methods` searched. */
  contactManagement: boolean;
  /** This batch's view of the customer index; absent = search live. */
  index?: BatchIndexView | undefined;
}

/** Candidates looked at per rule; beyond this the data is not a match, it's noise. */
export const maxCandidates = 10;
/** Merges can chain (A → B → C); a loop or a deep chain is bad data, not something to chase. */
const maxMergeHops = 5;

export async function matchCustomer(sources: MatchSources, order: Order): Promise<CustomerMatch | undefined> {
  if (sources.index && (await sources.index.usable())) return matchByIndex({ ...sources, index: sources.index }, order);
  return matchLive(sources, order);
}

/** `GET /customers?ids=…&active=Any`: deactivated and merged customers are returned too. */
export async function fetchCustomers(http: ServiceTitanHttp, ids: readonly number[]): Promise<Customer[]> {
  if (ids.length === 0) return [];
  const page = await listCustomers(http, { ids: [...new Set(ids)].slice(0, 50), active: "Any", pageSize: 50 });
  return page.data;
}

/**
 * Follows `mergedToId` (ServiceTitan keeps merged customers inactive, pointing at the survivor).
 * A survivor already among `known` (often: both records share the e-mail) costs no call.
 */
export async function resolveMerged(
  http: ServiceTitanHttp,
  customer: Customer,
  known: ReadonlyMap<number, Customer> = new Map(),
): Promise<Customer> {
  let current = customer;
  const seen = new Set<number>([current.id]);
  for (let hop = 0; hop < maxMergeHops && current.mergedToId && !seen.has(current.mergedToId); hop++) {
    seen.add(current.mergedToId);
    const survivor = known.get(current.mergedToId) ?? (await fetchCustomers(http, [current.mergedToId]))[0];
    if (!survivor) break;
    current = survivor;
  }
  return current;
}

/** Merges followed, inactive (deactivated, deleted-looking) customers dropped, lowest id first. */
export async function chooseCustomer(
  http: ServiceTitanHttp,
  candidates: readonly Customer[],
): Promise<Customer | undefined> {
  if (candidates.length === 0) return undefined;
  const known = new Map(candidates.map((c) => [c.id, c]));
  const resolved = await Promise.all(candidates.map((c) => (c.mergedToId ? resolveMerged(http, c, known) : c)));
  const active = [...new Map(resolved.filter((c) => c.active).map((c) => [c.id, c])).values()];
  active.sort((a, b) => a.id - b.id);
  return active[0];
}

/** The ServiceTitan customer name for an order: the company for commercial orders, else the person. */
export function customerDisplayName(order: Order): string {
  return order.customer.company ?? `${order.customer.firstName} ${order.customer.lastName}`;
}

export function customerTypeFor(order: Order): "Residential" | "Commercial" {
  return order.customer.company ? "Commercial" : "Residential";
}
