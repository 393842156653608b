/**
 * Step 3: a pricebook item (skuId) for every order line. The item whose `code` equals the SKU
 * exactly is reused; otherwise a material, equipment or service is created with the configured
 * accounts. ServiceTitan has no exact `code` filter: `searchText` is a contains match over code,
 * name and description ("FLT-16x25x1" also returns "FLT-16x25x1-M11"), so results are compared
 * exactly here. Resolved SKUs are cached per container: after warm-up a known SKU costs no call.
 *
 * Exactly-once needs no ledger entry here: a retry after a lost create reply searches by code again
 * and finds the item the first attempt created.
 */
import type { SyncConfig } from "../config/schema.ts";
import { ServiceTitanRejectedError } from "../errors.ts";
import type { ItemKind, Order, OrderLine } from "../order/event-schema.ts";
import { centsToDecimal } from "../order/money.ts";
import {
  createPricebookItem,
  listPricebookItems,
  type PricebookItem,
  type PricebookKind,
} from "../servicetitan/endpoints/pricebook.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { ExternalDataKey, externalDataStamp } from "./external-data.ts";
import { escapeHtml } from "./html.ts";

/** sku → skuId per item kind, shared by every order a container processes. */
export class PricebookCache {
  readonly #ids = new Map<string, number>();
  get(kind: PricebookKind, sku: string): number | undefined {
    return this.#ids.get(`${kind}\u0000${sku}`);
  }
  set(kind: PricebookKind, sku: string, id: number): void {
    this.#ids.set(`${kind}\u0000${sku}`, id);
  }
}

/** searchText pages looked at per SKU; a SKU matching thousands of items is not a SKU. */
const maxSearchPages = 5;

export function itemKindOf(config: SyncConfig, order: Order, line: OrderLine): ItemKind {
  if (line.itemKindSource === "order") return line.itemKind;
  return config[order.orderType].defaultItemKind ?? line.itemKind;
}

export async function findPricebookItem(
  http: ServiceTitanHttp,
  kind: PricebookKind,
  sku: string,
): Promise<PricebookItem | undefined> {
  const exact: PricebookItem[] = [];
  for (let page = 1; page <= maxSearchPages; page++) {
    const result = await listPricebookItems(http, kind, { searchText: sku, active: "Any", page, pageSize: 50 });
    exact.push(...result.data.filter((item) => item.code === sku));
    if (!result.hasMore || exact.length > 0) break;
  }
  exact.sort((a, b) => Number(b.active) - Number(a.active) || a.id - b.id);
  return exact[0];
}

/** Returns sku → skuId for the order's lines (one entry per distinct kind + SKU). */
export async function resolvePricebookItems(
  http: ServiceTitanHttp,
  config: SyncConfig,
  order: Order,
  cache: PricebookCache,
  orderKey: string,
  options: { known?: Readonly<Record<string, number>> } = {},
): Promise<Record<string, number>> {
  // Items an earlier attempt of this order resolved (recorded in the ledger) need no look-up.
  const ids: Record<string, number> = { ...options.known };
  const firstLineBySku = new Map<string, { line: OrderLine; kind: ItemKind }>();
  for (const line of order.lines) {
    const kind = itemKindOf(config, order, line);
    const key = pricebookKey(kind, line.sku);
    if (!firstLineBySku.has(key)) firstLineBySku.set(key, { line, kind });
  }
  for (const [key, { line, kind }] of firstLineBySku) {
    if (ids[key] !== undefined) continue;
    const cached = cache.get(kind, line.sku);
    if (cached !== undefined) {
      ids[key] = cached;
      continue;
    }
    const item =
      (await findPricebookItem(http, kind, line.sku)) ?? (await createItem(http, config, order, line, kind, orderKey));
    cache.set(kind, line.sku, item.id);
    ids[key] = item.id;
  }
  return ids;
}

/** Key of a line's item in `SyncProgress.pricebookItemIds`. */
export function pricebookKey(kind: ItemKind, sku: string): string {
  return `${kind}:${sku}`;
}

async function createItem(
  http: ServiceTitanHttp,
  config: SyncConfig,
  order: Order,
  line: OrderLine,
  kind: PricebookKind,
  orderKey: string,
): Promise<PricebookItem> {
  const { account, costOfSaleAccount, assetAccount } = config[order.orderType].accounts;
  const common = {
    code: line.sku,
    displayName: line.name,
    description: escapeHtml(line.description ?? line.name),
    price: centsToDecimal(line.unitPriceCents),
    active: true,
    ...(line.taxable === undefined ? {} : { taxable: line.taxable }),
    ...(account ? { account } : {}),
    externalData: externalDataStamp(config, ExternalDataKey.CreatedByOrder, orderKey),
  };
  const body =
    kind === "service"
      ? common
      : {
          ...common,
          ...(costOfSaleAccount ? { costOfSaleAccount } : {}),
          ...(assetAccount ? { assetAccount } : {}),
        };
  try {
    return await createPricebookItem(http, kind, body);
  } catch (error) {
    // Another order created the same SKU a moment ago (codes are unique): use theirs.
    if (error instanceof ServiceTitanRejectedError && (error.status === 409 || error.status === 400)) {
      const raced = await findPricebookItem(http, kind, line.sku);
      if (raced) return raced;
    }
    throw error;
  }
}
