/**
 * Figures 7–9, the customer index (issue 10):
 *
 * 7 ServiceTitan calls per order after warm-up, one line of a known SKU, on a tenant without Contact
 *   Management and on one with it: a batch of returning customers found by e-mail, and a batch of new
 *   customers. Each batch is one invocation of 10 orders, and the index catch-up it makes (one call per
 *   feed, on a miss) is divided over the batch. `catchUpIntervalSeconds: 0` makes every batch catch up,
 *   the worst case (in production a refresh within the last 5 s spares it).
 * 8 Backfill of a large tenant (100,000 customers, 150,000 contacts, 110,000 locations by default) at
 *   1,000 rows a page: ServiceTitan calls, wall time, DynamoDB writes, and this process's peak RSS. The
 *   sandbox and DynamoDB run in child processes, so the memory is the refresh's own.
 * 9 Index lag: from a customer created by the office in the sandbox to the first order that matches
 *   it by e-mail (no scheduled refresh in between: the batch's catch-up finds it).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SyncConfig } from "../lib/config/schema.ts";
import { createCustomerIndex } from "../lib/customer-index/environment.ts";
import { refreshCustomerIndex } from "../lib/customer-index/refresh.ts";
import { defaultCustomerIndexTableName } from "../lib/customer-index/table.ts";
import type { OrderEventInput } from "../lib/order/event-schema.ts";
import { createServiceTitanClient } from "../lib/servicetitan/client.ts";
import type { ServiceTitanSettings } from "../lib/servicetitan/settings.ts";
import { localCredentials, localRegion } from "../local/aws.ts";
import { type LocalSession, startLocalSession } from "../local/session.ts";
import { defaultSeed, seedIds, startSandbox } from "../sandbox/server.ts";
import type { Sandbox } from "../sandbox/types.ts";
import { exampleConfig } from "./calls-per-order.ts";
import { startChild } from "./child.ts";
import { benchOrder, knownLine, newCustomerOrder, returningCustomerOrder, returningPoolSeed } from "./orders.ts";
import type { SandboxProcessOptions } from "./sandbox-process.ts";

const knownSku = knownLine(0);
export const indexBatchSize = 10;

export interface IndexBatchCalls {
  label: string;
  orders: number;
  synced: number;
  /** How the orders' customers were matched (`email`, `created`, …) and how many. */
  matchedBy: Record<string, number>;
  calls: number;
  callsPerOrder: number;
  /** Of `calls`: export-feed reads (the batch's catch-up). */
  feedCalls: number;
}

export interface IndexCallsResult {
  contactManagement: boolean;
  warmUpCalls: number;
  returningByEmail: IndexBatchCalls;
  newCustomers: IndexBatchCalls;
}

function indexConfig(contactManagement: boolean): SyncConfig {
  const config = exampleConfig();
  return { ...config, customerIndex: { ...config.customerIndex, contactManagement, catchUpIntervalSeconds: 0 } };
}

const settingsOf = (sandbox: Sandbox): ServiceTitanSettings => ({
  apiUrl: sandbox.apiUrl,
  authUrl: sandbox.authUrl,
  tenantId: sandbox.tenantId,
  ...sandbox.credentials,
});

async function runBatch(
  sandbox: Sandbox,
  session: LocalSession,
  label: string,
  orders: OrderEventInput[],
): Promise<IndexBatchCalls> {
  const logStart = sandbox.log.length;
  const ids = await session.send(orders.map((order) => JSON.stringify(order)));
  const stats = await session.runUntilDrained({ deadlineMs: 120_000 });
  if (stats.stoppedBy !== "drained") throw new Error(`${label}: the batch did not finish (${stats.stoppedBy})`);
  const exchanges = sandbox.log.slice(logStart);
  const outcomes = ids.map((id) => session.outcomes.get(id));
  const matchedBy: Record<string, number> = {};
  for (const outcome of outcomes) {
    const how = outcome?.progress?.matchedBy ?? outcome?.status ?? "missing";
    matchedBy[how] = (matchedBy[how] ?? 0) + 1;
  }
  return {
    label,
    orders: orders.length,
    synced: outcomes.filter((o) => o?.status === "synced").length,
    matchedBy,
    calls: exchanges.length,
    callsPerOrder: exchanges.length / orders.length,
    feedCalls: exchanges.filter((e) => e.path.includes("/export/")).length,
  };
}

/** Figure 7 for one kind of tenant. */
export async function measureIndexCallsPerOrder(contactManagement: boolean): Promise<IndexCallsResult> {
  const seed = defaultSeed();
  seed.customers.push(...returningPoolSeed(indexBatchSize + 1));
  const sandbox = await startSandbox({ seed, latencyMs: 0, contactManagement });
  const session = await startLocalSession({
    config: indexConfig(contactManagement),
    serviceTitan: settingsOf(sandbox),
    runnerConcurrency: 1,
    batchSize: indexBatchSize,
    recordConcurrency: indexBatchSize,
    visibilityTimeoutSeconds: 30,
  });
  try {
    const backfill = await session.refreshIndex();
    if (!backfill.backfillComplete) throw new Error("the sandbox tenant's backfill did not complete");
    const warmStart = sandbox.log.length;
    await runBatch(sandbox, session, "warm-up", [returningCustomerOrder("IX-WARM", indexBatchSize, [knownSku])]);
    const warmUpCalls = sandbox.log.length - warmStart;
    const returning = Array.from({ length: indexBatchSize }, (_, i) =>
      returningCustomerOrder(`IX-R${contactManagement ? "C" : "N"}${i}`, i, [knownSku]),
    );
    const fresh = Array.from({ length: indexBatchSize }, (_, i) =>
      newCustomerOrder(`IX-N${contactManagement ? "C" : "N"}${i}`, 70_000 + i + (contactManagement ? 100 : 0), [
        knownSku,
      ]),
    );
    return {
      contactManagement,
      warmUpCalls,
      returningByEmail: await runBatch(sandbox, session, "returning customer, by e-mail", returning),
      newCustomers: await runBatch(sandbox, session, "new customer", fresh),
    };
  } finally {
    await session.stop();
    await sandbox.stop();
  }
}

export interface BackfillResult {
  customers: number;
  feedPageSize: number;
  serviceTitanCalls: number;
  feedRows: number;
  records: number;
  skippedRows: number;
  wallSeconds: number;
  dynamoWrites: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssGrowthMb: number;
  backfillComplete: boolean;
}

/** Figure 8: the sandbox (with the generated population) and dynalite each in a child process. */
export async function measureBackfill(options: {
  population: { customers: number; customerContacts: number; locations: number };
  pageSize: number;
  onProgress?: (rows: number) => void;
}): Promise<BackfillResult> {
  const sandboxOptions: SandboxProcessOptions = {
    latencyMs: 0,
    rateLimitPerSecond: 60,
    poolSize: 0,
    population: options.population,
    exportPageSize: options.pageSize,
  };
  const [sandboxChild, dynamoChild] = await Promise.all([
    startChild<ServiceTitanSettings>("sandbox-process.ts", sandboxOptions),
    startChild<{ endpoint: string }>("dynamo-process.ts", {}),
  ]);
  const dynamo = new DynamoDBClient({
    region: localRegion,
    endpoint: dynamoChild.info.endpoint,
    credentials: localCredentials,
  });
  try {
    const index = createCustomerIndex({
      dynamo,
      tableName: defaultCustomerIndexTableName,
      hmacKey: "bench-hmac-key-0123456789abcdefghijklmnopqrstuvwxyz",
    });
    // The tenant's 60 calls/s, as the refresh function's client would have it.
    const http = createServiceTitanClient({ settings: sandboxChild.info, maxCallsPerSecond: 55 });
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 100);
    const started = performance.now();
    const rowsByFeed = new Map<string, number>();
    let result: Awaited<ReturnType<typeof refreshCustomerIndex>>;
    try {
      result = await refreshCustomerIndex(
        { http, store: index.store, keys: index.keys },
        {
          onPage: (p) => {
            rowsByFeed.set(p.feed, p.rows);
            options.onProgress?.([...rowsByFeed.values()].reduce((a, b) => a + b, 0));
          },
        },
      );
    } finally {
      clearInterval(sampler);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return {
      customers: options.population.customers,
      feedPageSize: options.pageSize,
      serviceTitanCalls: http.stats.calls,
      feedRows: result.feeds.reduce((sum, f) => sum + f.rows, 0),
      records: result.feeds.reduce((sum, f) => sum + f.newRecords, 0),
      skippedRows: result.feeds.reduce((sum, f) => sum + f.skippedRows, 0),
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      dynamoWrites: index.store.stats.writes,
      rssBeforeMb: mb(rssBefore),
      rssPeakMb: mb(rssPeak),
      rssGrowthMb: mb(rssPeak - rssBefore),
      backfillComplete: result.backfillComplete,
    };
  } finally {
    dynamo.destroy();
    await Promise.allSettled([sandboxChild.stop(), dynamoChild.stop()]);
  }
}

export interface IndexLagResult {
  /** Milliseconds from the office's create to the matching order's outcome. */
  lagMs: number;
  matchedBy: string | null;
  matchedTheOfficeCustomer: boolean;
  serviceTitanCalls: number;
}

/** Figure 9: an office-created customer, then at once an order with its e-mail. */
export async function measureIndexLag(): Promise<IndexLagResult> {
  const sandbox = await startSandbox({ latencyMs: 0 });
  const session = await startLocalSession({
    config: indexConfig(false),
    serviceTitan: settingsOf(sandbox),
    runnerConcurrency: 1,
    batchSize: 1,
    visibilityTimeoutSeconds: 30,
  });
  try {
    await session.refreshIndex();
    const email = "lag.probe@example.test";
    const address = { street: "77 Probe Avenue", city: "Springfield", state: "IL", zip: "62701" };
    const logStart = sandbox.log.length;
    const created = Date.now();
    const office = sandbox.office.createCustomer({
      name: "Lagg Probington",
      address: { ...address, country: "USA" },
      contacts: [{ type: "Email", value: email }],
      tagTypeIds: [seedIds.tagTypes.productOneTime],
    });
    const [id = ""] = await session.send([
      JSON.stringify(
        benchOrder({
          orderId: "IX-LAG",
          customer: { firstName: "Lagg", lastName: "Probington", email },
          billingAddress: address,
          lines: [knownSku],
        }),
      ),
    ]);
    await session.runUntilDrained({ deadlineMs: 60_000 });
    const outcome = session.outcomes.get(id);
    return {
      lagMs: Date.now() - created,
      matchedBy: outcome?.progress?.matchedBy ?? null,
      matchedTheOfficeCustomer: outcome?.progress?.customerId === office.customer.id,
      serviceTitanCalls: sandbox.log.length - logStart,
    };
  } finally {
    await session.stop();
    await sandbox.stop();
  }
}
