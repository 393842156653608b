/**
 * Keeping the index fresh from ServiceTitan's four CRM export feeds (`table.ts` lists them).
 *
 * Two ways in, one loop:
 * - **refresh** (the scheduled function, `functions/customer-index-refresh.ts`, and `npm start`):
 *   reads every feed to its end. The first run backfills the whole tenant; when the invocation runs
 *   short of time it stops between pages, and the next one resumes from the checkpointed position.
 * - **catch-up** (a batch about to trust a miss, see `lookup.ts`): at most one call per feed, and
 *   none when any refresh started within the last few seconds (`claimRefresh`).
 *
 * Every read sets `includeRecentChanges=true`: without it ServiceTitan leaves out the last 15
 * minutes, and a customer the office created 30 seconds ago would stay unknown for a quarter of an
 * hour. The price is that rows may repeat; writes are idempotent and never replace a newer version
 * (`store.putRecord`). Each page's rows are written before its position is saved, so a crash only
 * means reading that page again.
 *
 * A position ServiceTitan rejects (a 4xx on `from`) restarts that feed from the beginning, with a
 * warning: re-reading is slow but loses nothing.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { ServiceTitanRejectedError } from "../errors.ts";
import {
  type ExportPage,
  type ExportRequest,
  exportCustomerContacts,
  exportCustomers,
  exportLocationContacts,
  exportLocations,
} from "../servicetitan/endpoints/crm-export.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import {
  customerContactRecordOf,
  customerRecordOf,
  locationContactRecordOf,
  locationRecordOf,
  type MappedRow,
} from "./feed-rows.ts";
import type { IndexKeys } from "./keys.ts";
import type { IndexRecord } from "./records.ts";
import { readCustomerIndexStatus } from "./status.ts";
import { type CustomerIndexStore, PutOutcome } from "./store.ts";
import { Feed, feeds } from "./table.ts";

export interface RefreshDependencies {
  http: ServiceTitanHttp;
  store: CustomerIndexStore;
  keys: IndexKeys;
  logger?: Pick<Logger, "info" | "warn"> | undefined;
}

export interface FeedProgress {
  feed: Feed;
  pages: number;
  rows: number;
  newRecords: number;
  skippedRows: number;
  /** The feed was read to its end (`hasMore: false`). */
  reachedEnd: boolean;
  restarted: boolean;
}

export interface RefreshResult {
  /** Set when nothing was read because another refresh started within the interval (catch-up only). */
  skippedBecauseRecent: boolean;
  feeds: FeedProgress[];
  /** Every feed reached its end in this run. */
  caughtUp: boolean;
  /** Every feed has reached its end at least once (now or before): matching may trust the index. */
  backfillComplete: boolean;
  /** Seconds between now and the start of the last run that caught up (undefined: never caught up). */
  lagSeconds: number | undefined;
}

export interface RefreshOptions {
  /** Pages per feed in this run; catch-up uses 1. Default: no limit (time decides). */
  maxPagesPerFeed?: number;
  /** Milliseconds left in the invocation; no page is started with less than `reserveMs` left. */
  remainingMs?: () => number;
  /** Time kept for one more page and its writes. Default 20 s. */
  reserveMs?: number;
  /** Skip entirely when any refresh started within this many milliseconds (catch-up). */
  skipIfStartedWithinMs?: number;
  /** Rows written at once. Default 16. */
  writeConcurrency?: number;
  onPage?: (progress: FeedProgress) => void;
  /** Epoch ms; tests move it. */
  now?: () => number;
}

type FeedReader = (http: ServiceTitanHttp, request: ExportRequest) => Promise<ExportPage<unknown>>;
type RowMapper = (keys: IndexKeys, row: never) => MappedRow<IndexRecord>;

const feedSources: Readonly<Record<Feed, { read: FeedReader; map: RowMapper }>> = {
  [Feed.Customers]: { read: exportCustomers, map: customerRecordOf },
  [Feed.CustomerContacts]: { read: exportCustomerContacts, map: customerContactRecordOf },
  [Feed.Locations]: { read: exportLocations, map: locationRecordOf },
  [Feed.LocationContacts]: { read: exportLocationContacts, map: locationContactRecordOf },
};

/** Statuses that mean "ServiceTitan doesn't accept this `from`": restart the feed. */
const rejectedTokenStatuses: ReadonlySet<number> = new Set([400, 404, 409, 410, 422]);

export async function refreshCustomerIndex(
  deps: RefreshDependencies,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const now = options.now ?? Date.now;
  const startedAtMs = now();
  const startedAt = new Date(startedAtMs).toISOString();
  await ensureKeyFingerprint(deps);
  const notBefore =
    options.skipIfStartedWithinMs !== undefined
      ? new Date(startedAtMs - options.skipIfStartedWithinMs).toISOString()
      : undefined;
  if (!(await deps.store.claimRefresh(startedAt, notBefore))) {
    return { skippedBecauseRecent: true, feeds: [], caughtUp: false, ...(await completeness(deps.store, now)) };
  }
  const progress = await Promise.all(feeds.map((feed) => readFeed(deps, feed, options, now)));
  const caughtUp = progress.every((p) => p.reachedEnd);
  if (caughtUp) await deps.store.markCaughtUp(startedAt);
  return { skippedBecauseRecent: false, feeds: progress, caughtUp, ...(await completeness(deps.store, now)) };
}

/** Whether every feed was read to its end at least once, and how far behind the index is. */
export async function completeness(
  store: CustomerIndexStore,
  now: () => number = Date.now,
): Promise<{ backfillComplete: boolean; lagSeconds: number | undefined }> {
  const status = await readCustomerIndexStatus(store, now);
  return { backfillComplete: status.backfillComplete, lagSeconds: status.lagSeconds };
}

/**
 * A different key (rotated secret) makes every stored hash unmatchable: the feeds start again and
 * matching falls back to live searches until they're done.
 */
async function ensureKeyFingerprint(deps: RefreshDependencies): Promise<void> {
  const stored = await deps.store.recordKeyFingerprint(deps.keys.fingerprint);
  if (stored === deps.keys.fingerprint) return;
  deps.logger?.warn("Customer index was built with another HMAC key; reading every feed again");
  await Promise.all(feeds.map((feed) => deps.store.resetFeed(feed)));
  await deps.store.replaceKeyFingerprint(deps.keys.fingerprint);
}

async function readFeed(
  deps: RefreshDependencies,
  feed: Feed,
  options: RefreshOptions,
  now: () => number,
): Promise<FeedProgress> {
  const source = feedSources[feed];
  const state = await deps.store.getFeedState(feed);
  const progress: FeedProgress = {
    feed,
    pages: 0,
    rows: 0,
    newRecords: 0,
    skippedRows: 0,
    reachedEnd: false,
    restarted: false,
  };
  const maxPages = options.maxPagesPerFeed ?? Number.POSITIVE_INFINITY;
  const reserveMs = options.reserveMs ?? 20_000;
  let position = state.position;
  let restartPending = false;
  let restartsLeft = 1;
  while (progress.pages < maxPages) {
    if (options.remainingMs && options.remainingMs() < reserveMs) break;
    let page: ExportPage<unknown>;
    try {
      progress.pages++;
      page = await source.read(deps.http, { from: position, includeRecentChanges: true });
    } catch (error) {
      if (!(position !== undefined && isRejectedPosition(error))) throw error;
      deps.logger?.warn("ServiceTitan rejected the customer index's feed position; reading the feed from the start", {
        feed,
        status: (error as ServiceTitanRejectedError).status,
      });
      position = undefined;
      restartPending = true;
      progress.restarted = true;
      progress.pages--; // the rejected call read nothing: the restart gets its page (rare, so the budget holds)
      if (restartsLeft-- <= 0) throw error;
      continue;
    }
    const written = await writeRows(deps, source.map, page, options.writeConcurrency ?? 16);
    progress.rows += page.rows.length;
    progress.newRecords += written.newRecords;
    progress.skippedRows += written.skippedRows;
    const moved = await deps.store.advanceFeed(feed, {
      from: position,
      to: page.continueFrom ?? position,
      readAt: new Date(now()).toISOString(),
      reachedEnd: !page.hasMore,
      newRecords: written.newRecords,
      skippedRows: written.skippedRows,
      restarted: restartPending,
    });
    restartPending = false;
    options.onPage?.({ ...progress, reachedEnd: !page.hasMore });
    if (!moved) break; // another refresher moved this feed meanwhile: it carries on from there
    position = page.continueFrom ?? position;
    if (!page.hasMore) {
      progress.reachedEnd = true;
      break;
    }
  }
  return progress;
}

function isRejectedPosition(error: unknown): boolean {
  return error instanceof ServiceTitanRejectedError && rejectedTokenStatuses.has(error.status);
}

async function writeRows(
  deps: RefreshDependencies,
  map: RowMapper,
  page: ExportPage<unknown>,
  concurrency: number,
): Promise<{ newRecords: number; skippedRows: number }> {
  let newRecords = 0;
  let skippedRows = page.invalidRows;
  let next = 0;
  const rows = page.rows as never[];
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, rows.length)) }, async () => {
    while (next < rows.length) {
      const mapped = map(deps.keys, rows[next++] as never);
      if (mapped.unusable) skippedRows++;
      const outcome = await deps.store.putRecord(mapped.record);
      if (outcome === PutOutcome.Created) newRecords++;
    }
  });
  await Promise.all(lanes);
  return { newRecords, skippedRows };
}
