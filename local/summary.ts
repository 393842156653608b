/**
 * The run's result, one entry per order in the file: what happened to it and the ServiceTitan
 * records it ended up with. Printed as a table for people and as one JSON document for scripts.
 * Every order gets a row, including one SQS would refuse (it is never sent, and says why).
 */
import Table from "cli-table3";
import { orderKeyFromBody } from "../lib/dlq/attributes.ts";
import type { RecordOutcome } from "../lib/worker/process-batch.ts";
import type { Delivery } from "./session.ts";

export const SummaryStatus = {
  Synced: "synced",
  Duplicate: "duplicate",
  Dlq: "dlq",
  /** Never sent: SQS would refuse the message (too large, characters it doesn't allow). */
  Refused: "refused",
  Pending: "pending",
  /** A storefront topic or status the worker doesn't act on: acknowledged, nothing changed. */
  Ignored: "ignored",
} as const;
export type SummaryStatus = (typeof SummaryStatus)[keyof typeof SummaryStatus];

export interface OrderSummary {
  index: number;
  orderKey: string | null;
  status: SummaryStatus;
  matchedBy: string | null;
  customerId: number | null;
  locationId: number | null;
  jobId: number | null;
  invoiceId: number | null;
  lines: number | null;
  reason: string | null;
  detail: string | null;
}

export function summarize(
  bodies: readonly string[],
  deliveries: readonly Delivery[],
  outcomes: ReadonlyMap<string, RecordOutcome>,
  drained: boolean,
): OrderSummary[] {
  return deliveries.map((delivery, index) => {
    const body = bodies[index] ?? "";
    if ("refused" in delivery) {
      return { ...emptyRow(index, orderKeyNamedBy(body)), status: SummaryStatus.Refused, detail: delivery.refused };
    }
    const outcome = outcomes.get(delivery.messageId);
    const progress = outcome?.progress;
    const status: SummaryStatus =
      outcome === undefined
        ? SummaryStatus.Pending
        : outcome.status === "dead_lettered"
          ? SummaryStatus.Dlq
          : outcome.status === "retry"
            ? drained
              ? SummaryStatus.Dlq // retries ran out: SQS's redrive moved it to the DLQ
              : SummaryStatus.Pending
            : outcome.status;
    return {
      index: index + 1,
      orderKey: outcome?.orderKey ?? orderKeyNamedBy(body),
      status,
      matchedBy: progress?.matchedBy ?? null,
      customerId: progress?.customerId ?? null,
      locationId: progress?.locationId ?? null,
      jobId: progress?.jobId ?? null,
      invoiceId: progress?.invoiceId ?? null,
      lines: progress?.invoiceVerified ? (progress.invoiceLinesAdded ?? null) : null,
      reason: outcome?.error?.reason ?? null,
      detail: outcome?.error ? describeError(outcome.error) : followUpDetail(progress),
    };
  });
}

/** What a cancellation or refund did to the order's job ("job cancelled", "job left alone: Dispatched"). */
function followUpDetail(progress: RecordOutcome["progress"]): string | null {
  switch (progress?.followUpOutcome) {
    case "cancelled":
      return "job cancelled";
    case "already_cancelled":
      return "job was already cancelled";
    case "left_alone":
      return `job left alone: ${progress.followUpReason ?? "?"}`;
    case "noted":
      return "refund noted on the job";
    default:
      return null;
  }
}

export function emptyRow(index: number, orderKey: string | null): Omit<OrderSummary, "status"> {
  return {
    index: index + 1,
    orderKey,
    matchedBy: null,
    customerId: null,
    locationId: null,
    jobId: null,
    invoiceId: null,
    lines: null,
    reason: null,
    detail: null,
  };
}

/**
 * The `store:orderId` a body names, even when the worker wouldn't read it (too large, broken
 * elsewhere): only the two key fields are read, and they are checked as the worker checks them.
 */
export function orderKeyNamedBy(body: string): string | null {
  const format = (key: { store: string; orderId: string } | undefined) => (key ? `${key.store}:${key.orderId}` : null);
  const direct = format(orderKeyFromBody(body));
  if (direct !== null) return direct;
  try {
    const { store, orderId } = JSON.parse(body) as { store?: unknown; orderId?: unknown };
    return format(orderKeyFromBody(JSON.stringify({ store, orderId })));
  } catch {
    return null;
  }
}

/** Field paths when the order's fields are at fault, else the error's whole message (it carries no personal data). */
function describeError(error: NonNullable<RecordOutcome["error"]>): string {
  const paths = error.details.fieldPaths;
  const fields = Array.isArray(paths) ? paths.filter((path) => path !== "$") : [];
  if (fields.length > 0) return `fields: ${fields.join(", ")}`;
  return error.message;
}

/** Whole details, wrapped at word boundaries to fit the terminal (or 160 columns when there is none). */
export function renderSummaryTable(rows: readonly OrderSummary[], terminalColumns = 160): string {
  const head = ["#", "order", "matched by", "customer", "location", "job", "invoice", "lines", "status"];
  const cells = rows.map((row) => [
    String(row.index),
    row.orderKey ?? "(no order key)",
    row.matchedBy ?? "",
    String(row.customerId ?? ""),
    String(row.locationId ?? ""),
    String(row.jobId ?? ""),
    String(row.invoiceId ?? ""),
    String(row.lines ?? ""),
    statusText(row),
  ]);
  // Each column: its widest cell plus one space either side and one border.
  const fixedWidth =
    1 +
    head
      .slice(0, -1)
      .reduce((sum, title, i) => sum + 3 + Math.max(title.length, ...cells.map((c) => c[i]?.length ?? 0)), 0);
  const widestStatus = Math.max(head.at(-1)?.length ?? 0, ...cells.map((c) => c.at(-1)?.length ?? 0));
  const statusWidth = Math.min(widestStatus + 2, Math.max(40, terminalColumns - fixedWidth - 1));
  const table = new Table({
    head,
    colWidths: [...head.slice(0, -1).map(() => null), statusWidth],
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: { head: [], border: [] },
  });
  table.push(...cells);
  return table.toString();
}

function statusText(row: OrderSummary): string {
  if (row.status === SummaryStatus.Dlq) return `DLQ: ${row.reason ?? "?"}${row.detail ? ` (${row.detail})` : ""}`;
  if (row.status === SummaryStatus.Refused) return `not sent: ${row.detail ?? "SQS would refuse it"}`;
  return row.detail ? `${row.status} (${row.detail})` : row.status;
}
