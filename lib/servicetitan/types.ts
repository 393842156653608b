/**
 * The seam between the ServiceTitan client (auth, rate limit, retries, errors) and the typed
 * endpoint modules. Endpoint modules only build requests; the client owns every HTTP concern.
 */
import type { z } from "zod";

/** The tenant APIs the worker talks to; each is served at `{ST_API_URL}/{api}/v2/tenant/{tenant}`. */
export const StApi = {
  crm: "crm",
  jpm: "jpm",
  pricebook: "pricebook",
  accounting: "accounting",
  settings: "settings",
  marketing: "marketing",
  dispatch: "dispatch",
  memberships: "memberships",
} as const;
export type StApi = (typeof StApi)[keyof typeof StApi];

export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

export interface StRequest<T> {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  api: StApi;
  /** Path below `/tenant/{tenant}`, starting with `/`, e.g. `/customers/42/tags/7`. */
  path: string;
  /** Arrays are sent comma-separated (ServiceTitan's `ids` style); undefined values are dropped. */
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
  /** Validates the parts of the response the worker relies on; omit for bodiless replies. */
  response?: z.ZodType<T>;
  /**
   * The spec's `operationId` (e.g. `Customers_Create`), reported to `onCall` so metrics and the
   * per-order call budget group calls without the ids in `path`.
   */
  operation?: string;
  /**
   * Writes are never retried by the client: ServiceTitan has no idempotency keys, so a retried
   * POST after a lost reply would create a second record. Exactly-once is the pipeline's job.
   */
}

/** Per-call options that are not part of the request itself. */
export interface StCallOptions {
  /**
   * The invocation's abort signal: once aborted, no attempt starts and the one in flight is
   * abandoned (a write abandoned mid-flight may still be applied by ServiceTitan).
   */
  signal?: AbortSignal;
}

export interface ServiceTitanHttp {
  readonly tenantId: string;
  request<T = unknown>(req: StRequest<T>, options?: StCallOptions): Promise<T>;
  /** Calls made so far (by api and method), for benchmarks and the per-order call budget. */
  readonly stats: ServiceTitanCallStats;
}

export interface ServiceTitanCallStats {
  calls: number;
  tokenRequests: number;
  rateLimited: number;
  retries: number;
}
