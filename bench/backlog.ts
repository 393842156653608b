/**
 * Figure 5: a backlog of orders drained by one container — all synced, none lost or doubled, and
 * what happens to the worker's resident memory.
 *
 * At ServiceTitan's 60 calls/s, 10,000 orders would take ~20 minutes, so this run lifts the
 * sandbox's rate limit and latency (and the client's budget with them): it measures memory and
 * correctness under sustained load, not ServiceTitan-bound throughput (that is figure 3).
 */
import type { SyncConfig } from "../lib/config/schema.ts";
import { type LoadRunResult, runLoad, type WorkerTuning } from "./load-run.ts";
import { benchMix } from "./throughput.ts";

/**
 * One container, as one Lambda process: its memory is what the 50 MB target is about (several
 * containers in this one process would add up their heaps). Ten orders in flight keep it busy at
 * zero latency; the whole run is CPU-bound on this process.
 */
export const backlogTuning: WorkerTuning = {
  lanes: 1,
  recordConcurrency: 10,
  batchSize: 10,
  maxCallsPerSecond: 1_000_000,
};

/**
 * A quarter new customers, the rest regulars. Fewer new customers than in the throughput run only to
 * keep the run short: the sandbox searches by scanning every customer and contact, so each new
 * customer makes every later search slower (its CPU, not the worker's, would set the pace).
 */
export const backlogMix = { ...benchMix, newEvery: 4 } as const;

export interface BacklogResult extends LoadRunResult {
  tuning: WorkerTuning;
  /** Settled RSS after the drain minus before it (see `settledMemory` in load-run.ts). */
  rssGrowthMb: number;
  /** Highest RSS sampled during the drain minus before it. */
  rssPeakGrowthMb: number;
}

export async function measureBacklog(options: {
  orders: number;
  config: SyncConfig;
  onProgress?: (done: number, total: number) => void;
}): Promise<BacklogResult> {
  const result = await runLoad({
    orders: options.orders,
    config: options.config,
    latencyMs: 0,
    rateLimitPerSecond: 1_000_000,
    tuning: backlogTuning,
    mix: { ...backlogMix, prefix: "BL" },
    deadlineMs: 30 * 60_000,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return {
    ...result,
    tuning: backlogTuning,
    rssGrowthMb: result.memory.rssAfterMb - result.memory.rssBeforeMb,
    rssPeakGrowthMb: result.memory.rssPeakMb - result.memory.rssBeforeMb,
  };
}
