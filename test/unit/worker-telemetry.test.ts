/**
 * Issue 14: a storefront message the worker doesn't act on (an unknown topic or status) is
 * acknowledged and counted: one log line and one `MessagesIgnored` count, never a failure.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { describe, expect, it } from "vitest";
import { noopSyncMetrics, type SyncMetrics } from "../../lib/observability/metrics.ts";
import { RecordStatus } from "../../lib/worker/process-batch.ts";
import { createTelemetryObserver } from "../../lib/worker/telemetry.ts";

describe("worker telemetry", () => {
  it("counts an ignored storefront message and logs it at info, as neither success nor failure", () => {
    // Prepare: a metrics spy over the no-op metrics and a logger that keeps what it is told
    const counted: string[] = [];
    const metrics: SyncMetrics = {
      ...noopSyncMetrics,
      recordIgnored: () => counted.push("ignored"),
      recordOrderSynced: () => counted.push("synced"),
      recordFailure: () => counted.push("failure"),
    };
    const lines: { level: string; message: string; fields: unknown }[] = [];
    const keep = (level: string) => (message: string, fields: unknown) => lines.push({ level, message, fields });
    const logger = { info: keep("info"), warn: keep("warn"), error: keep("error") } as unknown as Logger;
    const observer = createTelemetryObserver(logger, metrics);

    // Act
    observer.recordDone({ messageId: "m-1", status: RecordStatus.Ignored, orderKey: "shop.example.com:1001" });

    // Assess
    expect(counted).toEqual(["ignored"]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "info",
      fields: { messageId: "m-1", orderKey: "shop.example.com:1001", status: "ignored" },
    });
  });
});
