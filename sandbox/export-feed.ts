/**
 * ServiceTitan's export feeds (`/export/...`, api-notes §0.2; developer.servicetitan.io
 * "transactional and export APIs"), modelled on the records' modification order:
 *
 * - Rows come ordered by `modifiedOn`, then id. `from` is the previous reply's `continueFrom` (an
 *   opaque token), nothing (the beginning), or a date string such as `2020-01-01` (rows modified on or
 *   after it). A `from` that is neither → 400 `ApiErrorResponse` naming `from` (what ServiceTitan
 *   answers to a token it can't read is UNCONFIRMED).
 * - There is no page-size parameter: each reply holds at most `state.feeds.pageSize` rows (500 by
 *   default, settable per sandbox). `hasMore` = call again at once; false = wait for new changes.
 * - Changes of the last 15 minutes (`state.feeds.recentWindowMs`, tenant clock) are left out: the feed
 *   stops before the first recent row, and its token stays there, so they come once they are old
 *   enough. With `includeRecentChanges=true` they are delivered, and — as ServiceTitan warns, "the same
 *   results [may appear] multiple times on consecutive requests" — the reply that ends the feed
 *   (`hasMore: false`) hands out a token pointing before its first recent row, so the next read
 *   delivers those rows again.
 * - A record changed again gets a later `modifiedOn` and so comes round again, in its new state.
 *
 * Each read is one pass over the records (no sorted index to keep in step with direct test writes):
 * the page is the `pageSize + 1` smallest positions after `from`.
 */
import { validationProblem } from "./problem.ts";
import type { QueryReader } from "./query.ts";
import type { SandboxState } from "./state.ts";

/** A feed row's position: its modification time (canonical ISO, UTC, milliseconds), then its id. */
interface Position {
  m: string;
  i: number;
}

export interface FeedRecord {
  id: number;
  modifiedOn: string;
}

/** `ExportResponse_Of_X`. */
export interface ExportResponse<R> {
  hasMore: boolean;
  continueFrom: string;
  data: R[];
}

const tokenVersion = 1;
/** Date strings `from` accepts besides tokens: `2020-01-01`, `2020-01-01T10:00:00`, with optional zone. */
const dateFrom = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Before every row. */
const start: Position = { m: "", i: 0 };

function canonical(iso: string): string {
  if (iso.length === 24 && iso.endsWith("Z")) return iso;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

function compare(a: Position, b: Position): number {
  if (a.m !== b.m) return a.m < b.m ? -1 : 1;
  return a.i - b.i;
}

export function encodeFeedToken(position: Position): string {
  return Buffer.from(JSON.stringify({ v: tokenVersion, m: position.m, i: position.i })).toString("base64url");
}

function decodeToken(raw: string): Position | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { v, m, i } = parsed as { v?: unknown; m?: unknown; i?: unknown };
    if (v !== tokenVersion || typeof m !== "string" || typeof i !== "number" || !Number.isSafeInteger(i)) {
      return undefined;
    }
    return { m, i };
  } catch {
    return undefined;
  }
}

/** Where `from` says to continue: after that position. */
function readFrom(raw: string | undefined): Position {
  if (raw === undefined) return start;
  const token = decodeToken(raw.trim());
  if (token !== undefined) return token;
  const trimmed = raw.trim();
  const ms = dateFrom.test(trimmed)
    ? Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(trimmed) ? trimmed : `${trimmed}Z`)
    : NaN;
  if (Number.isNaN(ms)) {
    throw validationProblem({
      from: [`The value '${raw}' is neither a continuation token from this feed nor a date.`],
    });
  }
  // Rows modified on or after the date: everything after "1 ms before it, last id".
  return { m: new Date(ms - 1).toISOString(), i: Number.MAX_SAFE_INTEGER };
}

interface Candidate<T> {
  at: Position;
  record: T;
}

/**
 * One reply of an export feed over `records`, each rendered by `render`.
 * Reads `from` and `includeRecentChanges` from the query.
 */
export function readExportFeed<T extends FeedRecord, R>(
  state: SandboxState,
  records: Iterable<T>,
  q: QueryReader,
  render: (record: T) => R,
): ExportResponse<R> {
  const from = readFrom(q.string("from"));
  const includeRecent = q.bool("includeRecentChanges") ?? false;
  const { pageSize, recentWindowMs } = state.feeds;
  const cutoff = new Date(state.clock.now() - recentWindowMs).toISOString();

  // The pageSize + 1 smallest positions after `from` (sorted), and the first recent position after it.
  const limit = pageSize + 1;
  const best: Candidate<T>[] = [];
  let firstRecent: Position | undefined;
  for (const record of records) {
    const at = { m: canonical(record.modifiedOn), i: record.id };
    if (compare(at, from) <= 0) continue;
    if (at.m > cutoff && (firstRecent === undefined || compare(at, firstRecent) < 0)) firstRecent = at;
    const last = best.at(-1);
    if (best.length >= limit && last !== undefined && compare(at, last.at) >= 0) continue;
    best.splice(insertionIndex(best, at), 0, { at, record });
    if (best.length > limit) best.pop();
  }

  const visible =
    includeRecent || firstRecent === undefined ? best : best.filter((c) => compare(c.at, firstRecent) < 0);
  const page = visible.slice(0, pageSize);
  const hasMore = visible.length > pageSize;
  let next = page.at(-1)?.at ?? from;
  if (includeRecent && !hasMore) {
    // Ends the feed: step back before this reply's first recent row, so recent rows come again.
    const firstRecentInPage = page.findIndex((c) => c.at.m > cutoff);
    if (firstRecentInPage >= 0) next = page[firstRecentInPage - 1]?.at ?? from;
  }
  return { hasMore, continueFrom: encodeFeedToken(next), data: page.map((c) => render(c.record)) };
}

function insertionIndex<T>(sorted: readonly Candidate<T>[], at: Position): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const probe = sorted[mid];
    if (probe !== undefined && compare(probe.at, at) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
