/**
 * Reference-data lookups the mapping config is checked against, across three APIs: tag types,
 * business units and technicians (settings-v2), campaigns (marketing-v2) and arrival windows
 * (dispatch-v2). Each reads every page, since these lists are small and cached per container.
 *
 * Filters follow each operation's parameter list in the spec: tag types have no `ids` filter (pages
 * are filtered here), arrival windows have neither `ids` nor `name`. `ids` of any length are
 * requested 50 at a time; an empty `ids` list returns [] without a call.
 */
import type { z } from "zod";
import type { ActiveFilter } from "../models/common.ts";
import {
  type ArrivalWindow,
  arrivalWindowSchema,
  type BusinessUnit,
  businessUnitSchema,
  type Campaign,
  campaignSchema,
  type TagType,
  type Technician,
  tagTypeSchema,
  technicianSchema,
} from "../models/settings.ts";
import { listAll, pageOf } from "../pagination.ts";
import { StApi as Apis, type ServiceTitanHttp, type StApi } from "../types.ts";
import { idChunks, lookupMaxPages, lookupPageSize } from "./request-helpers.ts";

export type { ArrivalWindow, BusinessUnit, Campaign, TagType, Technician } from "../models/settings.ts";

interface Listing<T> {
  api: StApi;
  path: string;
  operation: string;
  item: z.ZodType<T>;
}

function readAll<T>(
  http: ServiceTitanHttp,
  listing: Listing<T>,
  query: { ids?: readonly number[]; active?: ActiveFilter | undefined },
): Promise<T[]> {
  const response = pageOf(listing.item);
  return listAll(
    (page) =>
      http.request({
        method: "GET",
        api: listing.api,
        path: listing.path,
        query: { ...query, page, pageSize: lookupPageSize },
        response,
        operation: listing.operation,
      }),
    { maxPages: lookupMaxPages },
  );
}

/** Runs `readAll` once per 50 ids (or once without `ids`). */
async function readByIds<T>(
  http: ServiceTitanHttp,
  listing: Listing<T>,
  filter: { ids?: readonly number[] | undefined; active?: ActiveFilter | undefined },
): Promise<T[]> {
  if (filter.ids === undefined) return readAll(http, listing, { active: filter.active });
  const chunks = await Promise.all(
    idChunks(filter.ids).map((ids) => readAll(http, listing, { ids, active: filter.active })),
  );
  return chunks.flat();
}

const tagTypes: Listing<TagType> = {
  api: Apis.settings,
  path: "/tag-types",
  operation: "TagTypes_GetList",
  item: tagTypeSchema,
};

/** `TagTypes_GetList` has no `ids` filter: every page is read and filtered here. */
export async function listTagTypes(
  http: ServiceTitanHttp,
  filter: { ids?: readonly number[]; active?: ActiveFilter } = {},
): Promise<TagType[]> {
  if (filter.ids?.length === 0) return [];
  const all = await readAll(http, tagTypes, { active: filter.active });
  if (filter.ids === undefined) return all;
  const wanted = new Set(filter.ids);
  return all.filter((tagType) => wanted.has(tagType.id));
}

/** `BusinessUnits_GetList`. */
export function listBusinessUnits(
  http: ServiceTitanHttp,
  filter: { ids?: readonly number[]; active?: ActiveFilter } = {},
): Promise<BusinessUnit[]> {
  return readByIds(
    http,
    { api: Apis.settings, path: "/business-units", operation: "BusinessUnits_GetList", item: businessUnitSchema },
    filter,
  );
}

/** `Technicians_GetList`. */
export function listTechnicians(
  http: ServiceTitanHttp,
  filter: { ids?: readonly number[]; active?: ActiveFilter } = {},
): Promise<Technician[]> {
  return readByIds(
    http,
    { api: Apis.settings, path: "/technicians", operation: "Technicians_GetList", item: technicianSchema },
    filter,
  );
}

/** `Campaigns_GetList` (marketing API). */
export function listCampaigns(
  http: ServiceTitanHttp,
  filter: { ids?: readonly number[]; active?: ActiveFilter } = {},
): Promise<Campaign[]> {
  return readByIds(
    http,
    { api: Apis.marketing, path: "/campaigns", operation: "Campaigns_GetList", item: campaignSchema },
    filter,
  );
}

/**
 * `ArrivalWindows_GetList` (dispatch API): only `active` and date filters exist. `start` (time of
 * day) and `duration` come back as duration strings and are also given as `startMinutes` /
 * `durationMinutes`.
 */
export function listArrivalWindows(
  http: ServiceTitanHttp,
  filter: { active?: ActiveFilter } = {},
): Promise<ArrivalWindow[]> {
  return readAll(
    http,
    { api: Apis.dispatch, path: "/arrival-windows", operation: "ArrivalWindows_GetList", item: arrivalWindowSchema },
    { active: filter.active },
  );
}
