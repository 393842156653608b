/**
 * A stand-in for ServiceTitan's four CRM export feeds, for tests of the index refresh on its own
 * (real dynalite, no HTTP): rows live in arrays, `continueFrom` is the next row's offset, a page is
 * `pageSize` rows, and a token can be marked as rejected (answered like ServiceTitan's 400). Every
 * other path throws, so a test can't silently depend on more of ServiceTitan than the feeds. The
 * end-to-end tests use the sandbox instead.
 */
import { ServiceTitanRejectedError } from "../../lib/errors.ts";
import type { ServiceTitanCallStats, ServiceTitanHttp, StRequest } from "../../lib/servicetitan/types.ts";

export const feedPaths = {
  customers: "/export/customers",
  customerContacts: "/export/customers/contacts",
  locations: "/export/locations",
  locationContacts: "/export/locations/contacts",
} as const;

export interface FeedStub extends ServiceTitanHttp {
  rows: Record<keyof typeof feedPaths, unknown[]>;
  /** `from` values answered with 400. */
  rejectedTokens: Set<string>;
  /** Every request, in order: path and `from`. */
  requests: { path: string; from: string | undefined }[];
}

export function createFeedStub(pageSize = 2): FeedStub {
  const stats: ServiceTitanCallStats = { calls: 0, tokenRequests: 0, rateLimited: 0, retries: 0 };
  const stub: FeedStub = {
    tenantId: "1",
    stats,
    rows: { customers: [], customerContacts: [], locations: [], locationContacts: [] },
    rejectedTokens: new Set(),
    requests: [],
    async request<T>(req: StRequest<T>): Promise<T> {
      stats.calls++;
      const feed = (Object.keys(feedPaths) as (keyof typeof feedPaths)[]).find((k) => feedPaths[k] === req.path);
      if (!feed || req.method !== "GET") throw new Error(`feed stub: unexpected ${req.method} ${req.path}`);
      const from = req.query?.from as string | undefined;
      stub.requests.push({ path: req.path, from });
      if (req.query?.includeRecentChanges !== true) throw new Error("feed stub: includeRecentChanges must be true");
      if (from !== undefined && stub.rejectedTokens.has(from)) {
        throw new ServiceTitanRejectedError("GET crm export: 400 Bad Request", 400);
      }
      const start = from === undefined ? 0 : Number(from);
      const all = stub.rows[feed];
      const data = all.slice(start, start + pageSize);
      const next = Math.min(all.length, start + pageSize);
      const body = { hasMore: next < all.length, continueFrom: String(next), data };
      return (req.response ? req.response.parse(body) : body) as T;
    },
  };
  return stub;
}
