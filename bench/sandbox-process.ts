/**
 * The ServiceTitan sandbox in its own process, so its CPU and memory (it keeps the whole tenant and
 * the exchange log in memory) don't count as the worker's. Started by `startChild`; reports the
 * sandbox URLs and credentials when ready and answers:
 *
 * - `stats`: exchanges since the last `reset` by HTTP status and by operation, and this process's CPU;
 * - `reset`; `setLatency` (ms); `setRateLimit` (calls/s);
 * - `jobOrderKeys` (application GUID): the `orderKey` externalData value of every job.
 *
 * The exchange log is tallied and emptied as it grows: a 10,000-order run would otherwise keep
 * ~75,000 request/response bodies.
 */
import type { ServiceTitanSettings } from "../lib/servicetitan/settings.ts";
import { defaultSeed, startSandbox } from "../sandbox/server.ts";
import type { Exchange } from "../sandbox/types.ts";
import { serveParent } from "./child.ts";
import { operationOf } from "./exchanges.ts";
import { returningPoolSeed } from "./orders.ts";

export interface SandboxProcessOptions {
  latencyMs: number;
  rateLimitPerSecond: number;
  /** Returning customers seeded on top of the default seed (`returningPoolSeed`). */
  poolSize: number;
  /** A generated population on top (the customer-index backfill figure); default none. */
  population?: { customers: number; customerContacts: number; locations: number };
  /** Rows per export-feed page; default the sandbox's. */
  exportPageSize?: number;
}

export interface SandboxStats {
  total: number;
  byStatus: Record<string, number>;
  byOperation: Record<string, number>;
  /** CPU time of the sandbox process since the last reset, in ms. */
  cpuMs: number;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as SandboxProcessOptions;
  const seed = defaultSeed();
  seed.customers.push(...returningPoolSeed(options.poolSize));

  let stats = emptyStats();
  let cpuAtReset = process.cpuUsage();
  let log: Exchange[] | undefined;
  const tally = (exchange: Exchange) => {
    stats.total++;
    stats.byStatus[exchange.status] = (stats.byStatus[exchange.status] ?? 0) + 1;
    // A 429 is refused before routing: it has no operationId.
    const op = exchange.status === 429 ? "(429 Too Many Requests)" : operationOf(exchange);
    stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;
    if (log && log.length >= 1000) log.length = 0;
  };
  const sandbox = await startSandbox({
    seed,
    latencyMs: options.latencyMs,
    rateLimitPerSecond: options.rateLimitPerSecond,
    ...(options.population ? { population: options.population } : {}),
    ...(options.exportPageSize ? { exportFeeds: { pageSize: options.exportPageSize } } : {}),
    onExchange: tally,
  });
  log = sandbox.log;

  const settings: ServiceTitanSettings = {
    apiUrl: sandbox.apiUrl,
    authUrl: sandbox.authUrl,
    tenantId: sandbox.tenantId,
    ...sandbox.credentials,
  };
  serveParent(
    settings,
    {
      stats: (): SandboxStats => {
        const cpu = process.cpuUsage(cpuAtReset);
        return { ...stats, cpuMs: (cpu.user + cpu.system) / 1000 };
      },
      reset: () => {
        stats = emptyStats();
        cpuAtReset = process.cpuUsage();
        return true;
      },
      setLatency: (ms) => sandbox.setLatency(Number(ms)),
      setRateLimit: (perSecond) => sandbox.setRateLimit(Number(perSecond)),
      jobOrderKeys: (guid) => {
        const keys: string[] = [];
        for (const job of sandbox.state.jobs.values()) {
          for (const entry of job.externalData) {
            if (entry.applicationGuid === guid && entry.key === "orderKey") keys.push(entry.value);
          }
        }
        return keys;
      },
    },
    () => sandbox.stop(),
  );
}

function emptyStats(): Omit<SandboxStats, "cpuMs"> {
  return { total: 0, byStatus: {}, byOperation: {} };
}

await main();
