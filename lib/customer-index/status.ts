/**
 * What operators see of the index (`npm run status`, `npm run index -- --status`): each feed's
 * position, last read, record and skipped-row counts; when the index last caught up, and its lag.
 * Reads five small items; writes nothing.
 */
import type { CustomerIndexStore, FeedState } from "./store.ts";
import { feeds } from "./table.ts";

export interface CustomerIndexStatus {
  /** Every feed was read to its end at least once: matching uses the index (else live searches). */
  backfillComplete: boolean;
  /** Start of the last refresh that read every feed to its end (ISO). */
  caughtUpAt: string | undefined;
  /** Start of the last refresh or catch-up (ISO). */
  lastRefreshStartedAt: string | undefined;
  /** Seconds since `caughtUpAt`: what the `IndexLagSeconds` metric reports. */
  lagSeconds: number | undefined;
  feeds: FeedState[];
  /** Records held, all feeds together. */
  records: number;
  skippedRows: number;
}

export async function readCustomerIndexStatus(
  store: CustomerIndexStore,
  now: () => number = Date.now,
): Promise<CustomerIndexStatus> {
  const [state, ...feedStates] = await Promise.all([store.getState(), ...feeds.map((f) => store.getFeedState(f))]);
  return {
    backfillComplete: feedStates.every((f) => f.backfillCompletedAt !== undefined),
    caughtUpAt: state.caughtUpAt,
    lastRefreshStartedAt: state.lastRefreshStartedAt,
    lagSeconds: state.caughtUpAt ? Math.max(0, Math.round((now() - Date.parse(state.caughtUpAt)) / 1000)) : undefined,
    feeds: feedStates,
    records: feedStates.reduce((sum, f) => sum + f.records, 0),
    skippedRows: feedStates.reduce((sum, f) => sum + f.skippedRows, 0),
  };
}
