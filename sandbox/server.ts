/**
 * A ServiceTitan stand-in on loopback for everything the worker uses: OAuth client-credentials
 * token, CRM (customers, locations, contacts), pricebook, jobs, invoices and the settings /
 * marketing / dispatch lookups, with ServiceTitan's paths, parameter names, response shapes,
 * error bodies, pagination, rate limit and observed quirks (api-notes.md). Tests and the local
 * runner start it; `lib/` and `functions/` never import it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClock } from "./clock.ts";
import { setContactManagement } from "./contact-management.ts";
import { Faults } from "./faults.ts";
import { createRequestListener, type PipelineConfig } from "./http.ts";
import { addPopulation, largeTenantSize } from "./large-seed.ts";
import { createOffice } from "./office.ts";
import { SlidingWindowLimiter } from "./rate-limit.ts";
import { mulberry32 } from "./rng.ts";
import { routes } from "./routes/index.ts";
import { defaultSeed, seedIds, stateFromSeed } from "./seed.ts";
import type { Exchange, Sandbox, SandboxCredentials, SandboxOptions } from "./types.ts";

export type { ClockOptions, SandboxClock } from "./clock.ts";
export type { PopulationSize } from "./large-seed.ts";
export { largeTenantSize } from "./large-seed.ts";
export type {
  MergeOptions,
  OfficeCustomer,
  OfficeCustomerInput,
  OfficeLocationInput,
  SandboxOffice,
} from "./office.ts";
export type { SandboxSeed, SeedContact, SeedCustomer, SeedLocation, SeedSku } from "./seed.ts";
export { defaultSeed, seedContacts, seedIds } from "./seed.ts";
export type { ExportFeedSettings, SandboxState } from "./state.ts";
export { defaultExportFeedSettings, touch } from "./state.ts";
export type {
  ActiveFault,
  Exchange,
  FaultAction,
  FaultController,
  FaultRule,
  Sandbox,
  SandboxCredentials,
  SandboxOptions,
} from "./types.ts";

/** Fixed, obviously fake defaults (never real credentials). */
export const sandboxDefaults = {
  tenantId: seedIds.tenantId,
  credentials: {
    clientId: "cid.sandbox-test-client",
    clientSecret: "cs1.sandbox-test-secret-not-real",
    appKey: "ak1.sandbox-test-app-key",
  } satisfies SandboxCredentials,
  rateLimitPerSecond: 60,
  latencyMs: 0,
  tokenTtlSeconds: 900,
  randomSeed: 42,
} as const;

/** The spec operationIds the sandbox implements. */
export const implementedOperations: readonly string[] = routes.map((r) => r.operationId);

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const tenantId = options.tenantId ?? sandboxDefaults.tenantId;
  const credentials = { ...(options.credentials ?? sandboxDefaults.credentials) };
  const clock = createClock(options.clock);
  const seed = options.seed === undefined || options.seed === "large" ? defaultSeed() : options.seed;
  const state = stateFromSeed(seed, tenantId, seedIds.apiUserId, clock);
  for (const [key, value] of Object.entries(options.exportFeeds ?? {})) {
    if (value !== undefined) Object.assign(state.feeds, { [key]: value });
  }
  if (!Number.isSafeInteger(state.feeds.pageSize) || state.feeds.pageSize < 1) {
    throw new TypeError(
      `exportFeeds.pageSize must be a whole number of rows, at least 1 (got ${state.feeds.pageSize})`,
    );
  }
  const population = options.seed === "large" ? { ...largeTenantSize, ...options.population } : options.population;
  if (population !== undefined)
    addPopulation(state, { customers: 0, customerContacts: 0, locations: 0, ...population });
  setContactManagement(state, options.contactManagement ?? false);
  state.uniquePricebookCodes = options.uniquePricebookCodes ?? false;
  state.rejectDuplicateBookingExternalIds = options.rejectDuplicateBookingExternalIds ?? false;
  const limiter = new SlidingWindowLimiter(options.rateLimitPerSecond ?? sandboxDefaults.rateLimitPerSecond);
  const faults = new Faults(mulberry32(options.randomSeed ?? sandboxDefaults.randomSeed));
  const log: Exchange[] = [];
  const config: PipelineConfig = {
    state,
    routes,
    credentials,
    tenantId: String(tenantId),
    tokenTtlSeconds: options.tokenTtlSeconds ?? sandboxDefaults.tokenTtlSeconds,
    limiter,
    faults,
    latency: { ms: options.latencyMs ?? sandboxDefaults.latencyMs },
    log,
    onExchange: options.onExchange,
    lateCommits: { count: 0 },
  };
  const server = createServer(createRequestListener(config));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    apiUrl: baseUrl,
    authUrl: baseUrl,
    tenantId: String(tenantId),
    credentials,
    state,
    clock,
    office: createOffice(state),
    faults,
    log,
    setContactManagement(on: boolean) {
      setContactManagement(state, on);
    },
    lateCommits: () => config.lateCommits.count,
    setLatency(ms: number) {
      config.latency.ms = ms;
    },
    setRateLimit(perSecond: number) {
      limiter.setLimit(perSecond);
    },
    stop() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
