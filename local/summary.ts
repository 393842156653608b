/**
 * The run's result, one entry per message sent: what happened to the order and the ServiceTitan
 * records it ended up with. Printed as a table for people and as one JSON document for scripts.
 */
import Table from "cli-table3";
import type { RecordOutcome } from "../lib/worker/process-batch.ts";

export interface OrderSummary {
  index: number;
  orderKey: string | null;
  status: "synced" | "duplicate" | "dlq" | "pending";
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
  messageIds: readonly string[],
  outcomes: ReadonlyMap<string, RecordOutcome>,
  drained: boolean,
): OrderSummary[] {
  return messageIds.map((id, index) => {
    const outcome = outcomes.get(id);
    const progress = outcome?.progress;
    const status: OrderSummary["status"] =
      outcome === undefined
        ? "pending"
        : outcome.status === "dead_lettered"
          ? "dlq"
          : outcome.status === "retry"
            ? drained
              ? "dlq" // retries ran out: SQS's redrive moved it to the DLQ
              : "pending"
            : outcome.status;
    return {
      index: index + 1,
      orderKey: outcome?.orderKey ?? null,
      status,
      matchedBy: progress?.matchedBy ?? null,
      customerId: progress?.customerId ?? null,
      locationId: progress?.locationId ?? null,
      jobId: progress?.jobId ?? null,
      invoiceId: progress?.invoiceId ?? null,
      lines: progress?.invoiceVerified ? (progress.invoiceLinesAdded ?? null) : null,
      reason: outcome?.error?.reason ?? null,
      detail: outcome?.error ? describeError(outcome.error) : null,
    };
  });
}

function describeError(error: NonNullable<RecordOutcome["error"]>): string {
  const paths = error.details.fieldPaths;
  if (Array.isArray(paths) && paths.length > 0) return `fields: ${paths.join(", ")}`;
  if (typeof error.details.key === "string") return `config: ${error.details.key}`;
  return error.message.slice(0, 80);
}

export function renderSummaryTable(rows: readonly OrderSummary[]): string {
  const table = new Table({
    head: ["#", "order", "matched by", "customer", "location", "job", "invoice", "lines", "status"],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    const status =
      row.status === "dlq" ? `DLQ: ${row.reason ?? "?"}${row.detail ? ` (${row.detail})` : ""}` : row.status;
    table.push([
      row.index,
      row.orderKey ?? "(unreadable)",
      row.matchedBy ?? "",
      row.customerId ?? "",
      row.locationId ?? "",
      row.jobId ?? "",
      row.invoiceId ?? "",
      row.lines ?? "",
      status,
    ]);
  }
  return table.toString();
}
