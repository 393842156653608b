/**
 * Pricebook endpoints (pricebook-v2.json): materials, equipment and services, one path each below
 * `/pricebook/v2/tenant/{tenant}`. There is no exact `code` filter: `searchText` is a
 * case-insensitive contains match over display name, code and description (2–200 characters), so
 * callers compare `code` themselves, and a one-character code can't be searched for at all.
 */
import type { z } from "zod";
import type { ActiveFilter, ExternalDataFilter } from "../models/common.ts";
import {
  equipmentCreateRequestSchema,
  materialCreateRequestSchema,
  type PricebookCreateRequest,
  type PricebookItem,
  type PricebookKind,
  pricebookItemSchema,
  serviceCreateRequestSchema,
} from "../models/pricebook.ts";
import { type Page, pageOf } from "../pagination.ts";
import { type ServiceTitanHttp, StApi } from "../types.ts";
import { checkIds, emptyPage, externalDataQuery, matchesNothing, requestBody } from "./request-helpers.ts";

export type {
  EquipmentCreateRequest,
  MaterialCreateRequest,
  PricebookCreateRequest,
  PricebookCreateRequests,
  PricebookItem,
  PricebookKind,
  ServiceCreateRequest,
} from "../models/pricebook.ts";
export { pricebookKinds } from "../models/pricebook.ts";

const api = StApi.pricebook;
const itemPage = pageOf(pricebookItemSchema);

const endpoints = {
  material: {
    path: "/materials",
    list: "Materials_GetList",
    create: "Materials_Create",
    body: materialCreateRequestSchema,
  },
  equipment: {
    path: "/equipment",
    list: "Equipment_GetList",
    create: "Equipment_Create",
    body: equipmentCreateRequestSchema,
  },
  service: { path: "/services", list: "Services_GetList", create: "Services_Create", body: serviceCreateRequestSchema },
} as const satisfies Record<PricebookKind, { path: string; list: string; create: string; body: z.ZodType }>;

/** `searchText` takes 2–200 characters (`minLength`/`maxLength` in pricebook-v2.json); else 400. */
export const searchTextLength = { min: 2, max: 200 } as const;

/** The sort fields the list operations document (`sort=+Field` ascending, `-Field` descending). */
export type PricebookSortField =
  | "Id"
  | "Code"
  | "DisplayName"
  | "CreatedOn"
  | "ModifiedOn"
  | "Price"
  | "MemberPrice"
  | "AddOnPrice"
  | "AddOnMemberPrice"
  | "MaterialsCost"
  | "PrimaryVendor"
  | "Cost"
  | "Manufacturer"
  | "Priority";

export interface PricebookItemFilter {
  /** Contains match on display name, code and description; `searchTextLength` characters. */
  searchText?: string;
  /** At most 50. An empty list matches nothing (no call is made). */
  ids?: number[];
  active?: ActiveFilter;
  externalData?: ExternalDataFilter;
  /** The spec doesn't say how codes compare (case, punctuation); see `lib/pipeline/code-order.ts`. */
  sort?: `${"+" | "-"}${PricebookSortField}`;
  page?: number;
  pageSize?: number;
}

/** `Materials_GetList` / `Equipment_GetList` / `Services_GetList`. */
export async function listPricebookItems(
  http: ServiceTitanHttp,
  kind: PricebookKind,
  filter: PricebookItemFilter = {},
): Promise<Page<PricebookItem>> {
  if (matchesNothing(filter)) return emptyPage(filter.page, filter.pageSize);
  const endpoint = endpoints[kind];
  return http.request({
    method: "GET",
    api,
    path: endpoint.path,
    query: {
      searchText: filter.searchText,
      ids: checkIds(filter.ids),
      active: filter.active,
      ...externalDataQuery(filter.externalData),
      sort: filter.sort,
      page: filter.page,
      pageSize: filter.pageSize,
    },
    response: itemPage,
    operation: endpoint.list,
  });
}

/**
 * `Materials_Create` / `Equipment_Create` / `Services_Create` (201). The body goes through the
 * kind's create model, so fields that kind doesn't have (a service's `costOfSaleAccount`) are
 * dropped instead of being sent and silently ignored.
 */
export async function createPricebookItem<K extends PricebookKind>(
  http: ServiceTitanHttp,
  kind: K,
  body: PricebookCreateRequest<K>,
): Promise<PricebookItem> {
  const endpoint = endpoints[kind];
  const schema: z.ZodType<unknown, PricebookCreateRequest<K>> = endpoint.body;
  return http.request({
    method: "POST",
    api,
    path: endpoint.path,
    body: requestBody(schema, body, endpoint.create),
    response: pricebookItemSchema,
    operation: endpoint.create,
  });
}
