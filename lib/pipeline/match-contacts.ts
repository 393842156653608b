/**
 * Live confirmation that an e-mail or phone still belongs to candidate customers: their legacy
 * contacts, read in one call for up to 50 customers (`GET /customers/contacts?customerIds=`), and
 * for candidates found only through a location's contact, that location's contacts. An index entry
 * left behind by a contact the office edited or deleted therefore never attaches an order.
 */
import { normalizeEmail } from "../normalize/email.ts";
import { phoneDigits } from "../normalize/phone.ts";
import { listContactsOfCustomers, listContactsOfLocations } from "../servicetitan/endpoints/crm-export.ts";
import type { ContactType } from "../servicetitan/models/crm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";

export interface ContactValue {
  kind: "email" | "phone";
  /** Normalised: lower-cased e-mail, or the 10 phone digits. */
  value: string;
}

function sameContact(wanted: ContactValue, type: ContactType, value: string): boolean {
  if (wanted.kind === "email") return type === "Email" && normalizeEmail(value) === wanted.value;
  return (type === "Phone" || type === "MobilePhone") && phoneDigits(value) === wanted.value;
}

/**
 * Of the given customers (and locations, by their owner), those whose live contacts hold the value.
 * `locationOwners` maps a location id to the customer the caller believes owns it.
 */
export async function ownersOfContact(
  http: ServiceTitanHttp,
  wanted: ContactValue,
  candidates: { customerIds: readonly number[]; locationOwners?: ReadonlyMap<number, number> },
): Promise<Set<number>> {
  const owners = new Set<number>();
  const customerIds = [...new Set(candidates.customerIds)].slice(0, 50);
  for (const contact of await listContactsOfCustomers(http, customerIds)) {
    if (sameContact(wanted, contact.type, contact.value)) owners.add(contact.customerId);
  }
  const locationOwners = candidates.locationOwners ?? new Map<number, number>();
  const unconfirmedLocations = [...locationOwners].filter(([, customerId]) => !owners.has(customerId));
  if (unconfirmedLocations.length === 0) return owners;
  const contacts = await listContactsOfLocations(
    http,
    unconfirmedLocations.map(([locationId]) => locationId).slice(0, 50),
  );
  for (const contact of contacts) {
    const owner = locationOwners.get(contact.locationId);
    if (owner !== undefined && sameContact(wanted, contact.type, contact.value)) owners.add(owner);
  }
  return owners;
}
