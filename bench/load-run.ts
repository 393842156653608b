/**
 * Figures 3–5: many orders through the real handler, local event-source runner, local SQS +
 * DynamoDB and the sandbox, with the sandbox and the AWS emulators in child processes so this
 * process's CPU time and resident memory are the worker's. The queue is filled first (a backlog),
 * then drained; the clock runs from the first receive to the last order finished.
 *
 * Before the clock starts, every container is warmed directly — token, reference-data check and
 * the known SKUs — so the counted calls are per-order work only and repeat exactly run to run
 * (which container meets which SKU first would otherwise depend on timing).
 */
import { setTimeout as sleep } from "node:timers/promises";
import v8 from "node:v8";
import vm from "node:vm";
import type { SyncConfig } from "../lib/config/schema.ts";
import { parseOrderMessage } from "../lib/order/parse-message.ts";
import { resolvePricebookItems } from "../lib/pipeline/pricebook-items.ts";
import type { RecordOutcome, WorkerDependencies } from "../lib/worker/process-batch.ts";
import { startLocalSession } from "../local/session.ts";
import { benchOrder, knownLine, knownSkus, type MixOptions, mixedOrder } from "./orders.ts";
import { startBenchServices } from "./services.ts";

/** How the worker is deployed for a run: Lambda concurrency, batch and per-invocation parallelism. */
export interface WorkerTuning {
  /** Parallel containers (Lambda's maximum concurrency); each has its own client and rate limiter. */
  lanes: number;
  /** Orders in flight per invocation (`RECORD_CONCURRENCY`). */
  recordConcurrency: number;
  /** SQS batch size. */
  batchSize: number;
  /** The tenant budget the containers split evenly between them (`floor(total / lanes)` each). */
  maxCallsPerSecond: number;
}

export interface LoadRunOptions {
  orders: number;
  config: SyncConfig;
  /** Added by the sandbox to every API call. */
  latencyMs: number;
  /** The sandbox's limit (ServiceTitan: 60/s); 429 + Retry-After beyond it. */
  rateLimitPerSecond: number;
  tuning: WorkerTuning;
  mix: Omit<MixOptions, "poolSize"> & { poolSize: number };
  /** Give up (and report what finished) after this long. */
  deadlineMs: number;
  onProgress?: (done: number, total: number) => void;
}

export interface LoadRunResult {
  orders: number;
  synced: number;
  /** Orders whose final status isn't `synced` (dead-lettered, still retrying, or never processed). */
  notSynced: number;
  /** Outcomes of every attempt that ended in a retry (lease held, 429 give-up, …). */
  retriedAttempts: number;
  elapsedMs: number;
  ordersPerSecond: number;
  serviceTitan: {
    /** API calls the sandbox answered with anything but 429, after warm-up. */
    calls: number;
    callsPerOrder: number;
    tokenCalls: number;
    rateLimited: number;
    byOperation: Record<string, number>;
    warmUpCalls: number;
    /** Σ call durations (request sent → reply read) per order: the time an order waits on ServiceTitan. */
    waitMsPerOrder: number;
  };
  cpu: {
    /** This process (handler, SDK clients, runner) per order, idle baseline subtracted. */
    workerMsPerOrder: number;
    /**
     * Of `workerMsPerOrder` (idle not subtracted): kernel time, mostly loopback TCP — on 127.0.0.1 the
     * sender's write also runs the receiver's TCP processing, so it is charged to this process.
     */
    workerSystemMsPerOrder: number;
    idleMsPerSecond: number;
    sandboxMsPerOrder: number;
    awsEmulatorsMsPerOrder: number;
  };
  /**
   * This process's memory: settled RSS (`settledMemory`) before the run and after it, RSS at the
   * moment the queue was drained, the peak sampled every 100 ms; heap used when settled.
   */
  memory: {
    rssBeforeMb: number;
    rssAtDrainMb: number;
    rssAfterMb: number;
    rssPeakMb: number;
    heapBeforeMb: number;
    heapAfterMb: number;
  };
  /** Every order key must appear exactly once among the jobs' `orderKey` externalData. */
  jobs: { expected: number; present: number; missing: number; duplicated: number; unexpected: number };
  runner: { invocations: number; stoppedBy: string };
}

const mb = (bytes: number) => bytes / (1024 * 1024);

/**
 * A full garbage collection, so "before" and "after" compare live memory rather than how much
 * garbage happened to be waiting. `--expose-gc` can't be passed through `npm run bench`, so the flag
 * is set at runtime and `gc` fetched from a fresh context (V8 installs it there once the flag is on).
 */
const collectGarbage: () => void = (() => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as unknown;
  return typeof gc === "function" ? (gc as () => void) : () => undefined;
})();

/** One order carrying every known SKU, used only to fill a container's SKU cache. */
function warmUpOrder() {
  return parseOrderMessage(
    JSON.stringify(
      benchOrder({
        orderId: "WARMUP",
        customer: { firstName: "Testy", lastName: "Warmup", email: "testy.warmup@example.test" },
        billingAddress: { street: "1 Warmup Way", city: "Springfield", state: "IL", zip: "62704" },
        lines: knownSkus.map((_, i) => knownLine(i)),
      }),
    ),
  );
}

async function warmContainer(container: WorkerDependencies): Promise<void> {
  await container.references.verified();
  await resolvePricebookItems(container, warmUpOrder(), "bench:warmup");
}

/**
 * Memory once garbage is gone: V8 hands the pages a full GC freed back to the OS asynchronously, a
 * few hundred ms later, so RSS read right after `gc()` still includes them (measured: 267 MB right
 * after, 159 MB two seconds later). Three rounds of GC + 1 s settle.
 */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let round = 0; round < 3; round++) {
    collectGarbage();
    await sleep(1000);
  }
  return process.memoryUsage();
}

export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  const { config, tuning } = options;
  const services = await startBenchServices({
    sandbox: {
      latencyMs: options.latencyMs,
      rateLimitPerSecond: options.rateLimitPerSecond,
      poolSize: options.mix.poolSize,
    },
    // A long visibility timeout: nothing here should be redelivered unless it failed.
    aws: { visibilityTimeoutSeconds: 120, maxReceiveCount: 5 },
  });
  try {
    let stWaitMs = 0;
    let lastDoneAt = 0;
    let finished = 0;
    const session = await startLocalSession({
      config,
      serviceTitan: services.serviceTitan,
      aws: services.aws,
      runnerConcurrency: tuning.lanes,
      recordConcurrency: tuning.recordConcurrency,
      batchSize: tuning.batchSize,
      maxCallsPerSecond: tuning.maxCallsPerSecond,
      retryBackoff: { baseSeconds: 1, maxSeconds: 4 },
      telemetry: {
        observer: {
          recordDone(outcome: RecordOutcome) {
            lastDoneAt = performance.now();
            if (outcome.status !== "retry") finished++;
          },
        },
        onServiceTitanCall: (call) => {
          stWaitMs += call.durationMs;
        },
      },
    });
    try {
      await Promise.all(session.containers.map((c) => warmContainer(c)));
      const warm = await services.sandbox.stats();

      const expectedKeys: string[] = [];
      for (let start = 0; start < options.orders; start += 100) {
        const chunk: string[] = [];
        for (let n = start; n < Math.min(options.orders, start + 100); n++) {
          const order = mixedOrder(n, options.mix);
          chunk.push(order.body);
          expectedKeys.push(order.orderKey);
        }
        await session.send(chunk);
      }
      // Let the warm-up calls leave the rate window, then start counting from zero.
      await sleep(1100);
      await services.sandbox.reset();
      await services.resetAwsCpu();
      stWaitMs = 0;

      const idleStart = process.cpuUsage();
      await sleep(1000);
      const idle = process.cpuUsage(idleStart);
      const idleMsPerSecond = (idle.user + idle.system) / 1000;

      const { rss: rssBefore, heapUsed: heapBefore } = await settledMemory();
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }, 100);
      const progress = setInterval(() => options.onProgress?.(finished, options.orders), 1000);
      const cpuStart = process.cpuUsage();
      const startedAt = performance.now();
      let stats: Awaited<ReturnType<typeof session.runUntilDrained>>;
      try {
        stats = await session.runUntilDrained({ deadlineMs: options.deadlineMs });
      } finally {
        clearInterval(sampler);
        clearInterval(progress);
      }
      const cpu = process.cpuUsage(cpuStart);
      const elapsedMs = Math.max(1, (lastDoneAt || performance.now()) - startedAt);
      const rssAtDrain = process.memoryUsage().rss;
      rssPeak = Math.max(rssPeak, rssAtDrain);
      options.onProgress?.(finished, options.orders);
      // The session's per-message outcomes are the harness's bookkeeping (a Lambda keeps none):
      // count them, then drop them before measuring what the worker itself still holds.
      const synced = [...session.outcomes.values()].filter((o) => o.status === "synced").length;
      const retriedAttempts = session.history.filter((o) => o.status === "retry").length;
      session.outcomes.clear();
      session.history.length = 0;
      const { rss: rssAfter, heapUsed: heapAfter } = await settledMemory();

      const sandboxStats = await services.sandbox.stats();
      const awsCpuMs = await services.awsCpuMs();
      const keys = await services.sandbox.jobOrderKeys(config.externalDataApplicationGuid);

      const rateLimited = sandboxStats.byStatus["429"] ?? 0;
      const tokenCalls = sandboxStats.byOperation.Token ?? 0;
      const calls = sandboxStats.total - rateLimited - tokenCalls;
      const orders = options.orders;
      const workerCpuMs = (cpu.user + cpu.system) / 1000 - idleMsPerSecond * (elapsedMs / 1000);
      return {
        orders,
        synced,
        notSynced: orders - synced,
        retriedAttempts,
        elapsedMs,
        ordersPerSecond: (synced / elapsedMs) * 1000,
        serviceTitan: {
          calls,
          callsPerOrder: calls / orders,
          tokenCalls,
          rateLimited,
          byOperation: sandboxStats.byOperation,
          warmUpCalls: warm.total,
          waitMsPerOrder: stWaitMs / orders,
        },
        cpu: {
          workerMsPerOrder: workerCpuMs / orders,
          workerSystemMsPerOrder: cpu.system / 1000 / orders,
          idleMsPerSecond,
          sandboxMsPerOrder: sandboxStats.cpuMs / orders,
          awsEmulatorsMsPerOrder: awsCpuMs / orders,
        },
        memory: {
          rssBeforeMb: mb(rssBefore),
          rssAtDrainMb: mb(rssAtDrain),
          rssAfterMb: mb(rssAfter),
          rssPeakMb: mb(rssPeak),
          heapBeforeMb: mb(heapBefore),
          heapAfterMb: mb(heapAfter),
        },
        jobs: checkJobs(expectedKeys, keys),
        runner: { invocations: stats.invocations, stoppedBy: stats.stoppedBy },
      };
    } finally {
      await session.stop();
    }
  } finally {
    await services.stop();
  }
}

function checkJobs(expected: readonly string[], found: readonly string[]): LoadRunResult["jobs"] {
  const counts = new Map<string, number>();
  for (const key of found) counts.set(key, (counts.get(key) ?? 0) + 1);
  let present = 0;
  let missing = 0;
  let duplicated = 0;
  const wanted = new Set(expected);
  for (const key of wanted) {
    const n = counts.get(key) ?? 0;
    if (n === 0) missing++;
    else present++;
    if (n > 1) duplicated++;
  }
  const unexpected = [...counts.keys()].filter((key) => !wanted.has(key)).length;
  return { expected: wanted.size, present, missing, duplicated, unexpected };
}
