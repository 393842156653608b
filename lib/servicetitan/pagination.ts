/**
 * ServiceTitan's list envelope (`PaginatedResponse_Of_X`): `page` is 1-based, `pageSize` defaults
 * to 50, `totalCount` is only sent (and may be null) when `includeTotal=true`, and `hasMore` is the
 * only reliable "there is another page" signal.
 */
import * as z from "zod";
import { ServiceTitanPageLimitError } from "./errors.ts";

export interface Page<T> {
  page: number;
  pageSize: number;
  hasMore: boolean;
  totalCount?: number | undefined;
  data: T[];
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    page: z.number().int(),
    pageSize: z.number().int(),
    hasMore: z.boolean(),
    totalCount: z
      .number()
      .int()
      .nullish()
      .transform((value) => value ?? undefined),
    data: z.array(item),
  });
}

export interface ListAllOptions {
  /** Stop with `ServiceTitanPageLimitError` rather than return a silently truncated list. */
  maxPages: number;
}

/**
 * Reads page 1, 2, … until `hasMore` is false. A partial list would look complete to the caller
 * (e.g. "this tag type doesn't exist"), so exceeding `maxPages` throws instead of truncating.
 */
export async function listAll<T>(fetchPage: (page: number) => Promise<Page<T>>, options: ListAllOptions): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= options.maxPages; page++) {
    const result = await fetchPage(page);
    items.push(...result.data);
    if (!result.hasMore || result.data.length === 0) return items;
  }
  throw new ServiceTitanPageLimitError(options.maxPages);
}
