/**
 * Matching without the customer index: its first backfill isn't complete yet, or no index is
 * configured. ServiceTitan's own searches only: e-mail through `contacts/contact-methods` when the
 * tenant has Contact Management (on other tenants it finds nothing), phone through
 * `customers?phone=`, name + address through `customers?name=&zip=` and `locations?name=&zip=`.
 *
 * ServiceTitan's filters are loose (name is a contains match, `phone` matches any contact, unknown
 * params are silently ignored and return the whole list), so every candidate is confirmed
 * client-side against normalised values before it counts.
 */
import { sameAddress } from "../normalize/address.ts";
import { normalizeEmail } from "../normalize/email.ts";
import { customerNameMatches } from "../normalize/name.ts";
import type { Order } from "../order/event-schema.ts";
import {
  type Customer,
  listContactRelationships,
  listCustomers,
  listLocations,
  searchContactMethods,
} from "../servicetitan/endpoints/crm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { ownersOfContact } from "./match-contacts.ts";
import {
  type CustomerMatch,
  chooseCustomer,
  fetchCustomers,
  MatchedBy,
  type MatchSources,
  maxCandidates,
} from "./match-customer.ts";

export async function matchLive(sources: MatchSources, order: Order): Promise<CustomerMatch | undefined> {
  const { http } = sources;
  const { email, phone } = order.customer;
  if (email && sources.contactManagement) {
    const customer = await matchByContactMethods(http, email);
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
 * Contact Management only: `contacts/contact-methods` (type Email) → the contact's customer
 * relationships → the customers. The lower-cased address is searched first; when the storefront
 * sent another casing and nothing was found, that exact spelling is tried too, in case the tenant's
 * search is case-sensitive.
 */
export async function matchByContactMethods(http: ServiceTitanHttp, rawEmail: string): Promise<Customer | undefined> {
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

/** `customers?phone=` then the candidates' contacts, in one call, compared on the 10 national digits. */
async function matchByPhone(http: ServiceTitanHttp, digits: string): Promise<Customer | undefined> {
  const page = await listCustomers(http, { phone: digits, active: "Any", pageSize: maxCandidates });
  const candidates = page.data.slice(0, maxCandidates);
  const owners = await ownersOfContact(
    http,
    { kind: "phone", value: digits },
    { customerIds: candidates.map((c) => c.id) },
  );
  return chooseCustomer(
    http,
    candidates.filter((c) => owners.has(c.id)),
  );
}

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
