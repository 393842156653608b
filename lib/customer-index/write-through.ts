/**
 * What the worker creates goes into the index the moment ServiceTitan confirms it: the customer,
 * its location and contacts. The next order of the same person (seconds later, maybe in another
 * container) then finds it without waiting for the feeds, which would only bring it on the next
 * refresh.
 *
 * Written only where the index has nothing yet (`onlyIfAbsent`) and with no `modifiedOn`, so the
 * feeds' version of each record, whenever it arrives, always replaces it. A failed write is logged
 * and otherwise ignored: ServiceTitan has the records, and the feeds bring them anyway.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { CreatedCustomer, CreatedLocation } from "../servicetitan/endpoints/crm.ts";
import type { CustomerIndex } from "./environment.ts";
import { contactKindOf, contactLookupKey } from "./feed-rows.ts";
import type { IndexRecord } from "./records.ts";

export async function indexCreatedCustomer(
  index: CustomerIndex,
  created: CreatedCustomer,
  logger?: Pick<Logger, "warn">,
): Promise<void> {
  const { keys } = index;
  const records: IndexRecord[] = [
    {
      kind: "customer",
      id: created.id,
      active: created.active,
      mergedToId: created.mergedToId,
      modifiedOn: "",
      lookupKey: keys.address(created.address),
      exactAddress: keys.exactAddress(created.address),
    },
    ...created.contacts.map(
      (contact): IndexRecord => ({
        kind: "customerContact",
        id: contact.id,
        customerId: created.id,
        active: true,
        contactKind: contactKindOf(contact.type),
        modifiedOn: "",
        lookupKey: contactLookupKey(keys, contact.type, contact.value).lookupKey,
      }),
    ),
    ...created.locations.map((location) => locationRecord(index, location)),
  ];
  await writeAll(index, records, logger);
}

export async function indexCreatedLocation(
  index: CustomerIndex,
  created: CreatedLocation,
  logger?: Pick<Logger, "warn">,
): Promise<void> {
  await writeAll(index, [locationRecord(index, created)], logger);
}

function locationRecord(index: CustomerIndex, location: CreatedLocation): IndexRecord {
  return {
    kind: "location",
    id: location.id,
    customerId: location.customerId,
    active: location.active,
    mergedToId: location.mergedToId,
    modifiedOn: "",
    lookupKey: index.keys.address(location.address),
    exactAddress: index.keys.exactAddress(location.address),
    tagTypeIds: location.tagTypeIds,
  };
}

async function writeAll(index: CustomerIndex, records: IndexRecord[], logger?: Pick<Logger, "warn">): Promise<void> {
  const results = await Promise.allSettled(records.map((r) => index.store.putRecord(r, { onlyIfAbsent: true })));
  const failed = results.filter((r) => r.status === "rejected").length;
  if (failed > 0)
    logger?.warn("Customer index write-through failed; the export feeds will bring the records", { failed });
}
