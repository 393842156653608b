/**
 * Matching through the customer index: e-mail, then phone, then name + address. The index turns a
 * value into candidate customer ids (keyed hashes, `lib/customer-index/keys.ts`); ServiceTitan then
 * confirms them — `GET /customers?ids=&active=Any` (merges followed, inactive never attached) and,
 * for e-mail and phone, the candidates' live contacts (`match-contacts.ts`); for name + address the
 * live name and bill-to address.
 *
 * A rule that finds nothing confirmed first has the batch catch the index up (once per batch, see
 * `BatchIndexView.catchUp`) and asks again; only then does the next rule run. With Contact
 * Management, an e-mail the index doesn't know is also searched live in `contacts/contact-methods`.
 */
import type { BatchIndexView } from "../customer-index/batch-view.ts";
import type { IndexRecord } from "../customer-index/records.ts";
import { sameAddress } from "../normalize/address.ts";
import { normalizeEmail } from "../normalize/email.ts";
import { customerNameMatches } from "../normalize/name.ts";
import type { Order } from "../order/event-schema.ts";
import type { Customer } from "../servicetitan/endpoints/crm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { type ContactValue, ownersOfContact } from "./match-contacts.ts";
import {
  type CustomerMatch,
  chooseCustomer,
  fetchCustomers,
  MatchedBy,
  type MatchSources,
  maxCandidates,
} from "./match-customer.ts";
import { matchByContactMethods } from "./match-live.ts";

type Rule = () => Promise<Customer | undefined>;

export async function matchByIndex(
  sources: MatchSources & { index: BatchIndexView },
  order: Order,
): Promise<CustomerMatch | undefined> {
  const { http, index } = sources;
  const { email, phone } = order.customer;
  /** A miss is asked again once the batch has caught the index up (if it did read). */
  const withCatchUp = async (rule: Rule) => (await rule()) ?? ((await index.catchUp()) ? rule() : undefined);

  if (email) {
    const lookupKey = index.keys.email(email);
    const wanted: ContactValue = { kind: "email", value: normalizeEmail(email) };
    const byIndex: Rule = async () => (lookupKey ? confirmContactOwners(http, index, lookupKey, wanted) : undefined);
    const customer =
      (await byIndex()) ??
      (sources.contactManagement ? await matchByContactMethods(http, email) : undefined) ??
      ((await index.catchUp()) ? await byIndex() : undefined);
    if (customer) return { customer, matchedBy: MatchedBy.Email };
  }
  if (phone) {
    const lookupKey = index.keys.phone(phone.digits);
    const wanted: ContactValue = { kind: "phone", value: phone.digits };
    const customer = lookupKey
      ? await withCatchUp(() => confirmContactOwners(http, index, lookupKey, wanted))
      : undefined;
    if (customer) return { customer, matchedBy: MatchedBy.Phone };
  }
  const customer = await withCatchUp(() => matchByNameAndAddress(http, index, order));
  if (customer) return { customer, matchedBy: MatchedBy.NameAddress };
  return undefined;
}

/** Index candidates for a contact value → live customers whose live contacts still hold it. */
async function confirmContactOwners(
  http: ServiceTitanHttp,
  index: BatchIndexView,
  lookupKey: string,
  wanted: ContactValue,
): Promise<Customer | undefined> {
  const records = await index.lookup(lookupKey);
  const customerIds = new Set<number>();
  const viaLocations: number[] = [];
  for (const record of records) {
    if (record.kind === "customerContact") customerIds.add(record.customerId);
    else if (record.kind === "locationContact") viaLocations.push(record.locationId);
  }
  const locationOwners = new Map<number, number>();
  for (const location of await index.locations(viaLocations.slice(0, maxCandidates))) {
    locationOwners.set(location.id, location.customerId);
  }
  const ids = [...customerIds, ...locationOwners.values()].slice(0, maxCandidates);
  if (ids.length === 0) return undefined;
  const [customers, owners] = await Promise.all([
    fetchCustomers(http, ids),
    ownersOfContact(http, wanted, {
      customerIds: [...customerIds].slice(0, maxCandidates),
      locationOwners: new Map([...locationOwners].filter(([, owner]) => !customerIds.has(owner))),
    }),
  ]);
  return chooseCustomer(
    http,
    customers.filter((c) => owners.has(c.id)),
  );
}

/**
 * Records at the order's bill-to or service address (same building from the look-up key, same
 * unit from the exact-address hash) → their customers, read live: the name must match, and a
 * candidate found by its bill-to address must still have it.
 */
async function matchByNameAndAddress(
  http: ServiceTitanHttp,
  index: BatchIndexView,
  order: Order,
): Promise<Customer | undefined> {
  const { customer: person, billingAddress, serviceAddress } = order;
  const addresses = sameAddress(billingAddress, serviceAddress) ? [billingAddress] : [billingAddress, serviceAddress];
  const byBillTo = new Set<number>();
  const byLocation = new Set<number>();
  for (const address of addresses) {
    const lookupKey = index.keys.address(address);
    const exact = index.keys.exactAddress(address);
    if (!lookupKey) continue;
    const records: IndexRecord[] = await index.lookup(lookupKey);
    for (const record of records) {
      if (record.kind === "customer" && record.exactAddress === exact) byBillTo.add(record.id);
      if (record.kind === "location" && record.exactAddress === exact) byLocation.add(record.customerId);
    }
  }
  const ids = [...new Set([...byBillTo, ...byLocation])].slice(0, maxCandidates);
  const customers = await fetchCustomers(http, ids);
  const confirmed = customers.filter(
    (c) =>
      customerNameMatches(c.name, person) &&
      (byLocation.has(c.id) || sameAddress(c.address, billingAddress) || sameAddress(c.address, serviceAddress)),
  );
  return chooseCustomer(http, confirmed);
}
