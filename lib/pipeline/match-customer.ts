/**
 * Step 1: find the ServiceTitan customer an order belongs to — by email, then phone, then name +
 * address; the first step that finds one wins, and a step is skipped when the order lacks its field.
 *
 * ServiceTitan's filters are loose (name is a contains match, `phone` matches any contact, unknown
 * params are silently ignored and return the whole list), so every candidate the API returns is
 * confirmed client-side against normalised values before it counts.
 *
 * Deterministic choice among several confirmed candidates: after following merges, prefer an active
 * customer over an inactive one, then the lowest id (the oldest record — offices merge newer
 * duplicates into older ones). Never a random or "first returned" pick.
 */

import { sameAddress } from "../normalize/address.ts";
import { normalizeEmail } from "../normalize/email.ts";
import { customerNameMatches } from "../normalize/name.ts";
import { phoneDigits } from "../normalize/phone.ts";
import type { Order } from "../order/event-schema.ts";
import {
  type Customer,
  listContactRelationships,
  listCustomerContacts,
  listCustomers,
  listLocations,
  searchContactMethods,
} from "../servicetitan/endpoints/crm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";

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

/** Contact methods / candidates looked at per step; beyond this the data is not a match, it's noise. */
const maxCandidates = 10;
/** Merges can chain (A → B → C); a loop or a deep chain is bad data, not something to chase. */
const maxMergeHops = 5;

export async function matchCustomer(http: ServiceTitanHttp, order: Order): Promise<CustomerMatch | undefined> {
  const { email, phone } = order.customer;
  if (email) {
    const customer = await matchByEmail(http, email);
    if (customer) return { customer, matchedBy: MatchedBy.Email };
  }
  if (phone) {
    const customer = await matchByPhone(http, phone.digits);
    if (customer) return { customer, matchedBy: MatchedBy.Phone };
  }
  const customer = await matchByNameAndAddress(http, order);
  if (customer) return { customer, matchedBy: MatchedBy.NameAddress };
  return undefined;
}

/**
 * `contacts/contact-methods` (type Email) → the contact's customer relationships → the customers.
 * The lower-cased address is searched first; when the storefront sent another casing and nothing
 * was found, that exact spelling is tried too, in case the tenant's search is case-sensitive.
 */
async function matchByEmail(http: ServiceTitanHttp, rawEmail: string): Promise<Customer | undefined> {
  const email = normalizeEmail(rawEmail);
  let methods = await searchContactMethods(http, { type: "Email", value: email });
  if (methods.length === 0 && rawEmail.trim() !== email) {
    methods = await searchContactMethods(http, { type: "Email", value: rawEmail.trim() });
  }
  const contactIds = [
    ...new Set(methods.filter((m) => normalizeEmail(m.value) === email).map((m) => m.contactId)),
  ].slice(0, maxCandidates);
  const relationships = await Promise.all(
    contactIds.map((contactId) => listContactRelationships(http, contactId, { typeSlug: "customer" })),
  );
  const customerIds = [
    ...new Set(
      relationships
        .flat()
        .filter((r) => r.typeSlug === "customer")
        .map((r) => r.relatedEntityId),
    ),
  ];
  return chooseCustomer(http, await fetchCustomers(http, customerIds));
}

/** `customers?phone=` then each candidate's contacts compared on the 10 national digits. */
async function matchByPhone(http: ServiceTitanHttp, digits: string): Promise<Customer | undefined> {
  const page = await listCustomers(http, { phone: digits, active: "Any", pageSize: maxCandidates });
  const confirmed: Customer[] = [];
  for (const candidate of page.data.slice(0, maxCandidates)) {
    const contacts = await listCustomerContacts(http, candidate.id);
    if (contacts.some((c) => isPhoneType(c.type) && phoneDigits(c.value) === digits)) confirmed.push(candidate);
  }
  return chooseCustomer(http, confirmed);
}

const isPhoneType = (type: string) => type === "Phone" || type === "MobilePhone";

/**
 * `customers?name=<last name>&zip=<ZIP5>` compared on the bill-to address; when the service
 * address differs, `locations?name=&zip=` too. The API filters are not normalised ("Ln" vs "Lane",
 * "IL" vs "Illinois", ZIP+4), so only name and ZIP narrow the search and the rest is compared here.
 */
async function matchByNameAndAddress(http: ServiceTitanHttp, order: Order): Promise<Customer | undefined> {
  const { customer: person, billingAddress, serviceAddress } = order;
  const searchName = person.company ?? person.lastName;
  const byBillTo = await listCustomers(http, {
    name: searchName,
    zip: billingAddress.zip.slice(0, 5),
    active: "Any",
    pageSize: 50,
  });
  const confirmed = byBillTo.data.filter(
    (c) =>
      customerNameMatches(c.name, person) &&
      (sameAddress(c.address, billingAddress) || sameAddress(c.address, serviceAddress)),
  );
  if (confirmed.length > 0) return chooseCustomer(http, confirmed);

  if (sameAddress(billingAddress, serviceAddress)) return undefined;
  const locations = await listLocations(http, {
    name: searchName,
    zip: serviceAddress.zip.slice(0, 5),
    active: "Any",
    pageSize: 50,
  });
  const owners = [
    ...new Set(locations.data.filter((l) => sameAddress(l.address, serviceAddress)).map((l) => l.customerId)),
  ];
  const candidates = await fetchCustomers(http, owners);
  return chooseCustomer(
    http,
    candidates.filter((c) => customerNameMatches(c.name, person)),
  );
}

async function fetchCustomers(http: ServiceTitanHttp, ids: readonly number[]): Promise<Customer[]> {
  if (ids.length === 0) return [];
  const page = await listCustomers(http, { ids: ids.slice(0, 50), active: "Any", pageSize: 50 });
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

async function chooseCustomer(http: ServiceTitanHttp, candidates: readonly Customer[]): Promise<Customer | undefined> {
  if (candidates.length === 0) return undefined;
  const known = new Map(candidates.map((c) => [c.id, c]));
  const resolved = await Promise.all(candidates.map((c) => (c.mergedToId ? resolveMerged(http, c, known) : c)));
  const unique = [...new Map(resolved.map((c) => [c.id, c])).values()];
  unique.sort((a, b) => Number(b.active) - Number(a.active) || a.id - b.id);
  return unique[0];
}

/** The ServiceTitan customer name for an order: the company for commercial orders, else the person. */
export function customerDisplayName(order: Order): string {
  return order.customer.company ?? `${order.customer.firstName} ${order.customer.lastName}`;
}

export function customerTypeFor(order: Order): "Residential" | "Commercial" {
  return order.customer.company ? "Commercial" : "Residential";
}
