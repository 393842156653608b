/**
 * The sandbox's in-memory ServiceTitan tenant. Records keep everything the responses need,
 * including externalData of every application GUID (responses project it down to the GUID the
 * caller passes, as ServiceTitan scopes externalData per `applicationGuid`). Tests may read and
 * mutate these maps directly; ids handed out at runtime come from `allocateId`. Timestamps come from
 * the tenant's clock (`state.clock`, see clock.ts); a test that edits a record directly and wants the
 * export feeds to see it bumps `modifiedOn` with `touch` (or uses the office actions, office.ts).
 */
import { activeClock, createClock, type SandboxClock } from "./clock.ts";

export const ContactType = { Phone: "Phone", Email: "Email", Fax: "Fax", MobilePhone: "MobilePhone" } as const;
export type ContactType = (typeof ContactType)[keyof typeof ContactType];
export const contactTypes = Object.values(ContactType);

export type CustomerType = "Residential" | "Commercial";
export type SkuKind = "material" | "equipment" | "service";
export type InvoiceItemType = "Service" | "Material" | "Equipment" | "PriceModifier" | "Unspecified";

export interface Address {
  street: string;
  unit: string | null;
  city: string;
  state: string;
  zip: string;
  country: string;
  latitude: number | null;
  longitude: number | null;
}

/** One externalData pair, remembered with the application GUID that wrote it. */
export interface ExternalDataEntry {
  applicationGuid: string;
  key: string;
  value: string;
}

export interface CustomFieldValue {
  typeId: number;
  name: string | null;
  value: string | null;
}

export interface CustomerRecord {
  id: number;
  active: boolean;
  name: string;
  type: CustomerType;
  address: Address;
  customFields: CustomFieldValue[];
  balance: number;
  taxExempt: boolean;
  tagTypeIds: number[];
  doNotMail: boolean;
  doNotService: boolean;
  nationalAccount: boolean;
  createdOn: string;
  createdById: number;
  modifiedOn: string;
  mergedToId: number | null;
  paymentTermId: number | null;
  creditLimit: number | null;
  creditLimitBalance: number | null;
  externalData: ExternalDataEntry[];
}

export interface LocationRecord {
  id: number;
  customerId: number;
  active: boolean;
  name: string;
  address: Address;
  customFields: CustomFieldValue[];
  createdOn: string;
  createdById: number;
  modifiedOn: string;
  mergedToId: number | null;
  zoneId: number | null;
  taxZoneId: number | null;
  taxExempt: boolean;
  tagTypeIds: number[];
  externalData: ExternalDataEntry[];
}

/**
 * A contact of the legacy per-customer / per-location model (int64 ids). A removed contact leaves
 * the customer's / location's lists but stays in `SandboxState.removedContacts`, so the export feeds
 * can deliver it with `active: false`.
 */
export interface LegacyContactRecord {
  id: number;
  /** Set for customer contacts. */
  customerId?: number;
  /** Set for location contacts. */
  locationId?: number;
  type: ContactType;
  value: string;
  memo: string | null;
  doNotText: boolean;
  createdOn: string;
  modifiedOn: string;
}

/** Tenant-wide contact of the newer contacts model (GUID ids). */
export interface ContactRecord {
  id: string;
  referenceId: string | null;
  name: string | null;
  title: string | null;
  isArchived: boolean;
  createdOn: string;
  createdBy: number;
  modifiedOn: string;
  modifiedBy: number;
}

export interface ContactMethodRecord {
  id: string;
  contactId: string;
  referenceId: string | null;
  type: ContactType;
  value: string;
  memo: string | null;
  createdOn: string;
  createdBy: number;
  modifiedOn: string;
  modifiedBy: number;
}

export interface ContactRelationshipRecord {
  id: string;
  contactId: string;
  relatedEntityId: number;
  typeName: "Customer" | "Location" | "Booking";
  typeSlug: "customer" | "location" | "booking";
  createdOn: string;
  createdBy: number;
}

/** A pricebook item; materials, equipment and services share one id space (they are all SKUs). */
export interface SkuRecord {
  kind: SkuKind;
  id: number;
  code: string;
  displayName: string | null;
  description: string;
  price: number;
  memberPrice: number;
  addOnPrice: number;
  addOnMemberPrice: number;
  cost: number;
  active: boolean;
  hours: number;
  bonus: number;
  commissionBonus: number;
  paysCommission: boolean;
  taxable: boolean | null;
  account: string | null;
  costOfSaleAccount: string | null;
  assetAccount: string | null;
  unitOfMeasure: string | null;
  isInventory: boolean;
  categories: number[];
  businessUnitId: number | null;
  externalData: ExternalDataEntry[];
  createdOn: string;
  createdById: number;
  modifiedOn: string;
  /** Materials. */
  deductAsJobCost: boolean;
  chargeableByDefault: boolean;
  isOtherDirectCost: boolean;
  /** Equipment. */
  manufacturer: string | null;
  model: string | null;
  /** Services. */
  isLabor: boolean | null;
}

export interface JobRecord {
  id: number;
  jobNumber: string;
  projectId: number | null;
  customerId: number;
  locationId: number;
  jobStatus: "Scheduled" | "Dispatched" | "InProgress" | "Hold" | "Completed" | "Canceled";
  completedOn: string | null;
  businessUnitId: number;
  jobTypeId: number;
  priority: string;
  campaignId: number;
  appointmentIds: number[];
  jobGeneratedLeadSource: { jobId: number | null; employeeId: number | null } | null;
  noCharge: boolean;
  notificationsEnabled: boolean;
  createdOn: string;
  createdById: number;
  modifiedOn: string;
  tagTypeIds: number[];
  partnerLeadCallId: number | null;
  bookingId: number | null;
  soldById: number | null;
  customerPo: string;
  invoiceId: number;
  summary: string | null;
  customFields: { typeId: number; name: string; value: string }[];
  externalData: ExternalDataEntry[];
}

export interface AppointmentRecord {
  id: number;
  jobId: number;
  appointmentNumber: string;
  start: string;
  end: string;
  arrivalWindowStart: string | null;
  arrivalWindowEnd: string | null;
  technicianIds: number[];
  status: "Scheduled" | "Dispatched" | "Working" | "Hold" | "Done" | "Canceled";
  createdOn: string;
  modifiedOn: string;
}

export interface InvoiceItemRecord {
  id: number;
  skuId: number;
  /** The SKU's code (ServiceTitan's `skuName`). */
  skuName: string;
  displayName: string | null;
  type: InvoiceItemType;
  description: string;
  quantity: number;
  /** Unit price in integer cents (ServiceTitan's `unitPrice` / item `price`). */
  unitPriceCents: number;
  /** Unit cost in integer cents. */
  costCents: number;
  technicianId: number | null;
  addOn: boolean;
  taxable: boolean;
  inventory: boolean;
  isChargeable: boolean;
  order: number;
  installedOn: string | null;
  createdOn: string;
  modifiedOn: string;
}

export interface InvoiceRecord {
  id: number;
  jobId: number | null;
  referenceNumber: string;
  customerId: number;
  locationId: number;
  businessUnitId: number;
  invoiceDate: string;
  dueDate: string | null;
  summary: string | null;
  syncStatus: "Pending" | "Posted" | "Exported";
  reviewStatus: "NeedsReview" | "OnHold" | "Reviewed" | "PendingApproval" | "Rejected" | "ReadyForBilling" | "Invoiced";
  sentStatus: "NotSent" | "Sent" | "Opened";
  active: boolean;
  /** The location's tax zone when the invoice was created (by the location's `taxZoneId`, else its ZIP). */
  taxZoneId: number | null;
  /**
   * That zone's rate as a fraction (0.0625): sales tax is computed on read from the taxable items,
   * as ServiceTitan computes it. Tests may change it to provoke a mismatch.
   */
  taxRate: number;
  items: InvoiceItemRecord[];
  createdOn: string;
  modifiedOn: string;
  /** Set on a membership's sale invoice (`invoiceConfiguration: MembershipInvoice`). */
  membershipId?: number;
}

/** One way to sell a membership type (`Memberships.V2.MembershipTypeDurationBillingItemResponse`). */
export interface DurationBillingRecord {
  id: number;
  /** Months; null: ongoing. */
  duration: number | null;
  billingFrequency: "OneTime" | "Monthly" | "EveryOtherMonth" | "Quarterly" | "BiAnnual" | "Annual";
  salePrice: number;
  billingPrice: number;
  renewalPrice: number;
  active: boolean;
  createdOn: string;
}

/** A membership type with its duration/billing options (memberships-v2.json). */
export interface MembershipTypeRecord {
  id: number;
  name: string;
  active: boolean;
  durationBilling: DurationBillingRecord[];
  createdOn: string;
  modifiedOn: string;
}

/** A customer membership, as sold by `CustomerMemberships_Create` (or seeded: sold by the office). */
export interface CustomerMembershipRecord {
  id: number;
  customerId: number;
  membershipTypeId: number;
  businessUnitId: number;
  durationBillingId: number;
  /** The sale task (a pricebook service). */
  saleTaskId: number;
  locationId: number | null;
  recurringLocationId: number | null;
  recurringServiceAction: "None" | "Single" | "All";
  status: "Active" | "Suspended" | "Expired" | "Canceled" | "Deleted";
  memo: string | null;
  /** The sale invoice; null for a membership seeded without one. */
  invoiceId: number | null;
  from: string;
  to: string | null;
  createdOn: string;
  createdById: number;
  modifiedOn: string;
}

/** A tax zone (`Accounting.V2.TaxZoneResponse`); the sandbox assigns it to locations by ZIP. */
export interface TaxZoneRecord {
  id: number;
  name: string;
  /** Fraction, e.g. 0.0625 for 6.25 %. */
  rate: number;
  /** 5-digit ZIPs whose locations fall in this zone. */
  zips: string[];
  active: boolean;
}

export interface PaymentTypeRecord {
  id: number;
  name: string;
  active: boolean;
  createdOn: string;
  modifiedOn: string;
}

/** A customer payment (`Payments_Create`), applied to invoices by its splits. */
export interface PaymentRecord {
  id: number;
  typeId: number;
  customerId: number | null;
  /** Integer cents. */
  amountCents: number;
  memo: string | null;
  authCode: string | null;
  paidOn: string | null;
  splits: { invoiceId: number; amountCents: number }[];
  active: boolean;
  createdOn: string;
  modifiedOn: string;
}

/** `Jpm.V2.JobCancelReasonResponse`. */
export interface JobCancelReasonRecord {
  id: number;
  name: string;
  active: boolean;
  createdOn: string;
  modifiedOn: string;
}

/** One `Jobs_Cancel` (`Jpm.V2.JobCanceledLogResponse`): which reason and memo cancelled which job. */
export interface JobCancelLogRecord {
  id: number;
  jobId: number;
  reasonId: number;
  memo: string;
  createdOn: string;
  createdById: number;
}

/** A job note (`Jobs_CreateNote`); ServiceTitan's note responses carry no id. */
export interface JobNoteRecord {
  jobId: number;
  text: string;
  isPinned: boolean;
  createdById: number;
  createdOn: string;
  modifiedOn: string;
}

/** A booking filed by a booking provider (`Bookings_Create`); the office accepts, converts or dismisses it. */
export interface BookingRecord {
  id: number;
  bookingProviderId: number;
  source: string;
  name: string;
  address: { street: string; unit: string | null; city: string; state: string; zip: string; country: string } | null;
  contacts: { type: ContactType; value: string; memo: string | null }[];
  customerType: CustomerType | null;
  /** UTC date-time. */
  start: string;
  summary: string;
  campaignId: number | null;
  businessUnitId: number | null;
  jobTypeId: number | null;
  priority: "Low" | "Normal" | "High" | "Urgent" | null;
  isFirstTimeClient: boolean;
  isSendConfirmationEmail: boolean | null;
  externalId: string;
  status: "New" | "Accepted" | "Converted" | "Dismissed";
  dismissingReasonId: number | null;
  jobId: number | null;
  createdOn: string;
  modifiedOn: string;
}

/** A Booking Provider tag (`BookingProviderTags_*`): what an app's bookings are filed under. */
export interface BookingProviderTagRecord {
  id: number;
  tagName: string;
  description: string;
  type: "V1Api" | "V2Api";
  active: boolean;
  createdOn: string;
  modifiedOn: string;
}

export interface TagTypeRecord {
  id: number;
  name: string;
  code: string;
  color: string;
  importance: "Medium" | "High" | null;
  isConversionOpportunity: boolean;
  active: boolean;
  createdOn: string;
  modifiedOn: string;
}

export interface BusinessUnitRecord {
  id: number;
  name: string;
  officialName: string | null;
  active: boolean;
  currency: string | null;
  tagTypeIds: number[];
  externalData: ExternalDataEntry[];
  createdOn: string;
  modifiedOn: string;
}

export interface JobTypeRecord {
  id: number;
  name: string;
  businessUnitIds: number[];
  tagTypeIds: number[];
  priority: string;
  /** Seconds. */
  duration: number;
  summary: string;
  class: string;
  noCharge: boolean;
  active: boolean;
  externalData: ExternalDataEntry[];
  createdOn: string;
  modifiedOn: string;
}

export interface CampaignRecord {
  id: number;
  name: string;
  active: boolean;
  isDefaultCampaign: boolean | null;
  campaignPhoneNumbers: string[];
  createdOn: string;
  modifiedOn: string;
}

export interface TechnicianRecord {
  id: number;
  userId: number;
  name: string;
  businessUnitId: number | null;
  email: string | null;
  phoneNumber: string | null;
  active: boolean;
  createdOn: string;
  modifiedOn: string;
}

export interface ArrivalWindowRecord {
  id: number;
  /** Time of day as a .NET TimeSpan string ("08:00:00"), the spec's `format: duration`. */
  start: string;
  /** Length as a .NET TimeSpan string ("04:00:00"). */
  duration: string;
  businessUnitIds: number[];
  active: boolean;
  createdOn: string;
}

export interface IssuedToken {
  clientId: string;
  /** Epoch ms; a token is refused from this instant on (tests may set it to the past). */
  expiresAt: number;
}

/** How the export feeds (`/export/...`) page and hide recent changes; see export-feed.ts. */
export interface ExportFeedSettings {
  /** Rows per response (the feeds take no page-size parameter); default 500. */
  pageSize: number;
  /** Changes younger than this (tenant clock) are left out unless `includeRecentChanges=true`; default 15 min. */
  recentWindowMs: number;
  /**
   * What a contact row's `active` says (the spec leaves it undescribed, UNCONFIRMED):
   * `"contact"` (default): false once the contact was removed;
   * `"contact-and-owner"`: also false while its customer (or the location) is inactive, e.g. merged.
   */
  contactActive: "contact" | "contact-and-owner";
}

export const defaultExportFeedSettings: ExportFeedSettings = {
  pageSize: 500,
  recentWindowMs: 15 * 60_000,
  contactActive: "contact",
};

export interface SandboxState {
  tenantId: number;
  /**
   * Whether a pricebook create (or code change) is refused with a 400 when another item of the same
   * kind has the code, compared case-insensitively. Live ServiceTitan's behaviour is undocumented
   * (UNCONFIRMED), so the default is `false`: duplicates are accepted, and the worker must not rely
   * on a refusal. Switch per sandbox with `SandboxOptions.uniquePricebookCodes`, or set it here.
   */
  uniquePricebookCodes: boolean;
  /**
   * Whether `Bookings_Create` refuses (400, `errors.externalId`) a booking whose `externalId` the
   * provider already has. Undocumented (UNCONFIRMED, api-notes §0.12); default `false`: a second
   * booking is filed. Switch with `SandboxOptions.rejectDuplicateBookingExternalIds`.
   */
  rejectDuplicateBookingExternalIds: boolean;
  /** User id stamped on `createdById`/`createdBy` of records the API creates. */
  apiUserId: number;
  /** User id stamped on records the office creates (office.ts), to tell them apart from API writes. */
  officeUserId: number;
  /** The tenant's clock: every `createdOn`/`modifiedOn` and the feeds' 15-minute window. */
  clock: SandboxClock;
  /**
   * ServiceTitan's Contact Management (Early Access, switched on per tenant by a migration; api-notes
   * §0.1). Off (a typical tenant): legacy contacts never appear in `/contacts/...`. On: every legacy
   * contact is mirrored into the contacts model (contacts-model.ts).
   */
  contactManagement: boolean;
  feeds: ExportFeedSettings;
  /** Last id handed out by `allocateId` (all entities share one counter, so ids never collide). */
  lastId: number;
  tokens: Map<string, IssuedToken>;
  customers: Map<number, CustomerRecord>;
  locations: Map<number, LocationRecord>;
  customerContacts: Map<number, LegacyContactRecord>;
  locationContacts: Map<number, LegacyContactRecord>;
  /** Legacy contacts removed from their customer / location (exported with `active: false`). */
  removedContacts: Map<number, LegacyContactRecord>;
  contacts: Map<string, ContactRecord>;
  contactMethods: Map<string, ContactMethodRecord>;
  contactRelationships: Map<string, ContactRelationshipRecord>;
  /** Customer id → the contacts-model contact mirroring that customer's legacy contacts. */
  customerContactIds: Map<number, string>;
  materials: Map<number, SkuRecord>;
  equipment: Map<number, SkuRecord>;
  services: Map<number, SkuRecord>;
  jobs: Map<number, JobRecord>;
  appointments: Map<number, AppointmentRecord>;
  invoices: Map<number, InvoiceRecord>;
  tagTypes: Map<number, TagTypeRecord>;
  businessUnits: Map<number, BusinessUnitRecord>;
  jobTypes: Map<number, JobTypeRecord>;
  campaigns: Map<number, CampaignRecord>;
  technicians: Map<number, TechnicianRecord>;
  arrivalWindows: Map<number, ArrivalWindowRecord>;
  taxZones: Map<number, TaxZoneRecord>;
  paymentTypes: Map<number, PaymentTypeRecord>;
  payments: Map<number, PaymentRecord>;
  jobNotes: JobNoteRecord[];
  membershipTypes: Map<number, MembershipTypeRecord>;
  memberships: Map<number, CustomerMembershipRecord>;
  bookings: Map<number, BookingRecord>;
  bookingProviderTags: Map<number, BookingProviderTagRecord>;
  jobCancelReasons: Map<number, JobCancelReasonRecord>;
  jobCancelLogs: JobCancelLogRecord[];
  /**
   * Which `Jobs_Cancel` requests are refused with a 400. `paid` follows ServiceTitan's help (a job
   * with a payment can't be cancelled); `canceled` and `completed` are UNCONFIRMED. All on by default.
   */
  cancelRefusals: { paid: boolean; canceled: boolean; completed: boolean };
  /**
   * operationIds answered 404 as if ServiceTitan had removed them (e.g. `Payments_Create`, gone
   * from the current accounting document). Tests add to it.
   */
  removedOperations: Set<string>;
}

/** Runtime ids start above every seeded id (and never below this floor). */
export const runtimeIdFloor = 100_000;

export function emptyState(tenantId: number, apiUserId: number, clock: SandboxClock = createClock()): SandboxState {
  return {
    tenantId,
    uniquePricebookCodes: false,
    rejectDuplicateBookingExternalIds: false,
    apiUserId,
    officeUserId: apiUserId + 1,
    clock,
    contactManagement: false,
    feeds: { ...defaultExportFeedSettings },
    lastId: runtimeIdFloor,
    tokens: new Map(),
    customers: new Map(),
    locations: new Map(),
    customerContacts: new Map(),
    locationContacts: new Map(),
    removedContacts: new Map(),
    contacts: new Map(),
    contactMethods: new Map(),
    contactRelationships: new Map(),
    customerContactIds: new Map(),
    materials: new Map(),
    equipment: new Map(),
    services: new Map(),
    jobs: new Map(),
    appointments: new Map(),
    invoices: new Map(),
    tagTypes: new Map(),
    businessUnits: new Map(),
    jobTypes: new Map(),
    campaigns: new Map(),
    technicians: new Map(),
    arrivalWindows: new Map(),
    taxZones: new Map(),
    paymentTypes: new Map(),
    payments: new Map(),
    jobNotes: [],
    membershipTypes: new Map(),
    memberships: new Map(),
    bookings: new Map(),
    bookingProviderTags: new Map(),
    jobCancelReasons: new Map(),
    jobCancelLogs: [],
    cancelRefusals: { paid: true, canceled: true, completed: true },
    removedOperations: new Set(),
  };
}

export function allocateId(state: SandboxState): number {
  state.lastId += 1;
  return state.lastId;
}

/**
 * The tenant's current time: from `state.clock` when given, else from the clock of the sandbox whose
 * request is being handled, else wall time.
 */
export function nowIso(state?: SandboxState): string {
  const clock = state?.clock ?? activeClock.getStore();
  return clock ? clock.nowIso() : new Date().toISOString();
}

/**
 * Marks a record changed now (tenant clock): ServiceTitan bumps `modifiedOn` on every edit, and the
 * export feeds are ordered by it, so a touched record comes round again in its feed.
 */
export function touch(state: SandboxState, record: { modifiedOn: string }, at: string = nowIso(state)): void {
  record.modifiedOn = at;
}

export function skuMap(state: SandboxState, kind: SkuKind): Map<number, SkuRecord> {
  if (kind === "material") return state.materials;
  if (kind === "equipment") return state.equipment;
  return state.services;
}

export function findSku(state: SandboxState, id: number): SkuRecord | undefined {
  return state.materials.get(id) ?? state.equipment.get(id) ?? state.services.get(id);
}
