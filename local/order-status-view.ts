/**
 * How `npm run status` shows ledger records: one order as a table (or its `--json` view), or a list
 * of orders. Ids, statuses and masked error messages only: the ledger holds no personal data.
 */
import Table from "cli-table3";
import { type LedgerRecord, type LedgerStatus, orderKeyToString } from "../lib/ledger/ledger.ts";
import type { MembershipProgress } from "../lib/ledger/record.ts";
import { maskString } from "../lib/observability/redact.ts";
import { tableStyle } from "./replay-cli.ts";

/** What the CLI shows (and `--json` prints): the record without lease internals. */
export interface OrderStatusView {
  orderKey: string;
  status: LedgerStatus;
  attempts: number;
  matchedBy: string | null;
  customerId: number | null;
  customerCreated: boolean | null;
  locationId: number | null;
  locationCreated: boolean | null;
  jobId: number | null;
  invoiceId: number | null;
  invoiceLinesAdded: number | null;
  invoiceVerified: boolean | null;
  /** The invoice total read back after the lines (ServiceTitan's tax included), in cents. */
  invoiceTotalCents: number | null;
  /** The invoice total differs from the order's `totals.total` by more than a cent (flagged, not failed). */
  totalMismatch: boolean | null;
  paymentId: number | null;
  paymentNotRecorded: string | null;
  tagged: boolean | null;
  /** The order was filed as a booking (`bookings` config) instead of a job. */
  bookingId: number | null;
  /** The booking's status when the worker last read it, and when that was. */
  bookingStatus: string | null;
  bookingReadAt: string | null;
  /** The job a CSR booked from the booking, as last read. */
  bookingJobId: number | null;
  /** No existing ServiceTitan customer matched the booking's order. */
  firstTimeClient: boolean | null;
  pricebookItemIds: Record<string, number>;
  /** Membership lines by SKU: the membership sold (with its sale invoice) or renewed. */
  memberships: Record<string, MembershipProgress>;
  lastError: { reason: string; kind: string; message: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** The order's cancellation, when one was received (its own ledger item). */
  cancellation?: CancellationView | null;
}

export interface CancellationView {
  status: LedgerStatus;
  /** `cancelled`, `already_cancelled` or `left_alone`, once decided. */
  outcome: string | null;
  /** Why the job was left alone: its status (e.g. `Dispatched`), `payment`, `not_configured`, `cancel_refused`. */
  reason: string | null;
  lastError: { reason: string; message: string } | null;
}

export function cancellationView(record: LedgerRecord): CancellationView {
  return {
    status: record.status,
    outcome: record.progress.followUpOutcome ?? null,
    reason: record.progress.followUpOutcome === "left_alone" ? (record.progress.followUpReason ?? null) : null,
    lastError:
      record.lastError === undefined
        ? null
        : { reason: record.lastError.reason, message: maskString(record.lastError.message) },
  };
}

/** "cancelled", "left alone (Dispatched): tagged and noted for the office", "waiting: ORDER_NOT_SYNCED …". */
export function describeCancellation(view: CancellationView): string {
  if (view.status === "completed") {
    if (view.outcome === "cancelled") return "cancelled (the job was Scheduled: Jobs_Cancel)";
    if (view.outcome === "already_cancelled") return "the job was already cancelled in ServiceTitan";
    return `left alone (${view.reason ?? "?"}): job tagged and noted for the office`;
  }
  const error = view.lastError === null ? "" : `: ${view.lastError.reason} ${view.lastError.message}`;
  return view.status === "failed" ? `failed${error}` : `in progress${error}`;
}

export function statusView(record: LedgerRecord, cancellation?: LedgerRecord): OrderStatusView {
  const p = record.progress;
  return {
    ...(cancellation === undefined ? {} : { cancellation: cancellationView(cancellation) }),
    orderKey: orderKeyToString(record.key),
    status: record.status,
    attempts: record.attempts,
    matchedBy: p.matchedBy ?? null,
    customerId: p.customerId ?? null,
    customerCreated: p.customerCreated ?? null,
    locationId: p.locationId ?? null,
    locationCreated: p.locationCreated ?? null,
    jobId: p.jobId ?? null,
    invoiceId: p.invoiceId ?? null,
    invoiceLinesAdded: p.invoiceLinesAdded ?? null,
    invoiceVerified: p.invoiceVerified ?? null,
    invoiceTotalCents: p.invoiceTotalCents ?? null,
    totalMismatch: p.totalMismatch ?? null,
    paymentId: p.paymentId ?? null,
    paymentNotRecorded: p.paymentNotRecorded ?? null,
    tagged: p.tagged ?? null,
    bookingId: p.bookingId ?? null,
    bookingStatus: p.bookingStatus ?? null,
    bookingReadAt: p.bookingReadAt ?? null,
    bookingJobId: p.bookingJobId ?? null,
    firstTimeClient: p.firstTimeClient ?? null,
    pricebookItemIds: p.pricebookItemIds ?? {},
    memberships: p.memberships ?? {},
    lastError:
      record.lastError === undefined ? null : { ...record.lastError, message: maskString(record.lastError.message) },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    completedAt: record.completedAt ?? null,
  };
}

function show(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** "54.12", with the mismatch flag spelled out when the invoice disagrees with the order. */
function invoiceTotal(view: OrderStatusView): string {
  if (view.invoiceTotalCents === null) return "-";
  const cents = Math.abs(view.invoiceTotalCents);
  const amount = `${view.invoiceTotalCents < 0 ? "-" : ""}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
  return view.totalMismatch
    ? `${amount} — DIFFERS from the order total (flagged: job tag and note)`
    : `${amount} (matches the order)`;
}

function payment(view: OrderStatusView): string {
  if (view.paymentId !== null) return `recorded (payment ${view.paymentId})`;
  if (view.paymentNotRecorded !== null) return `not recorded (${view.paymentNotRecorded}; see the job note)`;
  return "-";
}

/** "PLAN-X → membership 123 sold (sale invoice 456)" per line; renewals name the membership they renewed. */
function memberships(view: OrderStatusView): string {
  const entries = Object.entries(view.memberships);
  if (entries.length === 0) return "-";
  return entries
    .map(([sku, m]) => {
      const invoice =
        m.outcome === "sold" ? ` (sale invoice ${m.invoiceId ?? "unknown: the sale's reply was lost"})` : "";
      const price = m.priceDiffers ? ", order price DIFFERS from ServiceTitan's sale price" : "";
      return `${sku} → membership ${m.membershipId} ${m.outcome}${invoice}${price}${m.noted ? "" : ", memo not yet stamped"}`;
    })
    .join("\n");
}

/** "104233 — New (read 2026-11-18T…)", and the CSR's job once converted. */
function booking(view: OrderStatusView): string {
  if (view.bookingId === null) return "-";
  const status = view.bookingStatus === null ? "" : ` — ${view.bookingStatus} (read ${show(view.bookingReadAt)})`;
  const job = view.bookingJobId === null ? "" : `, job ${view.bookingJobId}`;
  return `${view.bookingId}${status}${job}`;
}

function created(id: number | null, wasCreated: boolean | null): string {
  if (id === null) return "-";
  return wasCreated === null ? String(id) : `${id} (${wasCreated ? "created" : "existing"})`;
}

export function renderOrderStatus(record: LedgerRecord, color = false, cancellation?: LedgerRecord): string {
  const view = statusView(record, cancellation);
  const style = tableStyle(color);
  const table = new Table(style === undefined ? {} : { style });
  const skus = Object.entries(view.pricebookItemIds);
  table.push(
    { Order: view.orderKey },
    { Status: view.status },
    { Attempts: view.attempts },
    { "Matched by": show(view.matchedBy) },
    { Customer: created(view.customerId, view.customerCreated) },
    { Location: created(view.locationId, view.locationCreated) },
    { "Pricebook items": skus.length === 0 ? "-" : skus.map(([sku, id]) => `${sku} → ${id}`).join("\n") },
    { Memberships: memberships(view) },
    { Job: show(view.jobId) },
    ...(view.bookingId === null
      ? []
      : [{ Booking: booking(view) }, { "First-time client": show(view.firstTimeClient) }]),
    { Invoice: show(view.invoiceId) },
    { "Invoice lines added": show(view.invoiceLinesAdded) },
    { "Invoice verified": show(view.invoiceVerified) },
    { "Invoice total": invoiceTotal(view) },
    { Payment: payment(view) },
    { Tagged: show(view.tagged) },
    { Cancellation: view.cancellation ? describeCancellation(view.cancellation) : "-" },
    {
      "Last error":
        view.lastError === null
          ? "-"
          : `${view.lastError.reason} (${view.lastError.kind}) at ${view.lastError.at}\n${view.lastError.message}`,
    },
    { Created: view.createdAt },
    { Updated: view.updatedAt },
    { Completed: show(view.completedAt) },
  );
  return `${table.toString()}\n`;
}

export function renderStatusList(
  records: readonly LedgerRecord[],
  status: LedgerStatus,
  limit?: number,
  color = false,
): string {
  const style = tableStyle(color);
  if (records.length === 0) return `No ${status} orders in the ledger.\n`;
  const table = new Table({
    head: ["Order", "Status", "Attempts", "Job or booking", "Invoice", "Last error", "Updated"],
    colWidths: [null, null, null, null, null, 60, null],
    wordWrap: true,
    ...(style === undefined ? {} : { style }),
  });
  for (const record of records) {
    const view = statusView(record);
    table.push([
      view.orderKey,
      view.status,
      view.attempts,
      view.bookingId === null ? show(view.jobId) : `booking ${view.bookingId}`,
      show(view.invoiceId),
      view.lastError === null ? "-" : `${view.lastError.reason}: ${view.lastError.message}`,
      view.updatedAt,
    ]);
  }
  return `${table.toString()}\n${records.length} ${status} order(s)${limit !== undefined && records.length >= limit ? " (there may be more: raise --limit)" : ""}.\n`;
}
