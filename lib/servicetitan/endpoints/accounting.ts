/** Invoice endpoints (accounting-v2.json), relative to `/accounting/v2/tenant/{tenant}`. */
import {
  type AddInvoiceItemRequest,
  addInvoiceItemRequestSchema,
  type Invoice,
  invoiceSchema,
} from "../models/accounting.ts";
import { pageOf } from "../pagination.ts";
import { type ServiceTitanHttp, StApi } from "../types.ts";
import { requestBody, segment } from "./request-helpers.ts";

export type { AddInvoiceItemRequest, Invoice, InvoiceItem, InvoiceItemType } from "../models/accounting.ts";
export { stDecimalToCents } from "../models/accounting.ts";

const api = StApi.accounting;
const invoicePage = pageOf(invoiceSchema);

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
