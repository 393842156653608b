/**
 * `{apiUrl}/{api}/v2/tenant/{tenant}{path}?query`. ServiceTitan reads list filters such as `ids`
 * as one comma-separated value, and silently ignores parameters it doesn't know — so undefined
 * values are dropped rather than sent empty, and an empty array is dropped too (endpoint modules
 * must not ask for "these 0 ids": ServiceTitan would answer with the unfiltered list).
 */
import type { QueryValue, StApi } from "./types.ts";

export function buildApiUrl(
  apiUrl: string,
  api: StApi,
  tenantId: string,
  path: string,
  query: Readonly<Record<string, QueryValue>> | undefined,
): string {
  if (!path.startsWith("/")) throw new RangeError("ServiceTitan request path must start with '/'");
  const url = new URL(`${apiUrl}/${api}/v2/tenant/${encodeURIComponent(tenantId)}${path}`);
  for (const [name, value] of Object.entries(query ?? {})) {
    const text = queryText(value);
    if (text !== undefined) url.searchParams.set(name, text);
  }
  return url.toString();
}

function queryText(value: QueryValue): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(String).join(",");
  return String(value);
}
