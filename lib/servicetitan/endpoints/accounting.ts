/** Invoice endpoints (accounting-v2.json), relative to `/accounting/v2/tenant/{tenant}`. */

import {
  type AddInvoiceItemRequest,
  addInvoiceItemRequestSchema,
  type CreatePaymentRequest,
  createdPaymentSchema,
  createPaymentRequestSchema,
  type Invoice,
  invoiceSchema,
  type Payment,
  type PaymentType,
  paymentSchema,
  paymentTypeSchema,
  type UpdateInvoiceSummaryRequest,
  updateInvoiceSummaryRequestSchema,
} from "../models/accounting.ts";
import type { ActiveFilter } from "../models/common.ts";
import { listAll, pageOf } from "../pagination.ts";
import { type ServiceTitanHttp, StApi } from "../types.ts";
import { checkIds, lookupMaxPages, lookupPageSize, requestBody, segment } from "./request-helpers.ts";

export type {
  AddInvoiceItemRequest,
  CreatePaymentRequest,
  Invoice,
  InvoiceItem,
  InvoiceItemType,
  Payment,
  PaymentType,
} from "../models/accounting.ts";
export { stDecimalToCents } from "../models/accounting.ts";

const api = StApi.accounting;
const invoicePage = pageOf(invoiceSchema);
const paymentPage = pageOf(paymentSchema);
const paymentTypePage = pageOf(paymentTypeSchema);

/**
 * One invoice with its items, via `Invoices_GetList?ids=` (the spec has no GET-by-id for invoices).
 * Money fields stay ServiceTitan's decimal strings; see `stDecimalToCents`.
 */
export async function getInvoice(http: ServiceTitanHttp, invoiceId: number): Promise<Invoice | undefined> {
  const page = await http.request({
    method: "GET",
    api,
    path: "/invoices",
    query: { ids: [invoiceId], page: 1, pageSize: 1 },
    response: invoicePage,
    operation: "Invoices_GetList",
  });
  return page.data.find((invoice) => invoice.id === invoiceId);
}

/**
 * Appends ONE line to the invoice (`Invoices_UpdateInvoiceItems`, PATCH with a single item object
 * and no `id`; 200 without a body). There is no batch and no transaction: one call per line, and
 * since invoice items carry no externalData, the caller dedupes by reading the invoice back.
 */
export async function addInvoiceItem(
  http: ServiceTitanHttp,
  invoiceId: number,
  item: AddInvoiceItemRequest,
): Promise<void> {
  const operation = "Invoices_UpdateInvoiceItems";
  await http.request({
    method: "PATCH",
    api,
    path: `/invoices/${segment(invoiceId)}/items`,
    body: requestBody(addInvoiceItemRequestSchema, item, operation),
    operation,
  });
}

/**
 * Removes one line from the invoice (`Invoices_DeleteInvoiceItem`, 200 without a body). Used only
 * for a line of ours that a late write added a second time (see `verifyInvoice`).
 */
export async function deleteInvoiceItem(http: ServiceTitanHttp, invoiceId: number, itemId: number): Promise<void> {
  await http.request({
    method: "DELETE",
    api,
    path: `/invoices/${segment(invoiceId)}/items/${segment(itemId)}`,
    operation: "Invoices_DeleteInvoiceItem",
  });
}

/**
 * `Invoices_UpdateInvoice` with only `summary` (PATCH: the other fields stay). Both a live
 * integration and a probe report that `summary` binds on this PATCH (api-notes §0 item 4, §3.5).
 */
export async function updateInvoiceSummary(
  http: ServiceTitanHttp,
  invoiceId: number,
  body: UpdateInvoiceSummaryRequest,
): Promise<void> {
  const operation = "Invoices_UpdateInvoice";
  await http.request({
    method: "PATCH",
    api,
    path: `/invoices/${segment(invoiceId)}`,
    body: requestBody(updateInvoiceSummaryRequestSchema, body, operation),
    operation,
  });
}

/** `Payments_GetList?appliedToInvoiceIds=`: the payments applied to one invoice (one page of 50 is plenty). */
export async function listInvoicePayments(http: ServiceTitanHttp, invoiceId: number): Promise<Payment[]> {
  const page = await http.request({
    method: "GET",
    api,
    path: "/payments",
    query: { appliedToInvoiceIds: [invoiceId], page: 1, pageSize: 50 },
    response: paymentPage,
    operation: "Payments_GetList",
  });
  return page.data;
}

/**
 * `Payments_Create` (POST `/payments`), documented until the March 2026 accounting document and
 * deprecated since: callers must expect 404/405/410 and never depend on it. Not retried, like
 * every write; the caller looks for an existing payment before calling it again.
 */
export async function createPayment(http: ServiceTitanHttp, body: CreatePaymentRequest): Promise<{ id: number }> {
  const operation = "Payments_Create";
  return http.request({
    method: "POST",
    api,
    path: "/payments",
    body: requestBody(createPaymentRequestSchema, body, operation),
    response: createdPaymentSchema,
    operation,
  });
}

/** `PaymentTypes_GetList`, all pages (config check at start). */
export async function listPaymentTypes(
  http: ServiceTitanHttp,
  filter: { ids?: readonly number[]; active?: ActiveFilter } = {},
): Promise<PaymentType[]> {
  return listAll(
    (page) =>
      http.request({
        method: "GET",
        api,
        path: "/payment-types",
        query: { ids: checkIds(filter.ids), active: filter.active, page, pageSize: lookupPageSize },
        response: paymentTypePage,
        operation: "PaymentTypes_GetList",
      }),
    { maxPages: lookupMaxPages },
  );
}
