/**
 * Step 5: the order lines on the job's invoice. ServiceTitan adds ONE item per
 * `PATCH /invoices/{id}/items` call (no batch, no transaction) and invoice items carry no
 * externalData, so exactly-once comes from reading the invoice: lines already there (same skuId,
 * quantity and unit price) are not added again. A fresh order's invoice is known to be empty of our
 * lines, so the first attempt adds without reading first. Afterwards the invoice is read back and
 * every order line must be on it at the order's price — ServiceTitan silently drops misspelled
 * fields (a `price` field gives a $0.00 line), which only a read-back catches.
 */
import { BusinessRuleError, ReasonCode, UnexpectedError } from "../errors.ts";
import type { ItemKind, Order, OrderLine } from "../order/event-schema.ts";
import { centsToDecimal, decimalToCents } from "../order/money.ts";
import { addInvoiceItem, getInvoice, type InvoiceItem } from "../servicetitan/endpoints/accounting.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { escapeHtml } from "./html.ts";

export interface PlannedLine {
  line: OrderLine;
  index: number;
  skuId: number;
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
    return { line, index, skuId };
  });
}

/** The line an earlier attempt added: same item and quantity (the price is what verification checks). */
const addedLine = (planned: PlannedLine, item: InvoiceItem) =>
  item.skuId === planned.skuId && Number(item.quantity) === planned.line.quantity;

/** On the invoice exactly as ordered: the same item and quantity at the order's unit price. */
const sameLine = (planned: PlannedLine, item: InvoiceItem) =>
  addedLine(planned, item) && decimalToCents(item.price) === planned.line.unitPriceCents;

/** Pairs each planned line with a distinct invoice item (two identical lines need two items). */
function pairLines(
  lines: readonly PlannedLine[],
  items: readonly InvoiceItem[],
  matches: (planned: PlannedLine, item: InvoiceItem) => boolean,
) {
  const unused = [...items];
  const missing: PlannedLine[] = [];
  for (const planned of lines) {
    const at = unused.findIndex((item) => matches(planned, item));
    if (at === -1) missing.push(planned);
    else unused.splice(at, 1);
  }
  return { missing };
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
    // Matched without the price: a line ServiceTitan stored at another price (INVOICE_MISMATCH) must
    // not be added again when the order is replayed.
    toAdd = pairLines(lines, invoice?.items ?? [], addedLine).missing;
  }
  for (const { line, skuId } of toAdd) {
    await addInvoiceItem(http, invoiceId, {
      skuId,
      description: escapeHtml(line.description ?? line.name),
      quantity: line.quantity,
      unitPrice: centsToDecimal(line.unitPriceCents),
    });
  }
  return { added: toAdd.length };
}

/** Reads the invoice back: every order line present with its quantity and unit price. */
export async function verifyInvoice(
  http: ServiceTitanHttp,
  invoiceId: number,
  lines: readonly PlannedLine[],
): Promise<void> {
  const invoice = await getInvoice(http, invoiceId);
  const { missing } = pairLines(lines, invoice?.items ?? [], sameLine);
  if (missing.length > 0) {
    throw new BusinessRuleError(
      ReasonCode.InvoiceMismatch,
      `Invoice ${invoiceId} does not show ${missing.length} of the order's ${lines.length} lines at the order's quantity and price`,
      { details: { invoiceId, missingLineIndexes: missing.map((m) => String(m.index)) } },
    );
  }
}
