/**
 * Step 6: after the lines, what the invoice says about money. Sales tax is ServiceTitan's: it
 * computes it from the location's tax zone and the taxable items, and its help "strongly
 * recommend[s] allowing ServiceTitan to calculate the tax field" (api-notes §0 item 10). So the
 * worker never sends tax; it compares the invoice total with the order's `totals.total` instead.
 * A difference above one cent does not fail the order — the job and lines are right — it is flagged
 * (job tag, job note with both amounts, metric, `npm run status`) for the office to settle.
 *
 * "Paid online" always reaches the invoice: its summary gets one line with the date, amount, store,
 * order and gateway reference. With `money.payments.record` the payment is also recorded
 * (`record-payment.ts`); when that can't happen, a job note says so.
 *
 * Every write here is safe to repeat: the summary and the tags are checked on the invoice and job as
 * read, and the job note (no id, no externalData) is looked for by its order marker on a resumed order.
 */
import type { SyncConfig } from "../config/schema.ts";
import type { SyncProgress } from "../ledger/record.ts";
import type { Order, OrderPayment } from "../order/event-schema.ts";
import { totalsToleranceCents } from "../order/event-schema.ts";
import { decimalToCents } from "../order/money.ts";
import { type Invoice, updateInvoiceSummary } from "../servicetitan/endpoints/accounting.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { escapeHtml } from "./html.ts";
import { addJobNoteOnce, addJobTag } from "./job-annotations.ts";
import { type PaymentNotRecorded, type PaymentRecording, recordPayment } from "./record-payment.ts";

/** "$53.13" for USD, "53.13 CAD" otherwise. */
export function formatMoney(cents: number, currency: string): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const amount = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  return currency === "USD" ? `${sign}$${amount}` : `${sign}${amount} ${currency}`;
}

/** "Paid online 2026-11-20, $53.13 (card), acme-filters order 1042, ref ch_3Nx" — the date as the store sent it. */
export function paidOnlineText(order: Order, payment: OrderPayment): string {
  const reference = payment.reference ? `, ref ${payment.reference}` : "";
  return (
    `Paid online ${payment.paidAt.slice(0, 10)}, ${formatMoney(payment.amountCents, order.currency)} (${payment.method}), ` +
    `${order.store} order ${order.orderId}${reference}`
  );
}

export interface TotalCheck {
  invoiceTotalCents: number;
  /** Set when the order states `totals.total` and the invoice differs from it by more than a cent. */
  totalMismatch: boolean;
}

/** The invoice as read back against the order's `totals.total` (nothing to compare without one). */
export function checkInvoiceTotal(order: Order, invoice: Invoice): TotalCheck {
  const invoiceTotalCents = decimalToCents(invoice.total);
  const orderTotal = order.totals?.total;
  const totalMismatch =
    orderTotal !== undefined &&
    (!Number.isFinite(invoiceTotalCents) || Math.abs(invoiceTotalCents - orderTotal) > totalsToleranceCents);
  return { invoiceTotalCents: Number.isFinite(invoiceTotalCents) ? invoiceTotalCents : 0, totalMismatch };
}

export interface SettleContext {
  http: ServiceTitanHttp;
  config: SyncConfig;
  paymentRecording: PaymentRecording;
  order: Order;
  orderKey: string;
  jobId: number;
  invoiceId: number;
  customerId: number;
  /** The invoice as read back after the lines. */
  invoice: Invoice;
  /** An earlier attempt may have written part of this step. */
  resumed: boolean;
  /** Mutated as sub-steps finish. */
  progress: SyncProgress;
  /** Writes `progress` to the ledger now (used as soon as a payment exists). */
  checkpoint: () => Promise<void>;
}

export async function settleInvoice(ctx: SettleContext): Promise<void> {
  const { order, progress } = ctx;
  const payment = order.payment;
  if (payment && !progress.paidOnlineNoted) {
    await notePaidOnInvoice(ctx, payment);
    progress.paidOnlineNoted = true;
  }
  const typeId = ctx.config.money.payments.record;
  if (
    payment &&
    typeId !== undefined &&
    progress.paymentId === undefined &&
    progress.paymentNotRecorded === undefined
  ) {
    const result = await recordPayment(ctx.http, ctx.paymentRecording, {
      typeId,
      order,
      payment,
      orderKey: ctx.orderKey,
      customerId: ctx.customerId,
      invoiceId: ctx.invoiceId,
      mayExist: ctx.resumed,
      checkpoint: async (paymentId) => {
        progress.paymentId = paymentId;
        await ctx.checkpoint();
      },
    });
    if ("notRecorded" in result) progress.paymentNotRecorded = result.notRecorded;
  }
  const note = jobNoteText(ctx, payment);
  if (note && !progress.jobNoteAdded) {
    await addJobNoteOnce(ctx.http, ctx.jobId, {
      text: note,
      marker: orderNoteMarker(ctx.orderKey),
      mayExist: ctx.resumed,
    });
    progress.jobNoteAdded = true;
  }
  const mismatchTag = ctx.config.money.totalMismatchJobTagTypeId;
  if (progress.totalMismatch && mismatchTag !== undefined && !progress.mismatchTagged) {
    await addJobTag(ctx.http, ctx.jobId, mismatchTag);
    progress.mismatchTagged = true;
  }
}

/** Appends the paid-online line to the invoice summary unless the summary already has it. */
async function notePaidOnInvoice(ctx: SettleContext, payment: OrderPayment): Promise<void> {
  const line = escapeHtml(paidOnlineText(ctx.order, payment));
  const current = ctx.invoice.summary ?? "";
  if (current.includes(line)) return;
  await updateInvoiceSummary(ctx.http, ctx.invoiceId, { summary: current === "" ? line : `${current}<br/>${line}` });
}

/** The marker every note of this order starts with: how a resumed order finds its note. */
export function orderNoteMarker(orderKey: string): string {
  return `Online order ${orderKey}:`;
}

/** What the office must look at, as one plain-text note; undefined when nothing needs attention. */
function jobNoteText(ctx: SettleContext, payment: OrderPayment | undefined): string | undefined {
  const { order, progress } = ctx;
  const parts: string[] = [];
  if (progress.totalMismatch && order.totals?.total !== undefined) {
    const invoiceTotal = formatMoney(progress.invoiceTotalCents ?? 0, order.currency);
    const orderTotal = formatMoney(order.totals.total, order.currency);
    const storeTax = formatMoney(order.totals.tax ?? 0, order.currency);
    const stTax = formatMoney(decimalToCents(ctx.invoice.salesTax) || 0, order.currency);
    parts.push(
      `the invoice total ${invoiceTotal} differs from the order total ${orderTotal} ` +
        `(ServiceTitan's sales tax ${stTax}, the store charged ${storeTax}). Check the location's tax zone and the items' taxability.`,
    );
  }
  if (payment && progress.paymentNotRecorded)
    parts.push(paymentFallbackText(order, payment, progress.paymentNotRecorded));
  if (parts.length === 0) return undefined;
  return `${orderNoteMarker(ctx.orderKey)} ${parts.join(" ")}`;
}

function paymentFallbackText(order: Order, payment: OrderPayment, reason: PaymentNotRecorded): string {
  const why =
    reason === "unavailable"
      ? "ServiceTitan no longer accepts payments through the API"
      : "ServiceTitan refused the payment";
  return `${paidOnlineText(order, payment)}. Not recorded as a payment (${why}): record it by hand.`;
}
