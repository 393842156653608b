/**
 * A whole local world for integration tests: the contract-checked ServiceTitan sandbox, fauxqs,
 * dynalite, the real order-sync handler and the event-source runner — everything over loopback HTTP.
 */
import { resolve } from "node:path";
import { loadSyncConfigFile } from "../../lib/config/parse-config.ts";
import type { SyncConfig } from "../../lib/config/schema.ts";
import { createLogger, memorySink } from "../../lib/observability/logger.ts";
import { noopSyncMetrics } from "../../lib/observability/metrics.ts";
import { createServiceTitanClient } from "../../lib/servicetitan/client.ts";
import type { ServiceTitanHttp } from "../../lib/servicetitan/types.ts";
import type { RecordOutcome } from "../../lib/worker/process-batch.ts";
import { createTelemetryObserver } from "../../lib/worker/telemetry.ts";
import type { RunnerStats } from "../../local/runner.ts";
import { type LocalSession, type LocalSessionOptions, startLocalSession } from "../../local/session.ts";
import type { SandboxOptions } from "../../sandbox/types.ts";
import { startTestSandbox, type TestSandbox } from "./sandbox.ts";

export const repoRoot = resolve(import.meta.dirname, "../..");

export function exampleConfig(): SyncConfig {
  return loadSyncConfigFile(resolve(repoRoot, "local/examples/config.json"));
}

/**
 * The example config for test worlds: a batch that misses always catches the index up (tests create
 * customers through the API seconds before the order, and no wall-clock interval should decide).
 */
export function worldConfig(): SyncConfig {
  const config = exampleConfig();
  return { ...config, customerIndex: { ...config.customerIndex, catchUpIntervalSeconds: 0 } };
}

/**
 * Personal values found in message bodies sent by any world in this process; every line the worker
 * logs is scanned for them when the world stops ("no personal data in logs").
 */
function personalValues(body: string): [value: string, field: string][] {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const event = (shopifyAsContractFields(parsed) ?? parsed) as Record<string, unknown>;
    const customer = (event.customer ?? {}) as Record<string, unknown>;
    const addresses = [event.billingAddress, event.serviceAddress] as (Record<string, unknown> | undefined)[];
    const values: [unknown, string][] = [
      [customer.email, "customer.email"],
      [customer.firstName, "customer.firstName"],
      [customer.lastName, "customer.lastName"],
      [customer.company, "customer.company"],
      [customer.phone, "customer.phone"],
      [typeof customer.phone === "string" ? customer.phone.replace(/\D/g, "").slice(-10) : undefined, "phone digits"],
      ...addresses.map((a, i): [unknown, string] => [
        a?.street,
        i === 0 ? "billingAddress.street" : "serviceAddress.street",
      ]),
    ];
    // Short values ("Al") would match innocent words; the fixtures' values are long and distinctive.
    return values
      .filter((entry): entry is [string, string] => typeof entry[0] === "string" && entry[0].trim().length >= 5)
      .map(([value, field]) => [value.trim(), field]);
  } catch {
    return [];
  }
}

/** A Shopify EventBridge event's personal values under the contract's names, for the same scan. */
function shopifyAsContractFields(event: Record<string, unknown>): Record<string, unknown> | undefined {
  const payload = (event.detail as { payload?: Record<string, unknown> } | undefined)?.payload;
  if (event["detail-type"] !== "shopifyWebhook" || typeof payload !== "object" || payload === null) return undefined;
  const address = (value: unknown) => (value ?? {}) as Record<string, unknown>;
  const billing = address(payload.billing_address);
  const shipping = address(payload.shipping_address);
  return {
    customer: {
      email: payload.email,
      firstName: billing.first_name,
      lastName: billing.last_name,
      company: billing.company,
      phone: payload.phone ?? billing.phone,
    },
    billingAddress: { street: billing.address1 },
    serviceAddress: { street: shipping.address1 },
  };
}

export interface World {
  sandbox: TestSandbox;
  session: LocalSession;
  config: SyncConfig;
  /** A separate client for Prepare steps (seeding through the API) and assertions. */
  http: ServiceTitanHttp;
  /** Sends the bodies, runs the worker until the queue is drained, returns each message's final outcome. */
  sync(bodies: readonly (string | object)[]): Promise<RecordOutcome[]>;
  /** The runners' figures for the last `sync` (e.g. `handlerErrors`: invocations that failed whole). */
  lastRun: RunnerStats | undefined;
  /** Every line the worker logged (JSON, after redaction). */
  logLines: string[];
  /** Throws if any logged line contains a personal value from a body this world sent. */
  assertNoPersonalDataLogged(): void;
  stop(): Promise<void>;
}

export async function startWorld(
  options: {
    config?: SyncConfig;
    sandbox?: SandboxOptions;
    session?: Partial<Omit<LocalSessionOptions, "config" | "serviceTitan">>;
    /** False: leave the customer index empty (matching falls back to live searches). */
    buildIndex?: boolean;
  } = {},
): Promise<World> {
  const config = options.config ?? worldConfig();
  const sandbox = await startTestSandbox(options.sandbox);
  const serviceTitan = {
    apiUrl: sandbox.apiUrl,
    authUrl: sandbox.authUrl,
    tenantId: sandbox.tenantId,
    ...sandbox.credentials,
  };
  const logs = memorySink();
  const logger = createLogger({ level: "DEBUG", sink: logs.sink });
  const session = await startLocalSession({
    config,
    serviceTitan,
    telemetry: {
      observer: createTelemetryObserver(logger, noopSyncMetrics),
      onServiceTitanCall: (call) => logger.debug("ServiceTitan call", { ...call }),
    },
    visibilityTimeoutSeconds: 10,
    retryBackoff: { baseSeconds: 1, maxSeconds: 2 },
    // A lease outlives a write with no definite answer by this much; short, so tests don't wait a minute.
    timing: { lateWriteMarginMs: 1_000 },
    ...options.session,
  });
  const http = createServiceTitanClient({ settings: serviceTitan, maxCallsPerSecond: 20 });
  // As `npm start` does: the index is backfilled from the sandbox's export feeds before any order.
  if (options.buildIndex !== false) await session.refreshIndex();
  const sentValues = new Map<string, string>();
  const assertNoPersonalDataLogged = () => {
    const leaks = logs.lines.flatMap((line, index) =>
      [...sentValues]
        .filter(([value]) => line.toLowerCase().includes(value.toLowerCase()))
        .map(([, field]) => `line ${index + 1}: ${field}`),
    );
    if (leaks.length > 0) {
      // Names the field and line, never the value itself.
      throw new Error(`Log lines contain personal data from the orders sent: ${leaks.slice(0, 10).join("; ")}`);
    }
  };
  const world: World = {
    lastRun: undefined,
    sandbox,
    session,
    config,
    http,
    logLines: logs.lines,
    assertNoPersonalDataLogged,
    async sync(bodies) {
      const texts = bodies.map((b) => (typeof b === "string" ? b : JSON.stringify(b)));
      for (const text of texts) for (const [value, field] of personalValues(text)) sentValues.set(value, field);
      const ids = await session.send(texts);
      // Waits on progress, not a fixed deadline: CI may share the machine with another `npm start`.
      world.lastRun = await session.runUntilDrained({ stallMs: 120_000 });
      return ids.map((id) => {
        const outcome = session.outcomes.get(id);
        if (!outcome) throw new Error(`message ${id} was never processed`);
        return outcome;
      });
    },
    async stop() {
      await session.stop();
      await sandbox.stop();
      assertNoPersonalDataLogged();
    },
  };
  return world;
}
