/**
 * Steps 1–2 together: the customer (matched, or created with its first location in one call) and
 * the location the order is for.
 *
 * Creating is where duplicates are born: two orders of the same new customer processed at once would
 * each miss the match and each create. Before creating, the order therefore locks the customer's
 * normalised identities (email, phone) — see `create-once.ts` — and matches again if another order
 * held them before: a concurrent order of the same person backs off and, on its retry, matches the
 * customer this order created.
 */
import type { SyncConfig } from "../config/schema.ts";
import type { BatchIndexView } from "../customer-index/batch-view.ts";
import type { CustomerIndex } from "../customer-index/environment.ts";
import { indexCreatedCustomer } from "../customer-index/write-through.ts";
import { BusinessRuleError, ReasonCode } from "../errors.ts";
import { type CreationLock, type LockKey, LockScope } from "../ledger/creation-lock.ts";
import { normalizeEmail } from "../normalize/email.ts";
import type { Order } from "../order/event-schema.ts";
import {
  type CreatedCustomer,
  createCustomer,
  listCustomers,
  listLocations,
  type NewContact,
} from "../servicetitan/endpoints/crm.ts";
import { ServiceTitanResponseInvalidError } from "../servicetitan/errors.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { findOrCreateOnce } from "./create-once.ts";
import { ExternalDataKey, externalDataFilter, externalDataStamp, stampedForContent } from "./external-data.ts";
import { customerDisplayName, customerTypeFor, type MatchedBy, matchCustomer } from "./match-customer.ts";
import { customerTagTypeIds, locationTagTypeIds, resolveLocation } from "./resolve-location.ts";
import { toServiceTitanAddress } from "./st-address.ts";

export interface CustomerAndLocation {
  customer: { id: number; tagTypeIds: readonly number[] };
  location: { id: number; tagTypeIds: readonly number[] };
  matchedBy: MatchedBy;
  customerCreated: boolean;
  locationCreated: boolean;
}

/** What finding or creating an order's customer needs; the index parts only when the index is in use. */
export interface SyncCustomerDependencies {
  http: ServiceTitanHttp;
  config: SyncConfig;
  creationLock: CreationLock;
  /** For write-through of a customer or location created here. */
  customerIndex?: CustomerIndex | undefined;
}

export async function syncCustomerAndLocation(
  deps: SyncCustomerDependencies,
  order: Order,
  orderKey: string,
  options: { reconcile: boolean; payloadHash: string; index?: BatchIndexView | undefined },
): Promise<CustomerAndLocation> {
  const { http, config } = deps;
  const index = options.index && (await options.index.usable()) ? options.index : undefined;
  if (options.reconcile) {
    const earlier = await findCreatedByThisOrder(http, config, orderKey, options.payloadHash);
    if (earlier) return earlier;
  }

  const { record } = await findOrCreateOnce<CustomerAndLocation>(
    { lock: deps.creationLock, keys: customerIdentities(order), ownerToken: orderKey, what: "customer" },
    {
      find: () => matchedCustomerAndLocation(deps, order, orderKey, index),
      beforeCreate: () => {
        if (!config.createUnmatchedCustomers) {
          throw new BusinessRuleError(
            ReasonCode.CustomerCreationDisabled,
            "No ServiceTitan customer matches the order and createUnmatchedCustomers is false",
          );
        }
      },
      create: async () => {
        const created = await createCustomerWithLocation(http, config, order, orderKey, options.payloadHash);
        if (deps.customerIndex) await indexCreatedCustomer(deps.customerIndex, created.record);
        return created.result;
      },
    },
  );
  return record;
}

/** The matched customer and its location for the order (found or created), or undefined without a match. */
async function matchedCustomerAndLocation(
  deps: SyncCustomerDependencies,
  order: Order,
  orderKey: string,
  index: BatchIndexView | undefined,
): Promise<CustomerAndLocation | undefined> {
  const { http, config } = deps;
  const match = await matchCustomer({ http, contactManagement: config.customerIndex.contactManagement, index }, order);
  if (!match) return undefined;
  const { location, created } = await resolveLocation(
    { http, config, creationLock: deps.creationLock, index, customerIndex: deps.customerIndex },
    order,
    match.customer.id,
    orderKey,
  );
  return {
    customer: { id: match.customer.id, tagTypeIds: match.customer.tagTypeIds ?? [] },
    location: { id: location.id, tagTypeIds: location.tagTypeIds ?? [] },
    matchedBy: match.matchedBy,
    customerCreated: false,
    locationCreated: created,
  };
}

/** Lock keys for the person behind the order; the lock hashes them, no personal data is stored. */
export function customerIdentities(order: Order): LockKey[] {
  const { email, phone } = order.customer;
  return [...(email ? [`email:${normalizeEmail(email)}`] : []), ...(phone ? [`phone:${phone.digits}`] : [])].map(
    (value) => ({ scope: LockScope.CustomerIdentity, value }),
  );
}

async function createCustomerWithLocation(
  http: ServiceTitanHttp,
  config: SyncConfig,
  order: Order,
  orderKey: string,
  payloadHash: string,
): Promise<{ result: CustomerAndLocation; record: CreatedCustomer }> {
  const name = customerDisplayName(order);
  const stamp = externalDataStamp(config, ExternalDataKey.CreatedByOrder, orderKey, payloadHash);
  const customerTags = customerTagTypeIds(config, order);
  const locationTags = locationTagTypeIds(config, order);
  const created = await createCustomer(http, {
    name,
    type: customerTypeFor(order),
    address: toServiceTitanAddress(order.billingAddress),
    locations: [
      { name, address: toServiceTitanAddress(order.serviceAddress), tagTypeIds: locationTags, externalData: stamp },
    ],
    contacts: customerContacts(order),
    tagTypeIds: customerTags,
    externalData: stamp,
  });
  const location = created.locations[0];
  if (!location) {
    // Permanent: a retry would find this customer by its stamp but no location, and create another.
    throw new ServiceTitanResponseInvalidError("POST crm Customers_Create", 200, ["locations"]);
  }
  return {
    result: {
      customer: { id: created.id, tagTypeIds: created.tagTypeIds ?? customerTags },
      location: { id: location.id, tagTypeIds: location.tagTypeIds ?? locationTags },
      matchedBy: "created",
      customerCreated: true,
      locationCreated: true,
    },
    record: created,
  };
}

/**
 * The order's e-mail and phone as the new customer's contacts. A company order names the company as
 * the customer, so the person who ordered ("Angela Moss" of "Prairie Dental Group PC") is kept in
 * each contact's `memo` — ServiceTitan's "short description about this contact" (crm-v2
 * `NewCustomerContact.memo`, e.g. "Owner's daughter - Kelly"), which every tenant has, unlike the
 * Contact Management model's named contacts. A phone extension joins the memo.
 */
export function customerContacts(order: Order): NewContact[] {
  const { email, phone, company, firstName, lastName } = order.customer;
  const person = company ? `${firstName} ${lastName}` : undefined;
  const memo = (...parts: (string | undefined)[]) => {
    const text = parts.filter((part) => part !== undefined).join(", ");
    return text === "" ? {} : { memo: text };
  };
  return [
    ...(email ? [{ type: "Email" as const, value: email.trim(), ...memo(person) }] : []),
    ...(phone
      ? [
          {
            type: "Phone" as const,
            value: phone.digits,
            ...memo(person, phone.extension ? `ext. ${phone.extension}` : undefined),
          },
        ]
      : []),
  ];
}

/**
 * A resumed order may have created its customer (and that customer's first location) before it
 * crashed or lost the reply; both carry this order's `createdByOrder` stamp and its payload hash.
 * A customer stamped for other content (an earlier version of this order, e.g. another person)
 * is never reused.
 */
async function findCreatedByThisOrder(
  http: ServiceTitanHttp,
  config: SyncConfig,
  orderKey: string,
  payloadHash: string,
): Promise<CustomerAndLocation | undefined> {
  const filter = externalDataFilter(config, ExternalDataKey.CreatedByOrder, orderKey);
  const customers = await listCustomers(http, { externalData: filter, active: "Any" });
  const customer = customers.data.filter((c) => stampedForContent(c, payloadHash)).sort((a, b) => a.id - b.id)[0];
  if (!customer) return undefined;
  const locations = await listLocations(http, { customerId: customer.id, externalData: filter, active: "Any" });
  const location = locations.data.filter((l) => stampedForContent(l, payloadHash)).sort((a, b) => a.id - b.id)[0];
  if (!location) return undefined;
  return {
    customer: { id: customer.id, tagTypeIds: customer.tagTypeIds ?? [] },
    location: { id: location.id, tagTypeIds: location.tagTypeIds ?? [] },
    matchedBy: "created",
    customerCreated: true,
    locationCreated: true,
  };
}
