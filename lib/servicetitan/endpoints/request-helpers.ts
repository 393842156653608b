/**
 * Building blocks shared by the endpoint modules. ServiceTitan ignores unknown query parameters and
 * body fields without an error (a misspelled filter returns the unfiltered list), so filters are
 * mapped here to the spec's exact names, and bodies go through the spec-shaped zod schema, which
 * strips anything the model doesn't have.
 */
import type { z } from "zod";
import { issuePaths } from "../../validation/issues.ts";
import { ServiceTitanRequestInvalidError } from "../errors.ts";
import type { ExternalDataFilter } from "../models/common.ts";
import type { Page } from "../pagination.ts";
import type { QueryValue } from "../types.ts";

/** `ids`, `externalDataValues`: the spec allows at most 50 per request. */
export const maxIdsPerRequest = 50;

/** Page size for reference-data listings read in full (fewer calls than the default 50). */
export const lookupPageSize = 200;

/** Reference-data listings stop here rather than page forever (200 × 50 = 10,000 records). */
export const lookupMaxPages = 50;

export function externalDataQuery(filter: ExternalDataFilter | undefined): Record<string, QueryValue> {
  if (!filter) return {};
  if (filter.values.length > maxIdsPerRequest) {
    throw new RangeError(`externalDataValues takes at most ${maxIdsPerRequest} values`);
  }
  return {
    externalDataApplicationGuid: filter.applicationGuid,
    externalDataKey: filter.key,
    externalDataValues: filter.values,
  };
}

export function checkIds(ids: readonly number[] | undefined): readonly number[] | undefined {
  if (ids && ids.length > maxIdsPerRequest) throw new RangeError(`ids takes at most ${maxIdsPerRequest} ids`);
  return ids;
}

/**
 * True when a filter can match nothing (`ids: []`, `externalData.values: []`). Sending it would drop
 * the parameter and ServiceTitan would answer with the unfiltered list, so no call is made.
 */
export function matchesNothing(filter: { ids?: readonly number[]; externalData?: ExternalDataFilter }): boolean {
  return filter.ids?.length === 0 || filter.externalData?.values.length === 0;
}

export function emptyPage<T>(page: number | undefined, pageSize: number | undefined): Page<T> {
  return { page: page ?? 1, pageSize: pageSize ?? 50, hasMore: false, data: [] };
}

/** Validates a body against the spec model and strips unknown fields; names failing paths only. */
export function requestBody<S extends z.ZodType>(schema: S, body: z.input<S>, operation: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ServiceTitanRequestInvalidError(operation, issuePaths(parsed.error.issues));
  return parsed.data;
}

/** Splits up to any number of ids into requests of at most 50 (deduplicated). */
export function idChunks(ids: readonly number[]): number[][] {
  const unique = [...new Set(ids)];
  const chunks: number[][] = [];
  for (let at = 0; at < unique.length; at += maxIdsPerRequest) chunks.push(unique.slice(at, at + maxIdsPerRequest));
  return chunks;
}

/** A path segment (GUID or id) safely encoded. */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}
