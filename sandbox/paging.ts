/**
 * ServiceTitan list conventions: `page` (1-based), `pageSize` (50 by default; capped at 5000, the
 * partner portal's documented maximum), `includeTotal`, and `PaginatedResponse_Of_X`
 * `{page, pageSize, hasMore, totalCount, data}` (`totalCount` is null unless asked for).
 * Sorting: `sort=+Field` / `-Field` (a `+` that arrived unencoded reads as a space), or the older
 * `orderBy` + `orderByDirection` pair on job types and invoices.
 */
import { validationProblem } from "./problem.ts";
import type { QueryReader } from "./query.ts";

export const defaultPageSize = 50;
export const maxPageSize = 5000;

export interface Page<T> {
  page: number;
  pageSize: number;
  hasMore: boolean;
  totalCount: number | null;
  data: T[];
}

export function paginate<T, R = T>(items: readonly T[], q: QueryReader, render?: (item: T) => R): Page<R> {
  const pageRaw = q.int("page");
  const sizeRaw = q.int("pageSize");
  const includeTotal = q.bool("includeTotal") ?? false;
  const page = pageRaw === undefined || pageRaw < 1 ? 1 : pageRaw;
  const pageSize = sizeRaw === undefined || sizeRaw < 1 ? defaultPageSize : Math.min(sizeRaw, maxPageSize);
  const start = (page - 1) * pageSize;
  const slice = items.slice(start, start + pageSize);
  return {
    page,
    pageSize,
    hasMore: start + pageSize < items.length,
    totalCount: includeTotal ? items.length : null,
    data: render ? slice.map(render) : (slice as unknown as R[]),
  };
}

export type SortKey<T> = (item: T) => string | number | null;

/** Applies `sort=±Field` (field names case-insensitive); unknown fields are a 400 naming `sort`. */
export function sortItems<T extends { id: number | string }>(
  items: T[],
  q: QueryReader,
  fields: Record<string, SortKey<T>>,
): T[] {
  const raw = q.string("sort");
  if (raw === undefined) {
    // GUID-keyed records (contacts model) keep creation order; numeric ids ascend like ServiceTitan's default.
    return typeof items[0]?.id === "number" ? items.sort(compareBy((i) => i.id, 1)) : items;
  }
  const trimmed = raw.trim();
  const direction = trimmed.startsWith("-") ? -1 : 1;
  const name = trimmed.replace(/^[+-]/, "").trim().toLowerCase();
  const entry = Object.entries(fields).find(([field]) => field.toLowerCase() === name);
  if (!entry) throw validationProblem({ sort: [`Sorting by '${raw}' is not supported.`] });
  return items.sort(compareBy(entry[1], direction));
}

/** The older `orderBy` (field) + `orderByDirection` (`asc`/`ascending`/`desc`/`descending`) pair. */
export function orderItems<T extends { id: number | string }>(
  items: T[],
  q: QueryReader,
  fields: Record<string, SortKey<T>>,
): T[] {
  const raw = q.string("orderBy");
  const dirRaw = q.string("orderByDirection")?.trim().toLowerCase();
  const direction = dirRaw === "desc" || dirRaw === "descending" ? -1 : 1;
  if (raw === undefined) return items.sort(compareBy((i) => i.id, direction));
  const entry = Object.entries(fields).find(([field]) => field.toLowerCase() === raw.trim().toLowerCase());
  if (!entry) throw validationProblem({ orderBy: [`Ordering by '${raw}' is not supported.`] });
  return items.sort(compareBy(entry[1], direction));
}

function compareBy<T>(key: SortKey<T>, direction: number): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === kb) return 0;
    if (ka === null) return direction;
    if (kb === null) return -direction;
    return (ka < kb ? -1 : 1) * direction;
  };
}

/** Common sort fields of records with `id`, `createdOn`, `modifiedOn`. */
export function standardSortFields<
  T extends { id: number | string; createdOn: string; modifiedOn?: string | null },
>(): Record<string, SortKey<T>> {
  return {
    Id: (r) => r.id,
    CreatedOn: (r) => r.createdOn,
    ModifiedOn: (r) => r.modifiedOn ?? r.createdOn,
  };
}
