/**
 * The EMF lines `createSyncMetrics` writes to stdout: the metric names and dimensions the CDK
 * alarms and dashboard query (cdk/metric-names.ts), aggregated counts, nothing before `flush()`.
 * `publishStoredMetrics()` stands in for the handler's `logMetrics` middleware.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidMessageError, ReasonCode, ServiceTitanUnavailableError } from "../../lib/errors.ts";
import { createMetrics, createSyncMetrics, MetricName } from "../../lib/observability/metrics.ts";

interface EmfLine {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

let chunks: string[] = [];
let restore: (() => void) | undefined;
const savedEnv = { dev: process.env.POWERTOOLS_DEV, disabled: process.env.POWERTOOLS_METRICS_DISABLED };

beforeEach(() => {
  // Powertools disables metrics in dev mode; the test wants Lambda's behaviour.
  delete process.env.POWERTOOLS_DEV;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  chunks = [];
  const original = process.stdout.write;
  process.stdout.write = ((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  restore = () => {
    process.stdout.write = original;
  };
});
afterEach(() => {
  restore?.();
  if (savedEnv.dev !== undefined) process.env.POWERTOOLS_DEV = savedEnv.dev;
  if (savedEnv.disabled !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = savedEnv.disabled;
});

function emfLines(): EmfLine[] {
  return chunks
    .join("")
    .split("\n")
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

function lineWith(lines: EmfLine[], metric: string, dimension?: [string, string]): EmfLine | undefined {
  return lines.find(
    (line) =>
      line._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === metric) &&
      (dimension === undefined || line[dimension[0]] === dimension[1]),
  );
}

describe("createSyncMetrics", () => {
  it("emits the fixed names with service, reason and matchedBy dimensions, aggregated per flush", () => {
    // Prepare
    const powertools = createMetrics({ serviceName: "order-sync-test" });
    const metrics = createSyncMetrics(powertools);
    // Act
    metrics.recordOrderSynced();
    metrics.recordOrderSynced();
    metrics.recordDuplicate();
    metrics.recordIgnored();
    metrics.recordMatchedBy("email");
    metrics.recordMatchedBy("email");
    metrics.recordMatchedBy("created");
    metrics.recordFailure(new InvalidMessageError(ReasonCode.ContractViolation, "bad", ["orderId"]));
    metrics.recordFailure(new ServiceTitanUnavailableError(ReasonCode.ServiceTitanRateLimited, "429", { status: 429 }));
    metrics.recordServiceTitanCall(200);
    metrics.recordServiceTitanCall(429);
    metrics.recordServiceTitanCall(undefined);
    const beforeFlush = emfLines().length;
    metrics.flush();
    powertools.publishStoredMetrics();
    restore?.();
    // Assess
    expect(beforeFlush).toBe(0);
    const lines = emfLines();
    for (const line of lines) expect(line._aws.CloudWatchMetrics[0]?.Namespace).toBe("OrderSync");

    const plain = lineWith(lines, MetricName.OrdersSynced);
    expect(plain?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service"]]);
    expect(plain).toMatchObject({
      service: "order-sync-test",
      OrdersSynced: 2,
      OrdersDuplicate: 1,
      MessagesIgnored: 1,
      ServiceTitanCalls: 3,
      ServiceTitan429: 1,
      OrdersFailedPermanent: 1,
      OrdersFailedTransient: 1,
    });

    const matchedEmail = lineWith(lines, MetricName.CustomerMatched, ["matchedBy", "email"]);
    expect(matchedEmail?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "matchedBy"]]);
    expect(matchedEmail).toMatchObject({ service: "order-sync-test", CustomerMatched: 2 });
    expect(lineWith(lines, MetricName.CustomerMatched, ["matchedBy", "created"])).toMatchObject({ CustomerMatched: 1 });

    const permanent = lineWith(lines, MetricName.OrdersFailedPermanent, ["reason", ReasonCode.ContractViolation]);
    expect(permanent?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "reason"]]);
    expect(permanent).toMatchObject({ service: "order-sync-test", OrdersFailedPermanent: 1 });
    const transient = lineWith(lines, MetricName.OrdersFailedTransient, ["reason", ReasonCode.ServiceTitanRateLimited]);
    expect(transient).toMatchObject({ OrdersFailedTransient: 1 });
    expect(lines).toHaveLength(5);
  });

  it("writes nothing when nothing was recorded, and starts from zero after a flush", () => {
    // Prepare
    const powertools = createMetrics({ serviceName: "order-sync-test" });
    const metrics = createSyncMetrics(powertools);
    const flushAndPublish = () => {
      metrics.flush();
      if (powertools.hasStoredMetrics()) powertools.publishStoredMetrics();
    };
    metrics.recordOrderSynced();
    flushAndPublish();
    chunks = [];
    // Act
    metrics.flush();
    const storedAfterEmptyFlush = powertools.hasStoredMetrics();
    metrics.recordDuplicate();
    flushAndPublish();
    restore?.();
    // Assess
    expect(storedAfterEmptyFlush).toBe(false);
    const lines = emfLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ OrdersDuplicate: 1 });
    expect(lines[0]).not.toHaveProperty("OrdersSynced");
  });
});
