/**
 * Customer payments (accounting `Payments_GetList`, `PaymentTypes_GetList`, and `Payments_Create`,
 * which only the March 2026 accounting document describes: `openapi/SOURCES.md`, api-notes §0 item 9).
 *
 * `Payments_Create` validates `typeId` (an active payment type) and every split's invoice, keeps the
 * payment and answers `PaymentResponse`. Whether live tenants still accept it is UNCONFIRMED: add
 * `"Payments_Create"` to `state.removedOperations` and it answers 404, as after a removal.
 */
import { z } from "zod";
import { decimal, int64, isoDateTime, parseBody } from "../body.ts";
import { byIds, dateFilter, matchesActive } from "../filters.ts";
import { money } from "../invoices.ts";
import { orderItems, paginate, standardSortFields } from "../paging.ts";
import type { HandlerContext, HandlerResult, Route } from "../router.ts";
import { route } from "../router.ts";
import { allocateId, nowIso, type PaymentRecord, type PaymentTypeRecord } from "../state.ts";
import { ErrorCollector } from "./common.ts";

const statuses = ["Pending", "Posted", "Exported"] as const;

/** `Accounting.V2.PaymentCreateRequest` (March 2026 document). */
const paymentCreateSchema = z.object({
  typeId: int64,
  amount: decimal.nullish(),
  customerId: int64.nullish(),
  memo: z.string().nullish(),
  paidOn: isoDateTime.nullish(),
  authCode: z.string().nullish(),
  checkNumber: z.string().nullish(),
  exportId: z.string().nullish(),
  status: z.enum(statuses).nullish(),
  splits: z
    .array(z.object({ invoiceId: int64.nullish(), invoiceNumber: z.string().nullish(), amount: decimal.nullish() }))
    .nullish(),
});

const cents = (n: number) => Math.round(n * 100);

function createPayment({ state, body }: HandlerContext): HandlerResult {
  const input = parseBody(paymentCreateSchema, body);
  const errors = new ErrorCollector();
  const type = state.paymentTypes.get(input.typeId);
  if (!type?.active) errors.add("typeId", `Payment type with id ${input.typeId} not found.`);
  if (input.customerId !== undefined && input.customerId !== null && !state.customers.has(input.customerId)) {
    errors.add("customerId", `Customer with id ${input.customerId} not found.`);
  }
  const splits = (input.splits ?? []).map((split, i) => {
    const invoice =
      split.invoiceId === undefined || split.invoiceId === null ? undefined : state.invoices.get(split.invoiceId);
    if (!invoice) errors.add(`splits[${i}].invoiceId`, "Invoice not found.");
    return { invoiceId: invoice?.id ?? 0, amountCents: cents(split.amount ?? 0) };
  });
  errors.throwIfAny();
  const at = nowIso();
  const payment: PaymentRecord = {
    id: allocateId(state),
    typeId: input.typeId,
    customerId: input.customerId ?? null,
    amountCents: cents(input.amount ?? splits.reduce((sum, s) => sum + s.amountCents / 100, 0)),
    memo: input.memo ?? null,
    authCode: input.authCode ?? null,
    paidOn: input.paidOn ? new Date(input.paidOn).toISOString() : null,
    splits,
    active: true,
    createdOn: at,
    modifiedOn: at,
  };
  state.payments.set(payment.id, payment);
  return {
    status: 200,
    body: {
      id: payment.id,
      typeId: payment.typeId,
      active: true,
      memo: payment.memo,
      paidOn: payment.paidOn,
      authCode: payment.authCode,
      checkNumber: null,
      exportId: null,
      transactionStatus: null,
      status: "Pending",
      customerId: payment.customerId,
      splits: payment.splits.map((s) => ({ invoiceId: s.invoiceId, invoiceNumber: null, amount: s.amountCents / 100 })),
    },
  };
}

/** `Accounting.V2.DetailedPaymentResponse`. */
function paymentView(state: HandlerContext["state"], p: PaymentRecord) {
  const type = state.paymentTypes.get(p.typeId);
  const customer = p.customerId === null ? undefined : state.customers.get(p.customerId);
  return {
    id: p.id,
    syncStatus: "Pending",
    referenceNumber: String(p.id),
    date: p.paidOn,
    typeId: String(p.typeId),
    type: type?.name ?? null,
    total: money(p.amountCents),
    unappliedAmount: money(p.amountCents - p.splits.reduce((sum, s) => sum + s.amountCents, 0)),
    memo: p.memo,
    customer: customer ? { id: customer.id, name: customer.name } : null,
    businessUnit: null,
    batch: null,
    createdBy: null,
    generalLedgerAccount: null,
    appliedTo: p.splits.map((s) => ({
      appliedId: p.id,
      appliedTo: s.invoiceId,
      appliedAmount: money(s.amountCents),
      appliedOn: p.createdOn,
      appliedBy: null,
      appliedToReferenceNumber: state.invoices.get(s.invoiceId)?.referenceNumber ?? null,
    })),
    customFields: [],
    authCode: p.authCode,
    checkNumber: null,
    createdOn: p.createdOn,
    modifiedOn: p.modifiedOn,
    active: p.active,
    deposit: null,
    refundedPaymentId: null,
  };
}

function listPayments({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const appliedList = q.intList("appliedToInvoiceIds");
  const appliedTo = appliedList === undefined ? undefined : new Set(appliedList);
  const customerId = q.int("customerId");
  const activeState = q.enumValue("activeState", ["ActiveOnly", "InactiveOnly", "All"] as const) ?? "ActiveOnly";
  const dated = dateFilter(q);
  const items = [...state.payments.values()].filter(
    (p) =>
      ids(p) &&
      (appliedTo === undefined || p.splits.some((s) => appliedTo.has(s.invoiceId))) &&
      (customerId === undefined || p.customerId === customerId) &&
      (activeState === "All" || p.active === (activeState === "ActiveOnly")) &&
      dated(p),
  );
  const sorted = orderItems(items, q, standardSortFields<PaymentRecord>());
  return { status: 200, body: paginate(sorted, q, (p) => paymentView(state, p)) };
}

function listPaymentTypes({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const active = q.active();
  const dated = dateFilter(q);
  const items = [...state.paymentTypes.values()].filter((t) => ids(t) && matchesActive(t.active, active) && dated(t));
  const sorted = orderItems(items, q, standardSortFields<PaymentTypeRecord>());
  return {
    status: 200,
    body: paginate(sorted, q, (t) => ({ id: t.id, name: t.name, createdOn: t.createdOn, modifiedOn: t.modifiedOn })),
  };
}

export const paymentRoutes: Route[] = [
  route("GET", "accounting", "/payments", "Payments_GetList", listPayments),
  route("POST", "accounting", "/payments", "Payments_Create", createPayment),
  route("GET", "accounting", "/payment-types", "PaymentTypes_GetList", listPaymentTypes),
];
