/**
 * A large generated customer population for benchmarks (customer-index backfill) and matching tests:
 * by default 100,000 customers, 150,000 customer contacts and 110,000 locations, added on top of the
 * default seed (so the reference data and pricebook the worker needs are there too).
 *
 * Deterministic: the same size gives the same records, ids and timestamps, whatever else ran before
 * (no RNG, only arithmetic on the record's index). Fast: built straight into the state maps, no
 * per-record lookups. Nothing looks real: invented first names, surnames, streets and towns,
 * `@example.test` e-mails and phone numbers in the 555-0100…555-0199 range reserved for fiction
 * (with varying area codes, so they are nearly unique).
 *
 * Shape, for customer number n (0-based):
 * - one e-mail contact each; every 2nd customer also a phone contact (→ 1.5 contacts per customer);
 *   every 997th customer shares the previous customer's e-mail (a household: one e-mail, two records);
 * - one location at the bill-to address; every 10th customer a second location elsewhere (→ 1.1);
 * - timestamps one minute apart from 2019-01-01 in customer order, and every 50th customer modified
 *   again a year later, so modification order differs from id order.
 * Counts other than the defaults keep these proportions only approximately: contacts and locations
 * are handed out in rounds over the customers until each count is reached.
 */
import { type Address, allocateId, type LegacyContactRecord, type SandboxState } from "./state.ts";

export interface PopulationSize {
  customers: number;
  customerContacts: number;
  locations: number;
}

/** The size issue 10's backfill benchmark asks for. */
export const largeTenantSize: PopulationSize = { customers: 100_000, customerContacts: 150_000, locations: 110_000 };

const firstNames = [
  "Testy",
  "Sampla",
  "Fixtur",
  "Mocka",
  "Placey",
  "Dumbo",
  "Exempla",
  "Stubbie",
  "Proxa",
  "Seedy",
  "Demoa",
  "Fauxby",
  "Trialo",
  "Pseudia",
  "Mimsy",
  "Cardy",
  "Quibbo",
  "Zettle",
  "Wibbo",
  "Norbly",
] as const;
const lastNames = [
  "McTestface",
  "Sampleton",
  "Fixtureworth",
  "Mockingdale",
  "Placeholder",
  "Dummington",
  "Exemplaris",
  "Stubbings",
  "Proxley",
  "Seedwell",
  "Demoore",
  "Fauxhaven",
  "Trialford",
  "Pseudonym",
  "Mimsworth",
  "Cardboardy",
  "Quibbleton",
  "Zettlebrook",
  "Wibbleford",
  "Norbury-Fake",
  "Testerson",
  "Samplewick",
  "Fixington",
  "Mockridge",
  "Placewell",
] as const;
const streets = [
  "Testbed Way",
  "Placeholder Ave",
  "Sampleton Rd",
  "Fixturewood Ln",
  "Mockup Ct",
  "Stubbington St",
  "Dummyvale Dr",
  "Exemplar Blvd",
  "Seedling Pkwy",
  "Fauxmont Ter",
  "Trialbrook Cir",
  "Pseudo Pl",
  "Quibble Row",
  "Zettle Loop",
  "Wibble Hollow",
  "Norbly Pass",
] as const;
const towns = ["Testville", "Sampleburg", "Fixture City", "Mockton", "Placeholder Falls", "Stubford"] as const;

const baseMs = Date.parse("2019-01-01T00:00:00.000Z");
const minute = 60_000;
const year = 365 * 24 * 60 * minute;
/** The fictional 555-01xx block under many area codes: 780 × 100 distinct numbers. */
const areaCodes = 780;

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;

function nameOf(n: number): string {
  return `${pick(firstNames, n)} ${pick(lastNames, Math.floor(n / firstNames.length) + n * 7)}`;
}

function emailOf(n: number): string {
  const shared = n > 0 && n % 997 === 0 ? n - 1 : n;
  const [first = "x", last = "y"] = nameOf(shared).toLowerCase().split(" ");
  return `${first}.${last}.${shared}@example.test`;
}

function phoneOf(n: number): string {
  const area = 201 + (n % areaCodes);
  const line = String(Math.floor(n / areaCodes) % 100).padStart(2, "0");
  return `(${area}) 555-01${line}`;
}

function addressOf(n: number, second: boolean): Address {
  const k = second ? n * 31 + 17 : n;
  return {
    street: `${1 + (k % 9973)} ${pick(streets, Math.floor(k / 7))}`,
    unit: k % 13 === 0 ? `Unit ${1 + (k % 40)}` : null,
    city: pick(towns, k),
    state: "IL",
    zip: String(60000 + (k % 2000)).padStart(5, "0"),
    country: "USA",
    latitude: null,
    longitude: null,
  };
}

/** The j-th extra record goes to customer 0, step, 2·step, …, then 1, step + 1, …: spread over all customers. */
function spread(j: number, step: number, customers: number): number {
  return (j * step + Math.floor((j * step) / customers)) % customers;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Adds a generated population to `state` (ids from its id counter). Legacy contacts only: on a tenant
 * with Contact Management, switch it on afterwards to migrate them (see contact-management.ts).
 */
export function addPopulation(state: SandboxState, size: PopulationSize): void {
  const createdById = state.officeUserId;
  const customerIds: number[] = new Array(size.customers);
  const times: string[] = new Array(size.customers);
  for (let n = 0; n < size.customers; n++) {
    const id = allocateId(state);
    const createdOn = iso(baseMs + n * minute);
    const modifiedOn = n % 50 === 49 ? iso(baseMs + n * minute + year) : createdOn;
    customerIds[n] = id;
    times[n] = createdOn;
    state.customers.set(id, {
      id,
      active: true,
      name: nameOf(n),
      type: n % 25 === 0 ? "Commercial" : "Residential",
      address: addressOf(n, false),
      customFields: [],
      balance: 0,
      taxExempt: false,
      tagTypeIds: [],
      doNotMail: false,
      doNotService: false,
      nationalAccount: false,
      createdOn,
      createdById,
      modifiedOn,
      mergedToId: null,
      paymentTermId: null,
      creditLimit: null,
      creditLimitBalance: null,
      externalData: [],
    });
  }
  addLocations(state, size, customerIds, times);
  addContacts(state, size, customerIds, times);
}

function addLocations(state: SandboxState, size: PopulationSize, customerIds: number[], times: string[]): void {
  const customers = customerIds.length;
  for (let k = 0; k < size.locations && customers > 0; k++) {
    // First every customer's home, then second homes: every 10th customer, then the next ones over.
    const j = k - customers;
    const n = j < 0 ? k : spread(j, 10, customers);
    const customerId = customerIds[n] ?? 0;
    const customer = state.customers.get(customerId);
    const createdOn = times[n] ?? iso(baseMs);
    const id = allocateId(state);
    state.locations.set(id, {
      id,
      customerId,
      active: true,
      name: customer?.name ?? nameOf(n),
      address: j < 0 && customer ? { ...customer.address } : addressOf(j, true),
      customFields: [],
      createdOn,
      createdById: state.officeUserId,
      modifiedOn: createdOn,
      mergedToId: null,
      zoneId: null,
      taxZoneId: null,
      taxExempt: false,
      tagTypeIds: [],
      externalData: [],
    });
  }
}

function addContacts(state: SandboxState, size: PopulationSize, customerIds: number[], times: string[]): void {
  const customers = customerIds.length;
  for (let k = 0; k < size.customerContacts && customers > 0; k++) {
    // First every customer's e-mail, then phones: every 2nd customer, then the others.
    const j = k - customers;
    const n = j < 0 ? k : spread(j, 2, customers);
    const at = times[n] ?? iso(baseMs);
    const contact: LegacyContactRecord = {
      id: allocateId(state),
      customerId: customerIds[n] ?? 0,
      type: j < 0 ? "Email" : n % 3 === 0 ? "MobilePhone" : "Phone",
      value: j < 0 ? emailOf(n) : phoneOf(j),
      memo: null,
      doNotText: false,
      createdOn: at,
      modifiedOn: at,
    };
    state.customerContacts.set(contact.id, contact);
  }
}
