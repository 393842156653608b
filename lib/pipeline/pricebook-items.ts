/**
 * Step 3: a pricebook item (skuId) for every order line. The item whose `code` equals the SKU
 * exactly is reused; otherwise a material, equipment or service is created with the configured
 * accounts. Resolved SKUs are cached per container: after warm-up a known SKU costs no call.
 *
 * Finding: ServiceTitan has no exact `code` filter. `searchText` is a contains match over code, name
 * and description ("FLT-16x25x1" also returns "FLT-16x25x1-M11") and takes 2–200 characters, so the
 * results are compared exactly here, and a one-character SKU (the order contract allows 1–64) is
 * found by reading the kind's codes in order instead. Both read with `sort=Code` and stop at the
 * first page showing a code that sorts past the SKU in every plausible collation (`code-order.ts`):
 * a two-character SKU contained in hundreds of names ("AB") is still found, and its absence proved,
 * without reading them all.
 *
 * Creating: whether ServiceTitan refuses a second item with the same code is undocumented
 * (UNCONFIRMED), so concurrent first sales of a new SKU can't rely on it: creating is locked on the
 * kind and code (`create-once.ts`). A retry after a lost create reply searches again and finds the
 * item the first attempt created, so no ledger entry is needed.
 */
import type { SyncConfig } from "../config/schema.ts";
import { ServiceTitanRejectedError } from "../errors.ts";
import { type CreationLock, LockScope } from "../ledger/creation-lock.ts";
import type { ItemKind, Order, OrderLine } from "../order/event-schema.ts";
import { centsToDecimal } from "../order/money.ts";
import {
  createPricebookItem,
  listPricebookItems,
  type PricebookItem,
  type PricebookKind,
  searchTextLength,
} from "../servicetitan/endpoints/pricebook.ts";
import { lookupMaxPages, lookupPageSize } from "../servicetitan/endpoints/request-helpers.ts";
import { ServiceTitanPageLimitError } from "../servicetitan/errors.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { sortsAfter, sortsBefore } from "./code-order.ts";
import { findOrCreateOnce } from "./create-once.ts";
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

export function itemKindOf(config: SyncConfig, order: Order, line: OrderLine): ItemKind {
  if (line.itemKindSource === "order") return line.itemKind;
  return config[order.orderType].defaultItemKind ?? line.itemKind;
}

/**
 * The item whose code is exactly `sku` (active first, then the oldest), or undefined. One call for a
 * typical SKU; a one-character SKU reads the codes from the nearer end of the alphabet.
 *
 * @throws ServiceTitanPageLimitError when `lookupMaxPages` pages didn't settle it: creating then
 * could double an item the office already has.
 */
export async function findPricebookItem(
  http: ServiceTitanHttp,
  kind: PricebookKind,
  sku: string,
): Promise<PricebookItem | undefined> {
  const searchable = sku.length >= searchTextLength.min && sku.length <= searchTextLength.max;
  const descending = !searchable && /^[N-Zn-z]/.test(sku);
  const pastSku = descending ? sortsBefore : sortsAfter;
  const exact: PricebookItem[] = [];
  for (let page = 1; page <= lookupMaxPages; page++) {
    const result = await listPricebookItems(http, kind, {
      ...(searchable ? { searchText: sku } : {}),
      sort: descending ? "-Code" : "+Code",
      active: "Any",
      page,
      pageSize: lookupPageSize,
    });
    exact.push(...result.data.filter((item) => item.code === sku));
    if (!result.hasMore || result.data.some((item) => pastSku(item.code, sku))) {
      exact.sort((a, b) => Number(b.active) - Number(a.active) || a.id - b.id);
      return exact[0];
    }
  }
  throw new ServiceTitanPageLimitError(lookupMaxPages, { details: { operation: "pricebook look-up by code" } });
}

export interface PricebookDependencies {
  http: ServiceTitanHttp;
  config: SyncConfig;
  pricebookCache: PricebookCache;
  creationLock: CreationLock;
}

/**
 * Returns sku → skuId for the order's lines (one entry per distinct kind + SKU). `known`: items an
 * earlier attempt of this order resolved (recorded in the ledger) need no look-up.
 */
export async function resolvePricebookItems(
  deps: PricebookDependencies,
  order: Order,
  orderKey: string,
  known: Readonly<Record<string, number>> = {},
): Promise<Record<string, number>> {
  const { http, config, pricebookCache: cache } = deps;
  const ids: Record<string, number> = { ...known };
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
    const { record: item } = await findOrCreateOnce(
      {
        lock: deps.creationLock,
        keys: [{ scope: LockScope.PricebookCode, value: key }],
        ownerToken: orderKey,
        what: "pricebook item",
      },
      {
        find: () => findPricebookItem(http, kind, line.sku),
        create: () => createItem(http, config, order, line, kind, orderKey),
      },
    );
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
    // On a tenant that refuses duplicate codes, someone outside this worker (the office) may have
    // created it since the search: use theirs.
    if (error instanceof ServiceTitanRejectedError && (error.status === 409 || error.status === 400)) {
      const raced = await findPricebookItem(http, kind, line.sku);
      if (raced) return raced;
    }
    throw error;
  }
}
