/**
 * Step 5: the order's lines on the job's invoice. ServiceTitan adds ONE item per
 * `PATCH /invoices/{id}/items` call (no batch, no transaction) and invoice items carry no
 * externalData, so exactly-once comes from reading the invoice: lines already there are not added
 * again. A fresh order's invoice is known to be empty of our lines, so the first attempt adds
 * without reading first.
 *
 * Afterwards the invoice is read back and checked in both directions:
 * - every planned line must be there at its quantity and unit price — ServiceTitan silently drops
 *   misspelled fields (a `price` field gives a $0.00 line), which only a read-back catches;
 * - no line of ours may be there twice. A write can be applied after the attempt that sent it gave
 *   up (a late reply, a gateway timeout, an invocation frozen at its timeout) while a retry added the
 *   same line: an extra item with one of our skuIds at a planned quantity is that duplicate, and is
 *   deleted. Other items (added by the office, other SKUs) are left alone.
 *
 * Lines are generic (skuId, description, quantity, unit price): order lines today, and any other
 * line the order puts on the invoice goes through the same plan → add → verify path.
 */
import { BusinessRuleError, ReasonCode, UnexpectedError } from "../errors.ts";
import type { ItemKind, Order, OrderLine } from "../order/event-schema.ts";
import { centsToDecimal, decimalToCents } from "../order/money.ts";
import {
  addInvoiceItem,
  deleteInvoiceItem,
  getInvoice,
  type InvoiceItem,
} from "../servicetitan/endpoints/accounting.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { escapeHtml } from "./html.ts";

/** One line the invoice must show. */
export interface PlannedLine {
  /** Position in the plan (reported when a line is missing). */
  index: number;
  skuId: number;
  /** Plain text; HTML-escaped when sent (ServiceTitan renders descriptions as HTML). */
  description: string;
  quantity: number;
  unitPriceCents: number;
}

export function plannedLines(
  order: Order,
  kindOf: (line: OrderLine) => ItemKind,
  skuIds: Readonly<Record<string, number>>,
): PlannedLine[] {
  return order.lines.map((line, index) => {
    const skuId = skuIds[`${kindOf(line)}:${line.sku}`];
    if (skuId === undefined) {
      // A bug in the steps before (every line's item is resolved first), not something ServiceTitan did.
      throw new UnexpectedError(`No pricebook item resolved for line ${index}`, { details: { line: index } });
    }
    return {
      index,
      skuId,
      description: line.description ?? line.name,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
    };
  });
}

type Match = (planned: PlannedLine, item: InvoiceItem) => boolean;

/** The same item and quantity: the line an earlier attempt added, whatever price ServiceTitan kept. */
const sameItem: Match = (planned, item) => item.skuId === planned.skuId && Number(item.quantity) === planned.quantity;

/** Exactly as planned: the same item and quantity at the planned unit price. */
const exactLine: Match = (planned, item) =>
  sameItem(planned, item) && decimalToCents(item.price) === planned.unitPriceCents;

interface Pairing {
  /** Planned lines with no item at all. */
  missing: PlannedLine[];
  /** Planned lines whose item shows another price. */
  repriced: PlannedLine[];
  /** Items no planned line took. */
  unused: InvoiceItem[];
}

/**
 * Pairs each planned line with a distinct item (two identical lines need two items): exact matches
 * first, price included, so a line at the right price is never spent on a differently priced
 * twin; then same item and quantity at another price.
 */
function pairLines(lines: readonly PlannedLine[], items: readonly InvoiceItem[]): Pairing {
  const unused = [...items];
  const take = (planned: PlannedLine, match: Match) => {
    const at = unused.findIndex((item) => match(planned, item));
    if (at !== -1) unused.splice(at, 1);
    return at !== -1;
  };
  const notExact = lines.filter((planned) => !take(planned, exactLine));
  const missing = notExact.filter((planned) => !take(planned, sameItem));
  return { missing, repriced: notExact.filter((planned) => !missing.includes(planned)), unused };
}

export async function addInvoiceLines(
  http: ServiceTitanHttp,
  invoiceId: number,
  lines: readonly PlannedLine[],
  options: { invoiceMayHaveOurLines: boolean },
): Promise<{ added: number }> {
  let toAdd = lines;
  if (options.invoiceMayHaveOurLines) {
    const invoice = await getInvoice(http, invoiceId);
    // A line ServiceTitan stored at another price (INVOICE_MISMATCH) is not added again on a replay.
    toAdd = pairLines(lines, invoice?.items ?? []).missing;
  }
  for (const line of toAdd) {
    await addInvoiceItem(http, invoiceId, {
      skuId: line.skuId,
      description: escapeHtml(line.description),
      quantity: line.quantity,
      unitPrice: centsToDecimal(line.unitPriceCents),
    });
  }
  return { added: toAdd.length };
}

/**
 * Reads the invoice back: every planned line present at its quantity and unit price, and no
 * duplicate of ours (deleted). Returns how many duplicates were removed.
 */
export async function verifyInvoice(
  http: ServiceTitanHttp,
  invoiceId: number,
  lines: readonly PlannedLine[],
): Promise<{ removed: number }> {
  const invoice = await getInvoice(http, invoiceId);
  const { missing, repriced, unused } = pairLines(lines, invoice?.items ?? []);
  const wrong = [...missing, ...repriced].sort((a, b) => a.index - b.index);
  if (wrong.length > 0) {
    throw new BusinessRuleError(
      ReasonCode.InvoiceMismatch,
      `Invoice ${invoiceId} does not show ${wrong.length} of the order's ${lines.length} lines at the order's quantity and price`,
      { details: { invoiceId, missingLineIndexes: wrong.map((m) => String(m.index)) } },
    );
  }
  const duplicates = unused.filter((item) => lines.some((planned) => sameItem(planned, item)));
  for (const item of duplicates) await deleteInvoiceItem(http, invoiceId, item.id);
  return { removed: duplicates.length };
}
