/**
 * How `npm run index -- --status` shows the index (`readCustomerIndexStatus`): per export feed its
 * position, last read, records, skipped rows, restarts and backfill; for the index, when it last held
 * everything and so its lag. Ids, counts and times only: the index holds no readable personal data.
 */
import Table from "cli-table3";
import { type CustomerIndexStatus, readCustomerIndexStatus } from "../lib/customer-index/status.ts";
import type { CustomerIndexStore } from "../lib/customer-index/store.ts";
import { tableStyle } from "./replay-cli.ts";

/** `--json`: the status with `null` for what isn't known yet (JSON has no `undefined`). */
export function statusJson(status: CustomerIndexStatus): string {
  const view = {
    backfillComplete: status.backfillComplete,
    caughtUpAt: status.caughtUpAt ?? null,
    lagSeconds: status.lagSeconds ?? null,
    lastRefreshStartedAt: status.lastRefreshStartedAt ?? null,
    records: status.records,
    skippedRows: status.skippedRows,
    feeds: status.feeds.map((f) => ({
      feed: f.feed,
      position: f.position ?? null,
      lastReadAt: f.lastReadAt ?? null,
      backfillComplete: f.backfillCompletedAt !== undefined,
      backfillCompletedAt: f.backfillCompletedAt ?? null,
      records: f.records,
      skippedRows: f.skippedRows,
      restarts: f.restarts,
    })),
  };
  return `${JSON.stringify(view, null, 2)}\n`;
}

/** What the worker does until every feed was read to its end once (`BatchIndexView.usable`). */
const liveFallback = "matching falls back to live phone and name + address searches";

const show = (value: string | number | undefined) => (value === undefined ? "-" : String(value));

/** ServiceTitan's `continueFrom` tokens are opaque and can be long: shortened here, whole in `--json`. */
function shortToken(token: string | undefined): string {
  if (token === undefined) return "(start)";
  return token.length > 24 ? `${token.slice(0, 21)}…` : token;
}

export function renderIndexStatus(status: CustomerIndexStatus, color = false): string {
  const style = tableStyle(color);
  const table = new Table({
    head: ["Feed", "Position", "Last read", "Records", "Skipped", "Restarts", "Backfill"],
    ...(style === undefined ? {} : { style }),
  });
  for (const f of status.feeds) {
    table.push([
      f.feed,
      shortToken(f.position),
      show(f.lastReadAt),
      f.records,
      f.skippedRows,
      f.restarts,
      f.backfillCompletedAt === undefined ? "not complete" : `complete ${f.backfillCompletedAt}`,
    ]);
  }
  const lag = status.lagSeconds === undefined ? "" : ` (lag ${formatLag(status.lagSeconds)})`;
  return `${[
    table.toString(),
    `Records: ${status.records}; feed rows skipped (unusable e-mail, phone or address): ${status.skippedRows}`,
    status.backfillComplete ? "Backfill: complete, matching uses the index" : `Backfill: not complete, ${liveFallback}`,
    `Caught up to: ${show(status.caughtUpAt)}${lag}`,
    `Last refresh started: ${show(status.lastRefreshStartedAt)}`,
  ].join("\n")}\n`;
}

export function formatLag(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * `npm run status`'s few lines on the index: whether matching can use it yet, and its lag. A table
 * that can't be read (absent, no access) is one line naming the error class, never a failure of the
 * order status shown above it.
 */
export async function indexSummary(store: CustomerIndexStore, now: () => number = Date.now): Promise<string> {
  let status: CustomerIndexStatus;
  try {
    status = await readCustomerIndexStatus(store, now);
  } catch (error) {
    return `Customer index: not readable (${error instanceof Error ? error.name : "Error"})\n`;
  }
  return renderIndexSummary(status);
}

export function renderIndexSummary(status: CustomerIndexStatus): string {
  const readToEnd = status.feeds.filter((f) => f.backfillCompletedAt !== undefined).length;
  const lines = status.backfillComplete
    ? ["Customer index: backfill complete, matching uses it"]
    : [
        `Customer index: backfill not complete (${readToEnd} of ${status.feeds.length} feeds read to their end)`,
        `Until it is, ${liveFallback}.`,
      ];
  lines.push(
    status.lagSeconds === undefined
      ? "Index lag: unknown (no refresh has read every feed to its end yet)"
      : `Index lag: ${formatLag(status.lagSeconds)} (caught up to ${status.caughtUpAt})`,
  );
  return `${lines.join("\n")}\n`;
}
