/**
 * Accounting invoices (accounting-v2.json `Invoices_GetList`, `Invoices_UpdateInvoiceItems`,
 * `Invoices_DeleteInvoiceItem`).
 *
 * `PATCH /invoices/{invoiceId}/items` takes ONE `InvoiceItemUpdateRequest` (not an array) and
 * answers an empty 200. Observed live (api-notes §3.5, 3P probe of a production tenant), mirrored here:
 * - no `id` appends a line; `id` updates that line;
 * - an append needs `skuId` or `skuName`, otherwise HTTP **500** "Sku (Name:) is not found.";
 *   an unknown `skuName` is the same 500 with the name filled in;
 * - the money field is `unitPrice`; a field called `price` is ignored (unknown field) → a 0.00 line.
 * Sandbox choices: an unknown `skuId` is a 400 naming `skuId`; `cost` defaults to the SKU's cost;
 * an invoice whose `syncStatus` is `Exported` refuses changes with a 400 (live: UNCONFIRMED).
 */
import { z } from "zod";
import { decimal, int64, isoDateTime, parseBody } from "../body.ts";
import { dateFilter } from "../filters.ts";
import { invoiceView, totalCents } from "../invoices.ts";
import { orderItems, paginate, sortItems, standardSortFields } from "../paging.ts";
import { ApiProblem, notFound, validationProblem } from "../problem.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, requireRecord, route } from "../router.ts";
import {
  allocateId,
  findSku,
  type InvoiceItemRecord,
  type InvoiceItemType,
  type InvoiceRecord,
  nowIso,
  type SandboxState,
  type SkuRecord,
} from "../state.ts";

const statuses = ["Pending", "Posted", "Exported"] as const;

function listInvoices({ state, query: q }: HandlerContext): HandlerResult {
  const ids = q.intList("ids", 5000);
  const jobId = q.int("jobId");
  const jobNumber = q.string("jobNumber");
  const customerId = q.int("customerId");
  const businessUnitId = q.int("businessUnitId");
  const number = q.string("number");
  const adjustmentToId = q.int("adjustmentToId");
  const totalGreater = q.number("totalGreater");
  const totalLess = q.number("totalLess");
  const activeState = q.enumValue("activeState", ["ActiveOnly", "InactiveOnly", "All"] as const) ?? "ActiveOnly";
  const wantedStatuses = q
    .all("statuses")
    .flatMap((s) => s.split(","))
    .map((s) => {
      const hit = statuses.find((x) => x.toLowerCase() === s.trim().toLowerCase());
      if (!hit) throw validationProblem({ statuses: [`The value '${s}' is not valid.`] });
      return hit;
    });
  const dated = dateFilter(q);
  const idSet = ids === undefined ? undefined : new Set(ids);
  const items = [...state.invoices.values()].filter((inv) => {
    const total = totalCents(inv) / 100;
    const job = inv.jobId === null ? undefined : state.jobs.get(inv.jobId);
    return (
      (idSet === undefined || idSet.has(inv.id)) &&
      (jobId === undefined || inv.jobId === jobId) &&
      (jobNumber === undefined || job?.jobNumber === jobNumber) &&
      (customerId === undefined || inv.customerId === customerId) &&
      (businessUnitId === undefined || inv.businessUnitId === businessUnitId) &&
      (number === undefined || inv.referenceNumber === number) &&
      adjustmentToId === undefined &&
      (totalGreater === undefined || total >= totalGreater) &&
      (totalLess === undefined || total <= totalLess) &&
      (activeState === "All" || inv.active === (activeState === "ActiveOnly")) &&
      (wantedStatuses.length === 0 || wantedStatuses.includes(inv.syncStatus)) &&
      dated(inv)
    );
  });
  const fields = standardSortFields<InvoiceRecord>();
  const sorted = q.string("sort") !== undefined ? sortItems(items, q, fields) : orderItems(items, q, fields);
  return { status: 200, body: paginate(sorted, q, (inv) => invoiceView(state, inv)) };
}

/** `Accounting.V2.InvoiceItemUpdateRequest` (the fields the sandbox keeps; others are ignored). */
const invoiceItemSchema = z.object({
  id: int64.nullish(),
  skuId: int64.nullish(),
  skuName: z.string().nullish(),
  technicianId: int64.nullish(),
  description: z.string(),
  quantity: decimal,
  unitPrice: decimal.nullish(),
  cost: decimal.nullish(),
  isAddOn: z.boolean().nullish(),
  installedOn: isoDateTime.nullish(),
});

const itemTypeOf: Record<SkuRecord["kind"], InvoiceItemType> = {
  material: "Material",
  equipment: "Equipment",
  service: "Service",
};

function skuByName(state: SandboxState, name: string): SkuRecord | undefined {
  const lower = name.trim().toLowerCase();
  for (const map of [state.materials, state.equipment, state.services]) {
    for (const sku of map.values()) if (sku.code.toLowerCase() === lower) return sku;
  }
  return undefined;
}

function resolveSku(state: SandboxState, skuId: number | null | undefined, skuName: string | null | undefined) {
  if (skuId !== undefined && skuId !== null) {
    const sku = findSku(state, skuId);
    if (!sku) throw validationProblem({ skuId: [`Sku (Id: ${skuId}) is not found.`] });
    return sku;
  }
  const name = skuName ?? "";
  const sku = name.trim() === "" ? undefined : skuByName(state, name);
  if (!sku) throw new ApiProblem(500, `Sku (Name:${name === "" ? "" : ` ${name}`}) is not found.`);
  return sku;
}

const cents = (n: number) => Math.round(n * 100);

function patchItems(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const invoice = requireRecord(state.invoices, pathId(ctx, "invoiceId"), "Invoice");
  if (invoice.syncStatus === "Exported") {
    throw validationProblem({ invoiceId: ["The invoice has been exported and cannot be changed."] });
  }
  const input = parseBody(invoiceItemSchema, ctx.body);
  const at = nowIso(state);
  if (input.id !== undefined && input.id !== null) {
    const itemId = input.id;
    const item = invoice.items.find((i) => i.id === itemId);
    if (!item) throw notFound(`Invoice item with id ${itemId}`);
    if ((input.skuId ?? null) !== null || (input.skuName ?? "") !== "") {
      const sku = resolveSku(state, input.skuId, input.skuName);
      Object.assign(item, skuFields(sku));
    }
    item.description = input.description;
    item.quantity = input.quantity;
    if (input.unitPrice !== undefined && input.unitPrice !== null) item.unitPriceCents = cents(input.unitPrice);
    if (input.cost !== undefined && input.cost !== null) item.costCents = cents(input.cost);
    if (input.technicianId !== undefined) item.technicianId = input.technicianId;
    if (input.isAddOn !== undefined && input.isAddOn !== null) item.addOn = input.isAddOn;
    if (input.installedOn !== undefined) item.installedOn = input.installedOn;
    item.modifiedOn = at;
  } else {
    const sku = resolveSku(state, input.skuId, input.skuName);
    const item: InvoiceItemRecord = {
      id: allocateId(state),
      ...skuFields(sku),
      description: input.description,
      quantity: input.quantity,
      unitPriceCents: cents(input.unitPrice ?? 0),
      costCents: cents(input.cost ?? sku.cost),
      technicianId: input.technicianId ?? null,
      addOn: input.isAddOn ?? false,
      isChargeable: true,
      order: invoice.items.reduce((max, i) => Math.max(max, i.order), 0) + 1,
      installedOn: input.installedOn ?? null,
      createdOn: at,
      modifiedOn: at,
    };
    invoice.items.push(item);
  }
  invoice.modifiedOn = at;
  return { status: 200 };
}

function skuFields(sku: SkuRecord) {
  return {
    skuId: sku.id,
    skuName: sku.code,
    displayName: sku.displayName,
    type: itemTypeOf[sku.kind],
    taxable: sku.taxable ?? false,
    inventory: sku.isInventory,
  };
}

function deleteItem(ctx: HandlerContext): HandlerResult {
  const invoice = requireRecord(ctx.state.invoices, pathId(ctx, "invoiceId"), "Invoice");
  const itemId = pathId(ctx, "itemId");
  const index = invoice.items.findIndex((i) => i.id === itemId);
  if (index < 0) throw notFound(`Invoice item with id ${itemId}`);
  invoice.items.splice(index, 1);
  invoice.modifiedOn = nowIso(ctx.state);
  return { status: 200 };
}

export const accountingRoutes: Route[] = [
  route("GET", "accounting", "/invoices", "Invoices_GetList", listInvoices),
  route("PATCH", "accounting", "/invoices/{invoiceId}/items", "Invoices_UpdateInvoiceItems", patchItems),
  route("DELETE", "accounting", "/invoices/{invoiceId}/items/{itemId}", "Invoices_DeleteInvoiceItem", deleteItem),
];
