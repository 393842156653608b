/**
 * Step 2: the ServiceTitan location the work happens at. A matched customer's existing location is
 * reused when its normalised address equals the order's service address (ServiceTitan stores what
 * the office typed: "18 Orchard Ln, Apt 2" must equal "18 Orchard Lane", unit "Apt 2"); otherwise a
 * location is created under that customer, stamped with the order key so a retry after a lost reply
 * finds it instead of creating a second one.
 */
import type { SyncConfig } from "../config/schema.ts";
import type { BatchIndexView } from "../customer-index/batch-view.ts";
import type { CustomerIndex } from "../customer-index/environment.ts";
import { indexCreatedLocation } from "../customer-index/write-through.ts";
import { type CreationLock, LockScope } from "../ledger/creation-lock.ts";
import { addressKey, sameAddress } from "../normalize/address.ts";
import type { Order } from "../order/event-schema.ts";
import { createLocation, type Location, listLocations } from "../servicetitan/endpoints/crm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { findOrCreateOnce } from "./create-once.ts";
import { ExternalDataKey, externalDataStamp } from "./external-data.ts";
import { customerDisplayName } from "./match-customer.ts";
import { toServiceTitanAddress } from "./st-address.ts";

export interface ResolvedLocation {
  location: Pick<Location, "id" | "tagTypeIds">;
  created: boolean;
}

/** A customer with more locations than this is a property manager; paging further is still bounded. */
const maxLocationPages = 20;

/**
 * The customer's location at the order's service address: from the index when it knows one (the
 * customer itself was just confirmed live; the location's active flag, owner and tags come from the
 * locations feed, as fresh as the last refresh), else from ServiceTitan, all its pages.
 */
export async function findCustomerLocation(
  http: ServiceTitanHttp,
  customerId: number,
  order: Order,
  index?: BatchIndexView,
): Promise<Pick<Location, "id" | "tagTypeIds"> | undefined> {
  const indexed = index ? await findIndexedLocation(index, customerId, order) : undefined;
  return indexed ?? findLiveLocation(http, customerId, order);
}

async function findIndexedLocation(
  index: BatchIndexView,
  customerId: number,
  order: Order,
): Promise<Pick<Location, "id" | "tagTypeIds"> | undefined> {
  const lookupKey = index.keys.address(order.serviceAddress);
  const exact = index.keys.exactAddress(order.serviceAddress);
  if (!lookupKey) return undefined;
  const matches = (await index.lookup(lookupKey))
    .filter((r) => r.kind === "location" && r.customerId === customerId && r.active && r.exactAddress === exact)
    .sort((a, b) => a.id - b.id);
  const found = matches[0];
  return found?.kind === "location" ? { id: found.id, tagTypeIds: found.tagTypeIds ?? [] } : undefined;
}

async function findLiveLocation(
  http: ServiceTitanHttp,
  customerId: number,
  order: Order,
): Promise<Location | undefined> {
  const matches: Location[] = [];
  for (let page = 1; page <= maxLocationPages; page++) {
    const result = await listLocations(http, { customerId, active: "Any", page, pageSize: 200 });
    matches.push(
      ...result.data.filter((l) => l.customerId === customerId && sameAddress(l.address, order.serviceAddress)),
    );
    if (!result.hasMore) break;
  }
  // Active before inactive, then the oldest: deterministic when the office has duplicates.
  matches.sort((a, b) => Number(b.active) - Number(a.active) || a.id - b.id);
  return matches[0];
}

export async function resolveLocation(
  deps: {
    http: ServiceTitanHttp;
    config: SyncConfig;
    creationLock: CreationLock;
    /** This batch's index view, when the index is usable. */
    index?: BatchIndexView | undefined;
    /** For write-through of a location created here. */
    customerIndex?: CustomerIndex | undefined;
  },
  order: Order,
  customerId: number,
  orderKey: string,
): Promise<ResolvedLocation> {
  const { http, config } = deps;
  const tagTypeIds = locationTagTypeIds(config, order);
  const { record, created } = await findOrCreateOnce<ResolvedLocation["location"]>(
    {
      lock: deps.creationLock,
      keys: [{ scope: LockScope.CustomerLocation, value: `${customerId}|${addressKey(order.serviceAddress)}` }],
      ownerToken: orderKey,
      what: "location",
    },
    {
      find: () => findCustomerLocation(http, customerId, order, deps.index),
      create: async () => {
        const location = await createLocation(http, {
          customerId,
          name: customerDisplayName(order),
          address: toServiceTitanAddress(order.serviceAddress),
          tagTypeIds,
          externalData: externalDataStamp(config, ExternalDataKey.CreatedByOrder, orderKey),
        });
        if (deps.customerIndex) await indexCreatedLocation(deps.customerIndex, location);
        return { id: location.id, tagTypeIds: location.tagTypeIds ?? tagTypeIds };
      },
    },
  );
  return { location: record, created };
}

export function customerTagTypeIds(config: SyncConfig, order: Order): number[] {
  const tags = config[order.orderType].customerTagTypeIds;
  return order.purchaseType === "subscription" ? tags.subscription : tags.oneTime;
}

export function locationTagTypeIds(config: SyncConfig, order: Order): number[] {
  const tags = config[order.orderType].locationTagTypeIds;
  return order.purchaseType === "subscription" ? tags.subscription : tags.oneTime;
}
