/**
 * The index as one SQS batch sees it. Matching asks it for candidates; when a look-up misses, the
 * batch first catches the index up (`catchUp`) and asks again — at most once per batch (one call per
 * feed), and not at all when any container refreshed within `catchUpIntervalSeconds`.
 *
 * Why only on a miss: every candidate the index gives is confirmed live before an order is attached
 * (the customer with `active=Any` and its merges, and its live contacts), so reading the feeds first
 * could not change a hit; a miss is what a lagging index gets wrong — the customer the office
 * created 30 seconds ago, inside the feeds' 15-minute window, which `includeRecentChanges=true`
 * brings in.
 *
 * Until the first backfill is complete (`usable()` false) matching searches ServiceTitan live
 * instead and the batch reports it once (`onFallback`).
 */
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import type { CustomerIndex } from "./environment.ts";
import type { IndexKeys } from "./keys.ts";
import type { IndexRecord, LocationRecord } from "./records.ts";
import { refreshCustomerIndex } from "./refresh.ts";
import { readCustomerIndexStatus } from "./status.ts";

export interface BatchIndexViewOptions {
  catchUpIntervalSeconds: number;
  /** Called once per batch when the index can't be used yet (backfill incomplete). */
  onFallback?: () => void;
  /** A catch-up failed; matching goes on with the index as it is (the schedule keeps it within minutes). */
  onCatchUpFailed?: (error: unknown) => void;
  now?: () => number;
}

/** A complete backfill stays complete; re-checked now and then in case the index was rebuilt. */
const readinessRecheckMs = 5 * 60_000;
const readiness = new WeakMap<CustomerIndex, { complete: boolean; checkedAtMs: number }>();

export class BatchIndexView {
  readonly keys: IndexKeys;
  private usablePromise: Promise<boolean> | undefined;
  private catchUpPromise: Promise<boolean> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly index: CustomerIndex,
    private readonly http: ServiceTitanHttp,
    private readonly options: BatchIndexViewOptions,
  ) {
    this.keys = index.keys;
    this.now = options.now ?? Date.now;
  }

  /** Whether matching may trust the index: every feed was read to its end at least once. */
  usable(): Promise<boolean> {
    this.usablePromise ??= this.checkUsable();
    return this.usablePromise;
  }

  lookup(lookupKey: string): Promise<IndexRecord[]> {
    return this.index.store.lookup(lookupKey);
  }

  locations(ids: readonly number[]): Promise<LocationRecord[]> {
    return this.index.store.getLocations(ids);
  }

  /**
   * Reads what changed since the last refresh, once per batch; true when this batch did read
   * (look-ups are worth repeating), false when a recent refresh made it unnecessary or it failed.
   * A failure doesn't fail the order: the index is at most one refresh interval behind, and the
   * client has already retried throttling and server errors.
   */
  catchUp(): Promise<boolean> {
    this.catchUpPromise ??= refreshCustomerIndex(
      { http: this.http, store: this.index.store, keys: this.index.keys },
      { maxPagesPerFeed: 1, skipIfStartedWithinMs: this.options.catchUpIntervalSeconds * 1000, now: this.now },
    ).then(
      (result) => !result.skippedBecauseRecent,
      (error: unknown) => {
        this.options.onCatchUpFailed?.(error);
        return false;
      },
    );
    return this.catchUpPromise;
  }

  private async checkUsable(): Promise<boolean> {
    const cached = readiness.get(this.index);
    const nowMs = this.now();
    if (cached?.complete && nowMs - cached.checkedAtMs < readinessRecheckMs) return true;
    const status = await readCustomerIndexStatus(this.index.store, this.now);
    readiness.set(this.index, { complete: status.backfillComplete, checkedAtMs: nowMs });
    if (!status.backfillComplete) this.options.onFallback?.();
    return status.backfillComplete;
  }
}
