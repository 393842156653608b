/**
 * Public types of the ServiceTitan sandbox. Other engineers (worker tests, the contract checker,
 * the local runner, benchmarks) code against these names, so they stay stable.
 */
import type { ClockOptions, SandboxClock } from "./clock.ts";
import type { PopulationSize } from "./large-seed.ts";
import type { SandboxOffice } from "./office.ts";
import type { SandboxSeed } from "./seed.ts";
import type { ExportFeedSettings, SandboxState } from "./state.ts";

export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
  appKey: string;
}

export interface SandboxOptions {
  /** ServiceTitan tenant id served at `/{api}/v2/tenant/{tenantId}`; default 1234567. */
  tenantId?: number;
  /** Defaults: fixed, obviously fake test values (`sandboxDefaults.credentials`). */
  credentials?: SandboxCredentials;
  /**
   * ServiceTitan allows 60 calls/s per application per tenant (developer.servicetitan.io FAQ);
   * the sandbox counts accepted API calls per tenant + app key in a sliding 1 s window and answers
   * 429 + `Retry-After` beyond it. The token endpoint is not counted.
   */
  rateLimitPerSecond?: number;
  /** Added to every API call (not to `/connect/token`); default 0. */
  latencyMs?: number;
  /** Lifetime of issued access tokens; default 900 (ServiceTitan's observed 15 minutes). */
  tokenTtlSeconds?: number;
  /**
   * Refuse a second pricebook item of a kind with the same code (400, `errors.code`). Live behaviour
   * is undocumented (UNCONFIRMED); default false: duplicates are accepted. See `SandboxState`.
   */
  uniquePricebookCodes?: boolean;
  /**
   * Refuse a booking whose `externalId` the provider already has (400, `errors.externalId`). Live
   * behaviour is undocumented (UNCONFIRMED, api-notes §0.12); default false: a second booking is filed.
   */
  rejectDuplicateBookingExternalIds?: boolean;
  /**
   * Initial records; default `defaultSeed()`. `"large"`: the default seed plus a generated population of
   * 100,000 customers, 150,000 customer contacts and 110,000 locations (large-seed.ts; `population`
   * changes the size).
   */
  seed?: SandboxSeed | "large";
  /**
   * A generated population added on top of the seed (large-seed.ts): deterministic, fake-looking,
   * 100,000 customers take a few seconds to build. Default: none, or `largeTenantSize` with `seed: "large"`.
   */
  population?: Partial<PopulationSize>;
  /**
   * Whether the tenant has ServiceTitan's Contact Management (Early Access; api-notes §0.1). Default
   * **false**, like most tenants: contacts written through the legacy model are not in
   * `/contacts/contact-methods` nor in relationships. True: they are mirrored there.
   */
  contactManagement?: boolean;
  /** The tenant clock's start and whether it is frozen; default: wall time, running. */
  clock?: ClockOptions;
  /** Export feeds' page size, 15-minute window and contact `active` meaning; defaults in `defaultExportFeedSettings`. */
  exportFeeds?: Partial<ExportFeedSettings>;
  /** Seed of the deterministic RNG deciding `probability` faults; default 42. */
  randomSeed?: number;
  /** Called for every request after its response was sent (the contract checker hooks here). */
  onExchange?: (exchange: Exchange) => void;
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT`; API at `{apiUrl}/{api}/v2/tenant/{tenant}/...` (ST_API_URL). */
  apiUrl: string;
  /** `http://127.0.0.1:PORT`; token at `POST {authUrl}/connect/token` (ST_AUTH_URL). */
  authUrl: string;
  tenantId: string;
  credentials: SandboxCredentials;
  /**
   * The in-memory records, readable and writable directly by tests. After changing a record directly,
   * set its `modifiedOn` (`touch` in state.ts) if the export feeds should deliver it again.
   */
  state: SandboxState;
  /**
   * The tenant clock (`createdOn`/`modifiedOn`, the feeds' 15-minute window): `advance(ms)`, `set(t)`,
   * `freeze()`, `resume()`. Token lifetimes and the rate limit stay on wall time.
   */
  clock: SandboxClock;
  /** The office's actions on the tenant (office.ts): create customers with contacts, edit contacts, merge, deactivate. */
  office: SandboxOffice;
  /** Switches Contact Management on (migrating the legacy contacts already there) or off (for later writes). */
  setContactManagement(on: boolean): void;
  faults: FaultController;
  /** Every request/response, in order. */
  log: Exchange[];
  /** Late writes (`late-commit` faults) performed so far. */
  lateCommits(): number;
  setLatency(ms: number): void;
  setRateLimit(perSecond: number): void;
  stop(): Promise<void>;
}

export interface Exchange {
  /** Epoch ms when the request arrived. */
  at: number;
  method: string;
  /** URL path without query. */
  path: string;
  query: Record<string, string | string[]>;
  requestBody?: unknown;
  /** HTTP status sent; 0 when a `drop` fault destroyed the socket without a response. */
  status: number;
  responseBody?: unknown;
  /** `crm`, `jpm`, ... for API calls; absent for `/connect/token` and unknown paths. */
  api?: string;
  /** The spec operationId the request was routed to. */
  operationId?: string;
}

export type FaultAction =
  /** Respond with that status (RFC 7807 body, optional `Retry-After`); the request has no effect. */
  | { type: "status"; status: number; retryAfterSeconds?: number }
  /** Wait, then handle the request normally. */
  | { type: "delay"; ms: number }
  /** Perform the write, then answer `status` (default 500): the reply is lost, the effect is not. */
  | { type: "commit-then-fail"; status?: number }
  /** Perform nothing and destroy the socket (the client sees a reset / hang-up). */
  | { type: "drop" }
  /**
   * A late write: answer `status` (default 504, a gateway giving up) at once, and perform the write
   * `afterMs` later, after the client has moved on. `lateCommits` counts the ones performed.
   */
  | { type: "late-commit"; afterMs: number; status?: number };

export type FaultRule = {
  method?: string;
  /** Matched against the path after `/tenant/{tenant}` (e.g. `/customers`) or the full URL path. */
  path?: string | RegExp;
  operationId?: string;
  /** How many times the rule fires; default 1; `Infinity` allowed. */
  times?: number;
  /** 0..1, default 1; decided by the sandbox's seeded RNG. */
  probability?: number;
  action: FaultAction;
};

export interface ActiveFault {
  id: string;
  rule: FaultRule;
  /** Firings left. */
  remaining: number;
  /** Firings so far. */
  fired: number;
}

export interface FaultController {
  /** Adds a rule (evaluated in insertion order) and returns its id. */
  add(rule: FaultRule): string;
  remove(id: string): boolean;
  clear(): void;
  /** The rules still registered, with their counters. */
  list(): readonly ActiveFault[];
}
