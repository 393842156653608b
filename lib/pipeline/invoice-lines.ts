/**
 * Step 5: the order on the job's invoice — its lines, then shipping and the order-level discount as
 * lines of configured pricebook items (ServiceTitan invoices have no shipping or discount field).
 * Every planned line is an ordinary item (skuId, description, quantity, unit price), so all of them
 * take the same path: added one per `PATCH /invoices/{id}/items` call (no batch, no transaction),
 * then read back.
 *
 * Invoice items carry no externalData, so exactly-once comes from reading the invoice: lines already
 * there (same skuId and quantity) are not added again. A fresh order's invoice is known to be empty
 * of our lines, so the first attempt adds without reading first.
 *
 * Afterwards the invoice is read back and checked in both directions:
 * - every planned line (shipping and discount included) must be there at its quantity and unit
 *   price — ServiceTitan silently drops misspelled fields (a `price` field gives a $0.00 line), which
 *   only a read-back catches;
 * - no line of ours may be there twice. A write can be applied after the attempt that sent it gave
 *   up (a late reply, a gateway timeout, an invocation frozen at its timeout) while a retry added the
 *   same line: an extra item with one of our skuIds at a planned quantity is that duplicate, and is
 *   deleted. Other items (added by the office, other SKUs) are left alone.
 */
import type { MoneyConfig } from "../config/schema.ts";
import { BusinessRuleError, ConfigError, ReasonCode, UnexpectedError } from "../errors.ts";
import type { ItemKind, Order, OrderLine } from "../order/event-schema.ts";
import { centsToDecimal, decimalToCents } from "../order/money.ts";
import {
  addInvoiceItem,
  deleteInvoiceItem,
  getInvoice,
  type Invoice,
  type InvoiceItem,
} from "../servicetitan/endpoints/accounting.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { escapeHtml } from "./html.ts";

/** One line the invoice must show. */
export interface PlannedLine {
  /** Where the line comes from, for error details: `lines.0`, `shipping`, `discount`. */
  source: string;
  skuId: number;
  /** Plain text; escaped when sent (ServiceTitan's `description` is HTML). */
  description: string;
  quantity: number;
  /** Negative for the discount line (ServiceTitan accepts negative unit prices on appended items). */
  unitPriceCents: number;
}

/** The order-level amounts that become lines of configured items, with the config key naming each item. */
export function adjustmentAmounts(order: Order) {
  return [
    { source: "shipping", key: "money.shippingItem", cents: order.totals?.shipping ?? 0, sign: 1, label: "Shipping" },
    {
      source: "discount",
      key: "money.discountItem",
      cents: order.totals?.discount ?? 0,
      sign: -1,
      label: "Order discount",
    },
  ] as const;
}

/**
 * Shipping or a discount with no configured item is a permanent error naming the key, raised before
 * anything is written: the config can't know which orders a storefront will send, and dropping the
 * amount would leave an invoice that disagrees with what the customer paid. Fix the config and
 * replay the order from the DLQ.
 */
export function assertAdjustmentItemsConfigured(order: Order, money: MoneyConfig): void {
  for (const adjustment of adjustmentAmounts(order)) {
    const item = adjustment.source === "shipping" ? money.shippingItem : money.discountItem;
    if (adjustment.cents > 0 && item === undefined) {
      throw new ConfigError(
        ReasonCode.ConfigInvalid,
        adjustment.key,
        `The order has totals.${adjustment.source} above zero but config ${adjustment.key} names no pricebook item for it`,
      );
    }
  }
}

export function plannedLines(
  order: Order,
  kindOf: (line: OrderLine) => ItemKind,
  skuIds: Readonly<Record<string, number>>,
  money: MoneyConfig,
): PlannedLine[] {
  const lines = order.lines.map((line, index): PlannedLine => {
    const skuId = skuIds[`${kindOf(line)}:${line.sku}`];
    if (skuId === undefined) {
      // A bug in the steps before (every line's item is resolved first), not something ServiceTitan did.
      throw new UnexpectedError(`No pricebook item resolved for line ${index}`, { details: { line: index } });
    }
    const description = line.description ?? line.name;
    return {
      source: `lines.${index}`,
      skuId,
      description,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
    };
  });
  assertAdjustmentItemsConfigured(order, money);
  for (const adjustment of adjustmentAmounts(order)) {
    const item = adjustment.source === "shipping" ? money.shippingItem : money.discountItem;
    if (adjustment.cents <= 0 || item === undefined) continue;
    lines.push({
      source: adjustment.source,
      skuId: item.skuId,
      description: adjustment.label,
      quantity: 1,
      unitPriceCents: adjustment.sign * adjustment.cents,
    });
  }
  return lines;
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
 * duplicate of ours (deleted). Returns the invoice as it stands afterwards, whose total (with
 * ServiceTitan's tax) the money step compares with the order's, and how many duplicates were removed.
 */
export async function verifyInvoice(
  http: ServiceTitanHttp,
  invoiceId: number,
  lines: readonly PlannedLine[],
): Promise<{ invoice: Invoice; removed: number }> {
  const read = await getInvoice(http, invoiceId);
  const { missing, repriced, unused } = pairLines(lines, read?.items ?? []);
  const wrong = lines.filter((planned) => missing.includes(planned) || repriced.includes(planned));
  if (read === undefined || wrong.length > 0) {
    throw new BusinessRuleError(
      ReasonCode.InvoiceMismatch,
      `Invoice ${invoiceId} does not show ${wrong.length} of the order's ${lines.length} lines at the order's quantity and price`,
      { details: { invoiceId, missingLines: wrong.map((m) => m.source) } },
    );
  }
  const duplicates = unused.filter((item) => lines.some((planned) => sameItem(planned, item)));
  for (const item of duplicates) await deleteInvoiceItem(http, invoiceId, item.id);
  if (duplicates.length === 0) return { invoice: read, removed: 0 };
  // The total changed with the deletions: read it again for the tax reconciliation.
  const invoice = await getInvoice(http, invoiceId);
  if (invoice === undefined) {
    throw new BusinessRuleError(ReasonCode.InvoiceMismatch, `Invoice ${invoiceId} is gone after removing duplicates`, {
      details: { invoiceId },
    });
  }
  return { invoice, removed: duplicates.length };
}
