/**
 * Job invoices. ServiceTitan creates a job's invoice together with the job (`JobResponse.invoiceId`
 * is required), and `InvoiceResponse` carries money as **strings** (`subTotal`, `total`, item
 * `price`, `quantity`, ...). The sandbox keeps cents internally and formats on the way out.
 *
 * An invoice without lines answers `"items": null`, not `[]`: ServiceTitan's own first-call example
 * shows a new job's invoice that way (api-notes §0.3). Whether an invoice whose last line was deleted
 * answers `null` or `[]` is UNCONFIRMED; the sandbox answers `null` for any empty invoice.
 */
import {
  allocateId,
  type InvoiceItemRecord,
  type InvoiceRecord,
  type JobRecord,
  type SandboxState,
  type TaxZoneRecord,
} from "./state.ts";

/** The location's tax zone: its own `taxZoneId`, else the active zone listing its 5-digit ZIP. */
export function taxZoneOf(state: SandboxState, locationId: number): TaxZoneRecord | undefined {
  const location = state.locations.get(locationId);
  if (!location) return undefined;
  if (location.taxZoneId !== null) return state.taxZones.get(location.taxZoneId);
  const zip = location.address.zip.slice(0, 5);
  return [...state.taxZones.values()].find((zone) => zone.active && zone.zips.includes(zip));
}

export function createInvoiceForJob(state: SandboxState, job: JobRecord, at: string): InvoiceRecord {
  const zone = taxZoneOf(state, job.locationId);
  const invoice: InvoiceRecord = {
    id: allocateId(state),
    jobId: job.id,
    referenceNumber: job.jobNumber,
    customerId: job.customerId,
    locationId: job.locationId,
    businessUnitId: job.businessUnitId,
    invoiceDate: at,
    dueDate: null,
    summary: job.summary,
    syncStatus: "Pending",
    reviewStatus: "NeedsReview",
    sentStatus: "NotSent",
    active: true,
    taxZoneId: zone?.id ?? null,
    taxRate: zone?.rate ?? 0,
    items: [],
    createdOn: at,
    modifiedOn: at,
  };
  state.invoices.set(invoice.id, invoice);
  return invoice;
}

export function itemTotalCents(item: InvoiceItemRecord): number {
  return Math.round(item.quantity * item.unitPriceCents);
}

export function subTotalCents(invoice: InvoiceRecord): number {
  return invoice.items.reduce((sum, item) => sum + itemTotalCents(item), 0);
}

/**
 * ServiceTitan computes sales tax from the tax zone and the taxable items (its help advises against
 * setting it by hand); the sandbox does the same on every read, rounding half away from zero.
 */
export function salesTaxCents(invoice: InvoiceRecord): number {
  const taxable = invoice.items.filter((item) => item.taxable).reduce((sum, item) => sum + itemTotalCents(item), 0);
  const tax = taxable * invoice.taxRate;
  return Math.sign(tax) * Math.round(Math.abs(tax));
}

export function totalCents(invoice: InvoiceRecord): number {
  return subTotalCents(invoice) + salesTaxCents(invoice);
}

/** What payments applied to the invoice cover (their splits to it). */
export function paidCents(state: SandboxState, invoice: InvoiceRecord): number {
  let paid = 0;
  for (const payment of state.payments.values()) {
    if (!payment.active) continue;
    for (const split of payment.splits) if (split.invoiceId === invoice.id) paid += split.amountCents;
  }
  return paid;
}

/** 1999 → "19.99". */
export function money(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function decimalString(n: number): string {
  return Number.isInteger(n * 100) ? n.toFixed(2) : String(n);
}

function named(id: number, name: string | null | undefined) {
  return { id, name: name ?? null };
}

function addressOf(
  a: { street: string; unit: string | null; city: string; state: string; zip: string; country: string } | undefined,
) {
  if (!a) return null;
  return { street: a.street, unit: a.unit, city: a.city, state: a.state, zip: a.zip, country: a.country };
}

/** `Accounting.V2.InvoiceResponse`. */
export function invoiceView(state: SandboxState, invoice: InvoiceRecord) {
  const customer = state.customers.get(invoice.customerId);
  const location = state.locations.get(invoice.locationId);
  const businessUnit = state.businessUnits.get(invoice.businessUnitId);
  const job = invoice.jobId === null ? undefined : state.jobs.get(invoice.jobId);
  const total = totalCents(invoice);
  return {
    id: invoice.id,
    syncStatus: invoice.syncStatus,
    budgetCodeId: null,
    referenceNumber: invoice.referenceNumber,
    invoiceDate: invoice.invoiceDate,
    dueDate: invoice.dueDate,
    subTotal: money(subTotalCents(invoice)),
    salesTax: money(salesTaxCents(invoice)),
    salesTaxCode: null,
    taxZoneId: invoice.taxZoneId,
    total: money(total),
    balance: money(total - paidCents(state, invoice)),
    invoiceType: null,
    customer: named(invoice.customerId, customer?.name),
    customerAddress: addressOf(customer?.address),
    location: named(invoice.locationId, location?.name),
    locationAddress: addressOf(location?.address),
    businessUnit: named(invoice.businessUnitId, businessUnit?.name),
    termName: null,
    createdBy: null,
    batch: null,
    depositedOn: null,
    createdOn: invoice.createdOn,
    modifiedOn: invoice.modifiedOn,
    adjustmentToId: null,
    job: job ? { id: job.id, number: job.jobNumber, type: state.jobTypes.get(job.jobTypeId)?.name ?? null } : null,
    projectId: null,
    royalty: null,
    employeeInfo: null,
    commissionEligibilityDate: null,
    sentStatus: invoice.sentStatus,
    reviewStatus: invoice.reviewStatus,
    assignedTo: null,
    summary: invoice.summary,
    items:
      invoice.items.length === 0
        ? null
        : [...invoice.items].sort((a, b) => a.order - b.order).map((item) => invoiceItemView(state, invoice, item)),
    customFields: [],
    active: invoice.active,
    discountTotal: "0.00",
    importId: null,
    exportId: null,
    materialSkuId: null,
    membershipId: invoice.membershipId ?? null,
    paidOn: null,
    invoiceConfiguration: invoice.membershipId === undefined ? "JobInvoice" : "MembershipInvoice",
  };
}

/** `Accounting.V2.InvoiceItemResponse`: `price` is the unit price, `total` = quantity × price. */
function invoiceItemView(state: SandboxState, invoice: InvoiceRecord, item: InvoiceItemRecord) {
  const businessUnit = state.businessUnits.get(invoice.businessUnitId);
  return {
    id: item.id,
    description: item.description,
    quantity: decimalString(item.quantity),
    cost: money(item.costCents),
    totalCost: money(Math.round(item.quantity * item.costCents)),
    budgetCodeId: null,
    inventoryLocationId: null,
    inventoryLocation: null,
    price: money(item.unitPriceCents),
    type: item.type,
    skuName: item.skuName,
    skuId: item.skuId,
    total: money(itemTotalCents(item)),
    inventory: item.inventory,
    taxable: item.taxable,
    isChargeable: item.isChargeable,
    generalLedgerAccount: null,
    costOfSaleAccount: null,
    assetAccount: null,
    membershipTypeId: 0,
    itemGroup: null,
    displayName: item.displayName,
    soldHours: null,
    createdOn: item.createdOn,
    modifiedOn: item.modifiedOn,
    serviceDate: item.installedOn,
    order: item.order,
    businessUnit: named(invoice.businessUnitId, businessUnit?.name),
    createdById: state.apiUserId,
    displayInAmount: null,
    importId: null,
    exportId: null,
    inventoryStatus: null,
    addOn: item.addOn,
    memberPrice: null,
    technicianId: item.technicianId,
    installedEquipmentId: null,
    estimateItemId: null,
  };
}
