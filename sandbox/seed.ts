/**
 * Initial records of the sandbox tenant. The reference-data ids are FIXED: the example mapping
 * config names them (business units 501/502, job types 601/602, campaign 701, technician 801,
 * arrival windows 901/902, tag types 1101–1107). Everything is obviously fake (names like
 * "Testy McTestface", `@example.com`, 555-01xx phones).
 *
 * A test can start from `defaultSeed()` and push its own customers / pricebook items, or pass a
 * seed built from scratch; only `id` plus the fields ServiceTitan requires are mandatory.
 */
import type { SandboxClock } from "./clock.ts";
import { addCustomerContact, addLocationContact } from "./contacts-model.ts";
import {
  type Address,
  type ArrivalWindowRecord,
  type BookingProviderTagRecord,
  type BusinessUnitRecord,
  type CampaignRecord,
  type ContactType,
  type CustomerRecord,
  type CustomerType,
  type DurationBillingRecord,
  type ExternalDataEntry,
  emptyState,
  type JobCancelReasonRecord,
  type JobTypeRecord,
  type LocationRecord,
  type PaymentTypeRecord,
  runtimeIdFloor,
  type SandboxState,
  type SkuKind,
  type SkuRecord,
  skuMap,
  type TagTypeRecord,
  type TaxZoneRecord,
  type TechnicianRecord,
} from "./state.ts";

type Seed<T, Required extends keyof T> = Pick<T, Required> & Partial<T>;

export type SeedAddress = Pick<Address, "street" | "city" | "state" | "zip"> & Partial<Address>;

export interface SeedContact {
  type: ContactType;
  value: string;
  memo?: string | null;
}

export interface SeedLocation {
  id: number;
  name: string;
  address: SeedAddress;
  active?: boolean;
  mergedToId?: number | null;
  tagTypeIds?: number[];
  contacts?: SeedContact[];
  externalData?: ExternalDataEntry[];
  createdOn?: string;
}

export interface SeedCustomer {
  id: number;
  name: string;
  type?: CustomerType;
  active?: boolean;
  /** Merged duplicates are inactive and point at the surviving customer. */
  mergedToId?: number | null;
  address: SeedAddress;
  contacts?: SeedContact[];
  locations?: SeedLocation[];
  tagTypeIds?: number[];
  externalData?: ExternalDataEntry[];
  doNotMail?: boolean;
  doNotService?: boolean;
  createdOn?: string;
}

export type SeedSku = Seed<Omit<SkuRecord, "kind">, "id" | "code" | "description">;

export interface SandboxSeed {
  tagTypes: Seed<TagTypeRecord, "id" | "name">[];
  businessUnits: Seed<BusinessUnitRecord, "id" | "name">[];
  jobTypes: Seed<JobTypeRecord, "id" | "name" | "businessUnitIds">[];
  campaigns: Seed<CampaignRecord, "id" | "name">[];
  technicians: Seed<TechnicianRecord, "id" | "name">[];
  arrivalWindows: Seed<ArrivalWindowRecord, "id" | "start" | "duration">[];
  customers: SeedCustomer[];
  materials: SeedSku[];
  equipment: SeedSku[];
  services: SeedSku[];
  taxZones?: Seed<TaxZoneRecord, "id" | "name" | "rate">[];
  paymentTypes?: Seed<PaymentTypeRecord, "id" | "name">[];
  membershipTypes?: SeedMembershipType[];
  bookingProviderTags?: Seed<BookingProviderTagRecord, "id" | "tagName">[];
  jobCancelReasons?: Seed<JobCancelReasonRecord, "id" | "name">[];
}

export interface SeedMembershipType {
  id: number;
  name: string;
  active?: boolean;
  durationBilling: Seed<DurationBillingRecord, "id" | "billingFrequency" | "salePrice">[];
}

/** Fixed ids of the default seed, for tests and the example config. */
export const seedIds = {
  tenantId: 1234567,
  apiUserId: 9001,
  businessUnits: { filtersAndProducts: 501, residentialService: 502 },
  jobTypes: { filterDelivery: 601, serviceVisit: 602 },
  campaigns: { onlineStore: 701, retiredMailer: 702 },
  technicians: { deliveryTech: 801 },
  arrivalWindows: { morning: 901, afternoon: 902 },
  tagTypes: {
    productOneTime: 1101,
    productSubscription: 1102,
    serviceOneTime: 1103,
    serviceSubscription: 1104,
    onlineStoreLocation: 1105,
    onlineOrderJob: 1106,
    subscriberLocation: 1107,
    invoiceTotalMismatch: 1108,
    paidOnline: 1109,
    cancelledCheck: 1110,
    refunded: 1111,
  },
  customers: { testy: 2001, quinn: 2002, testyMerged: 2003, dormant: 2004 },
  locations: { testyHome: 3001, quinnHome: 3002, testyMergedHome: 3003, dormantHome: 3004 },
  materials: { filter16x25x1: 5001, filter16x25x1Merv11: 5002, filter20x25x1: 5003, retiredFilter: 5004 },
  equipment: { humidifier: 5101 },
  services: {
    filterInstall: 5201,
    tuneUp: 5202,
    webShipping: 5203,
    webDiscount: 5204,
    filterClubSale: 5205,
    comfortClubSale: 5206,
  },
  /** Locations at ZIP 62703 fall in the Springfield zone (6.25 %); every other ZIP has no tax zone. */
  taxZones: { springfield: 1401 },
  /** Created as the store's payment type with the Cash attribute, as Contractor Commerce asks. */
  paymentTypes: { onlineStore: 1501 },
  /** Membership types with their duration/billing options; each is sold by a sale task (`services`). */
  membershipTypes: { filterClub: 1601, comfortClub: 1602, retiredClub: 1603 },
  durationBilling: {
    filterClubMonthly: 1611,
    filterClubAnnual: 1612,
    comfortClubAnnual: 1621,
    retiredClubAnnual: 1631,
  },
  /** The Booking Provider tag the admin picked for the app, and one switched off. */
  bookingProviderTags: { onlineStore: 1701, retired: 1702 },
  /** Job cancel reasons; `retired` is inactive. */
  jobCancelReasons: { cancelledOnline: 1801, retired: 1802 },
  /** externalData written by "another application": must stay invisible to other GUIDs. */
  otherAppGuid: "0b5e1e55-0000-4000-8000-00000000a11c",
} as const;

/** Contact values of the default seed, stored in deliberately messy formats. */
export const seedContacts = {
  testyEmail: "  Testy.McTestface@Example.COM ",
  testyPhone: "+1 (555) 010-0101 ext. 3",
  testyMobile: "555.010.0102",
  quinnEmail: "quinn.placeholder@example.com",
  quinnPhone: "555-010-0103",
  quinnLocationPhone: "(555) 010-0104",
  mergedEmail: "testy.mctestface@example.com",
  mergedPhone: "555 010 0101",
  dormantPhone: "5550100105",
} as const;

const seededOn = "2024-03-01T15:00:00.000Z";

export function defaultSeed(): SandboxSeed {
  const ids = seedIds;
  const tag = (id: number, name: string, code: string, color: string): SandboxSeed["tagTypes"][number] => ({
    id,
    name,
    code,
    color,
  });
  return {
    tagTypes: [
      tag(ids.tagTypes.productOneTime, "Online - Product One-Time", "ONL-P1", "#2E86DE"),
      tag(ids.tagTypes.productSubscription, "Online - Product Subscription", "ONL-PS", "#10AC84"),
      tag(ids.tagTypes.serviceOneTime, "Online - Service One-Time", "ONL-S1", "#EE5253"),
      tag(ids.tagTypes.serviceSubscription, "Online - Service Subscription", "ONL-SS", "#F368E0"),
      tag(ids.tagTypes.onlineStoreLocation, "Online Store Location", "ONL-LOC", "#FF9F43"),
      tag(ids.tagTypes.onlineOrderJob, "Online Order Job", "ONL-JOB", "#54A0FF"),
      tag(ids.tagTypes.subscriberLocation, "Subscriber Location", "SUB-LOC", "#5F27CD"),
      tag(ids.tagTypes.invoiceTotalMismatch, "Online - Check Invoice Total", "ONL-CHK", "#C0392B"),
      tag(ids.tagTypes.paidOnline, "Online - Paid", "ONL-PAID", "#27AE60"),
      tag(ids.tagTypes.cancelledCheck, "Online - Cancelled, Check", "ONL-CXL", "#8395A7"),
      tag(ids.tagTypes.refunded, "Online - Refunded", "ONL-RFD", "#576574"),
    ],
    jobCancelReasons: [
      { id: ids.jobCancelReasons.cancelledOnline, name: "Cancelled online" },
      { id: ids.jobCancelReasons.retired, name: "Old reason", active: false },
    ],
    taxZones: [{ id: ids.taxZones.springfield, name: "Springfield, IL", rate: 0.0625, zips: ["62703"] }],
    paymentTypes: [{ id: ids.paymentTypes.onlineStore, name: "Online Store" }],
    membershipTypes: [
      {
        id: ids.membershipTypes.filterClub,
        name: "Filter Club",
        durationBilling: [
          { id: ids.durationBilling.filterClubMonthly, duration: null, billingFrequency: "Monthly", salePrice: 15 },
          { id: ids.durationBilling.filterClubAnnual, duration: 12, billingFrequency: "OneTime", salePrice: 150 },
        ],
      },
      {
        id: ids.membershipTypes.comfortClub,
        name: "Comfort Club",
        durationBilling: [
          { id: ids.durationBilling.comfortClubAnnual, duration: 12, billingFrequency: "Annual", salePrice: 199 },
        ],
      },
      {
        id: ids.membershipTypes.retiredClub,
        name: "Retired Club",
        active: false,
        durationBilling: [
          { id: ids.durationBilling.retiredClubAnnual, duration: 12, billingFrequency: "Annual", salePrice: 99 },
        ],
      },
    ],
    bookingProviderTags: [
      { id: ids.bookingProviderTags.onlineStore, tagName: "Online Store Bookings" },
      { id: ids.bookingProviderTags.retired, tagName: "Old Booking Widget", active: false },
    ],
    businessUnits: [
      { id: ids.businessUnits.filtersAndProducts, name: "Filters & Products", currency: "USD" },
      { id: ids.businessUnits.residentialService, name: "Residential Service", currency: "USD" },
    ],
    jobTypes: [
      {
        id: ids.jobTypes.filterDelivery,
        name: "Filter Delivery",
        businessUnitIds: [ids.businessUnits.filtersAndProducts],
        duration: 3600,
      },
      {
        id: ids.jobTypes.serviceVisit,
        name: "Service Visit",
        businessUnitIds: [ids.businessUnits.residentialService],
        duration: 7200,
      },
    ],
    campaigns: [
      { id: ids.campaigns.onlineStore, name: "Online Store" },
      { id: ids.campaigns.retiredMailer, name: "Retired Spring Mailer", active: false },
    ],
    technicians: [
      {
        id: ids.technicians.deliveryTech,
        name: "Delivery Tech",
        userId: 8801,
        businessUnitId: ids.businessUnits.filtersAndProducts,
        email: "delivery.tech@example.com",
      },
    ],
    arrivalWindows: [
      {
        id: ids.arrivalWindows.morning,
        start: "08:00:00",
        duration: "04:00:00",
        businessUnitIds: [ids.businessUnits.filtersAndProducts, ids.businessUnits.residentialService],
      },
      {
        id: ids.arrivalWindows.afternoon,
        start: "12:00:00",
        duration: "04:00:00",
        businessUnitIds: [ids.businessUnits.filtersAndProducts, ids.businessUnits.residentialService],
      },
    ],
    customers: [
      {
        id: ids.customers.testy,
        name: "Testy McTestface",
        address: { street: "18 Orchard Lane", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62701" },
        contacts: [
          { type: "Email", value: seedContacts.testyEmail },
          { type: "Phone", value: seedContacts.testyPhone, memo: "home, ask for extension 3" },
          { type: "MobilePhone", value: seedContacts.testyMobile },
        ],
        locations: [
          {
            id: ids.locations.testyHome,
            name: "Testy McTestface",
            address: { street: "18 Orchard Ln, Apt 2", city: "Springfield", state: "IL", zip: "62701" },
            tagTypeIds: [ids.tagTypes.onlineStoreLocation],
          },
        ],
      },
      {
        id: ids.customers.quinn,
        name: "Quinn Placeholder",
        address: { street: "42 Sample St", city: "Shelbyville", state: "IL", zip: "62565-1234" },
        contacts: [
          { type: "Email", value: seedContacts.quinnEmail },
          { type: "Phone", value: seedContacts.quinnPhone },
        ],
        externalData: [{ applicationGuid: ids.otherAppGuid, key: "crmRef", value: "Q-42" }],
        locations: [
          {
            id: ids.locations.quinnHome,
            name: "Quinn Placeholder - Home",
            address: { street: "42 Sample Street", city: "Shelbyville", state: "IL", zip: "62565" },
            contacts: [{ type: "Phone", value: seedContacts.quinnLocationPhone }],
            externalData: [{ applicationGuid: ids.otherAppGuid, key: "crmRef", value: "Q-42-L" }],
          },
        ],
      },
      {
        id: ids.customers.testyMerged,
        // The office's duplicate entry of 2001 (spelled slightly differently), since merged into it.
        name: "Testy Mctestface",
        active: false,
        mergedToId: ids.customers.testy,
        address: { street: "18 Orchard Ln", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62701" },
        contacts: [
          { type: "Email", value: seedContacts.mergedEmail },
          { type: "Phone", value: seedContacts.mergedPhone },
        ],
        locations: [
          {
            id: ids.locations.testyMergedHome,
            name: "Testy McTestface",
            active: false,
            mergedToId: ids.locations.testyHome,
            address: { street: "18 Orchard Ln", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62701" },
          },
        ],
      },
      {
        id: ids.customers.dormant,
        name: "Dormant Example",
        active: false,
        address: { street: "7 Placeholder Ave", city: "Capital City", state: "IL", zip: "62702" },
        contacts: [{ type: "Phone", value: seedContacts.dormantPhone }],
        locations: [
          {
            id: ids.locations.dormantHome,
            name: "Dormant Example",
            active: false,
            address: { street: "7 Placeholder Ave", city: "Capital City", state: "IL", zip: "62702" },
          },
        ],
      },
    ],
    materials: [
      {
        id: ids.materials.filter16x25x1,
        code: "FLT-16x25x1",
        displayName: "Pleated Air Filter 16x25x1 MERV 8",
        description: "Pleated air filter, 16x25x1, MERV 8",
        price: 14.99,
        cost: 5.25,
      },
      {
        id: ids.materials.filter16x25x1Merv11,
        code: "FLT-16x25x1-M11",
        displayName: "Pleated Air Filter 16x25x1 MERV 11",
        description: "Pleated air filter, 16x25x1, MERV 11",
        price: 19.99,
        cost: 7.1,
      },
      {
        id: ids.materials.filter20x25x1,
        code: "FLT-20x25x1",
        displayName: "Pleated Air Filter 20x25x1 MERV 8",
        description: "Pleated air filter, 20x25x1, MERV 8",
        price: 15.99,
        cost: 5.6,
      },
      {
        id: ids.materials.retiredFilter,
        code: "FLT-14x20x1",
        displayName: "Discontinued Filter 14x20x1",
        description: "Discontinued fiberglass filter, 14x20x1",
        price: 6.99,
        cost: 2,
        active: false,
      },
    ],
    equipment: [
      {
        id: ids.equipment.humidifier,
        code: "HUM-500",
        displayName: "Whole-Home Humidifier",
        description: "Bypass whole-home humidifier",
        price: 499,
        cost: 210,
        manufacturer: "Example Air Co",
        model: "H-500",
      },
    ],
    services: [
      {
        id: ids.services.filterInstall,
        code: "SVC-FILTER-INSTALL",
        displayName: "Filter Installation Visit",
        description: "Technician installs the delivered filters",
        price: 89,
        hours: 1,
      },
      {
        id: ids.services.tuneUp,
        code: "SVC-HVAC-TUNEUP",
        displayName: "Seasonal HVAC Tune-Up",
        description: "Seasonal heating and cooling tune-up",
        price: 129,
        hours: 1.5,
      },
      {
        id: ids.services.webShipping,
        code: "WEB-SHIPPING",
        displayName: "Shipping (online store)",
        description: "Shipping charged by the online store",
        price: 0,
        taxable: false,
      },
      {
        id: ids.services.webDiscount,
        code: "WEB-DISCOUNT",
        displayName: "Discount (online store)",
        description: "Order-level discount given by the online store",
        price: 0,
        taxable: false,
      },
      {
        id: ids.services.filterClubSale,
        code: "MEM-FILTER-CLUB",
        displayName: "Filter Club membership",
        description: "Sale task of the Filter Club membership",
        price: 0,
        taxable: false,
      },
      {
        id: ids.services.comfortClubSale,
        code: "MEM-COMFORT-CLUB",
        displayName: "Comfort Club membership",
        description: "Sale task of the Comfort Club membership",
        price: 0,
        taxable: false,
      },
    ],
  };
}

/**
 * Builds the in-memory tenant from a seed. Legacy contacts are not mirrored into the contacts model
 * here: `setContactManagement` migrates them when the tenant has Contact Management.
 */
export function stateFromSeed(
  seed: SandboxSeed,
  tenantId: number,
  apiUserId: number = seedIds.apiUserId,
  clock?: SandboxClock,
): SandboxState {
  const state = emptyState(tenantId, apiUserId, clock);
  const seededIds: number[] = [];
  const track = <T extends { id: number }>(r: T): T => {
    seededIds.push(r.id);
    return r;
  };
  for (const t of seed.tagTypes) {
    state.tagTypes.set(
      t.id,
      track({
        code: t.name.slice(0, 10),
        color: "#808080",
        importance: null,
        isConversionOpportunity: false,
        active: true,
        createdOn: seededOn,
        modifiedOn: seededOn,
        ...t,
      }),
    );
  }
  for (const b of seed.businessUnits) {
    state.businessUnits.set(
      b.id,
      track({
        officialName: b.name,
        active: true,
        currency: "USD",
        tagTypeIds: [],
        externalData: [],
        createdOn: seededOn,
        modifiedOn: seededOn,
        ...b,
      }),
    );
  }
  for (const j of seed.jobTypes) {
    state.jobTypes.set(
      j.id,
      track({
        tagTypeIds: [],
        priority: "Normal",
        duration: 3600,
        summary: "",
        class: "Service",
        noCharge: false,
        active: true,
        externalData: [],
        createdOn: seededOn,
        modifiedOn: seededOn,
        ...j,
      }),
    );
  }
  for (const c of seed.campaigns) {
    state.campaigns.set(
      c.id,
      track({
        active: true,
        isDefaultCampaign: false,
        campaignPhoneNumbers: [],
        createdOn: seededOn,
        modifiedOn: seededOn,
        ...c,
      }),
    );
  }
  for (const t of seed.technicians) {
    state.technicians.set(
      t.id,
      track({
        userId: t.id + 8000,
        businessUnitId: null,
        email: null,
        phoneNumber: null,
        active: true,
        createdOn: seededOn,
        modifiedOn: seededOn,
        ...t,
      }),
    );
  }
  for (const a of seed.arrivalWindows) {
    state.arrivalWindows.set(a.id, track({ businessUnitIds: [], active: true, createdOn: seededOn, ...a }));
  }
  for (const z of seed.taxZones ?? []) state.taxZones.set(z.id, track({ zips: [], active: true, ...z }));
  for (const m of seed.membershipTypes ?? []) {
    const durationBilling = m.durationBilling.map((d) =>
      track({ duration: null, billingPrice: 0, renewalPrice: 0, active: true, createdOn: seededOn, ...d }),
    );
    state.membershipTypes.set(
      m.id,
      track({ active: true, createdOn: seededOn, modifiedOn: seededOn, ...m, durationBilling }),
    );
  }
  for (const t of seed.bookingProviderTags ?? []) {
    const defaults = { description: "", type: "V2Api" as const, active: true, createdOn: seededOn };
    state.bookingProviderTags.set(t.id, track({ ...defaults, modifiedOn: seededOn, ...t }));
  }
  for (const t of seed.paymentTypes ?? []) {
    state.paymentTypes.set(t.id, track({ active: true, createdOn: seededOn, modifiedOn: seededOn, ...t }));
  }
  for (const r of seed.jobCancelReasons ?? []) {
    state.jobCancelReasons.set(r.id, track({ active: true, createdOn: seededOn, modifiedOn: seededOn, ...r }));
  }
  const skus: [SkuKind, SeedSku[]][] = [
    ["material", seed.materials],
    ["equipment", seed.equipment],
    ["service", seed.services],
  ];
  for (const [kind, list] of skus) {
    for (const s of list) skuMap(state, kind).set(s.id, track(skuFromSeed(kind, s, apiUserId)));
  }
  for (const c of seed.customers) {
    state.customers.set(c.id, track(customerFromSeed(c, apiUserId)));
    for (const l of c.locations ?? []) state.locations.set(l.id, track(locationFromSeed(c.id, l, apiUserId)));
  }
  state.lastId = Math.max(runtimeIdFloor, ...seededIds);
  // Contacts get runtime ids (after every seeded id) and are mirrored into the contacts model.
  for (const c of seed.customers) {
    const at = c.createdOn ?? seededOn;
    for (const contact of c.contacts ?? []) addCustomerContact(state, c.id, contact, at);
    for (const l of c.locations ?? []) {
      for (const contact of l.contacts ?? []) addLocationContact(state, c.id, l.id, contact, l.createdOn ?? at);
    }
  }
  return state;
}

function fullAddress(a: SeedAddress): Address {
  return { unit: null, country: "USA", latitude: null, longitude: null, ...a };
}

function customerFromSeed(c: SeedCustomer, apiUserId: number): CustomerRecord {
  const createdOn = c.createdOn ?? seededOn;
  return {
    id: c.id,
    active: c.active ?? true,
    name: c.name,
    type: c.type ?? "Residential",
    address: fullAddress(c.address),
    customFields: [],
    balance: 0,
    taxExempt: false,
    tagTypeIds: c.tagTypeIds ?? [],
    doNotMail: c.doNotMail ?? false,
    doNotService: c.doNotService ?? false,
    nationalAccount: false,
    createdOn,
    createdById: apiUserId,
    modifiedOn: createdOn,
    mergedToId: c.mergedToId ?? null,
    paymentTermId: null,
    creditLimit: null,
    creditLimitBalance: null,
    externalData: c.externalData ?? [],
  };
}

function locationFromSeed(customerId: number, l: SeedLocation, apiUserId: number): LocationRecord {
  const createdOn = l.createdOn ?? seededOn;
  return {
    id: l.id,
    customerId,
    active: l.active ?? true,
    name: l.name,
    address: fullAddress(l.address),
    customFields: [],
    createdOn,
    createdById: apiUserId,
    modifiedOn: createdOn,
    mergedToId: l.mergedToId ?? null,
    zoneId: null,
    taxZoneId: null,
    taxExempt: false,
    tagTypeIds: l.tagTypeIds ?? [],
    externalData: l.externalData ?? [],
  };
}

export function skuFromSeed(kind: SkuKind, s: SeedSku, apiUserId: number): SkuRecord {
  return {
    displayName: null,
    price: 0,
    memberPrice: 0,
    addOnPrice: 0,
    addOnMemberPrice: 0,
    cost: 0,
    active: true,
    hours: 0,
    bonus: 0,
    commissionBonus: 0,
    paysCommission: false,
    taxable: kind !== "service",
    account: null,
    costOfSaleAccount: null,
    assetAccount: null,
    unitOfMeasure: null,
    isInventory: false,
    categories: [],
    businessUnitId: null,
    externalData: [],
    createdOn: seededOn,
    createdById: apiUserId,
    modifiedOn: s.createdOn ?? seededOn,
    deductAsJobCost: false,
    chargeableByDefault: true,
    isOtherDirectCost: false,
    manufacturer: null,
    model: null,
    isLabor: kind === "service" ? true : null,
    ...s,
    kind,
  };
}
