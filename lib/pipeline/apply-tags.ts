/**
 * Step 6: tag the customer and location by order kind and purchase type. Tags are added one at a
 * time (`POST .../tags/{tagTypeId}`), never by PATCHing `tagTypeIds`, which replaces the whole list
 * and would drop the office's own tags. A tag already present costs no call.
 */
import { addCustomerTag, addLocationTag } from "../servicetitan/endpoints/crm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";

export async function applyMissingTags(
  http: ServiceTitanHttp,
  target: {
    customer: { id: number; tagTypeIds: readonly number[] };
    location: { id: number; tagTypeIds: readonly number[] };
  },
  wanted: { customer: readonly number[]; location: readonly number[] },
): Promise<{ added: number }> {
  const customerMissing = missing(wanted.customer, target.customer.tagTypeIds);
  const locationMissing = missing(wanted.location, target.location.tagTypeIds);
  for (const tagTypeId of customerMissing) await addCustomerTag(http, target.customer.id, tagTypeId);
  for (const tagTypeId of locationMissing) await addLocationTag(http, target.location.id, tagTypeId);
  return { added: customerMissing.length + locationMissing.length };
}

function missing(wanted: readonly number[], present: readonly number[]): number[] {
  const have = new Set(present);
  return [...new Set(wanted)].filter((id) => !have.has(id));
}
