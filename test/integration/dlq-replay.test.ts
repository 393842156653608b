/**
 * `replayDeadLetters` against fauxqs over loopback: all, one order, by reason, by age, dry run and
 * limit; bodies and attributes arrive unchanged on the orders queue with `replayCount` incremented;
 * messages left behind are visible again at once; a replay whose sends fail deletes nothing.
 * Each test gets its own pair of queues and asserts what is on them afterwards.
 */
import { randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendToDeadLetterQueue } from "../../lib/dlq/dead-letter.ts";
import { type ReplayProgress, replayDeadLetters } from "../../lib/dlq/replay.ts";
import {
  InvalidMessageError,
  ReasonCode,
  ServiceTitanRejectedError,
  ServiceTitanUnavailableError,
  type SyncError,
} from "../../lib/errors.ts";
import { type LocalAws, startLocalAws } from "../../local/aws.ts";
import { toSqsRecord } from "../../local/runner-event.ts";
import { buildOrderBody } from "../support/order-factory.ts";

const nowMs = Date.UTC(2026, 10, 20, 15, 0, 0);
const minutes = (count: number) => count * 60_000;

let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.stop();
});

interface Queues {
  source: string;
  queueUrl: string;
  dlqUrl: string;
}

async function createQueue(prefix: string): Promise<string> {
  const { QueueUrl } = await aws.sqs.send(
    new CreateQueueCommand({ QueueName: `${prefix}-${randomUUID().slice(0, 8)}` }),
  );
  if (QueueUrl === undefined) throw new Error("no queue url");
  return QueueUrl;
}

async function freshQueues(): Promise<Queues> {
  return {
    source: await createQueue("source"),
    queueUrl: await createQueue("orders"),
    dlqUrl: await createQueue("dlq"),
  };
}

interface Seed {
  orderId: string;
  store?: string;
  error?: SyncError;
  failedAtMs?: number;
  attributes?: Record<string, MessageAttributeValue>;
}

/** Dead-letters an order the way the worker does: received from a queue, then `sendToDeadLetterQueue`. */
async function seed(queues: Queues, seeds: Seed[]): Promise<Map<string, string>> {
  const bodies = new Map<string, string>();
  for (const item of seeds) {
    const body = buildOrderBody({ orderId: item.orderId, store: item.store ?? "test-store" });
    bodies.set(item.orderId, body);
    await aws.sqs.send(
      new SendMessageCommand({ QueueUrl: queues.source, MessageBody: body, MessageAttributes: item.attributes }),
    );
    const { Messages } = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.source,
        MaxNumberOfMessages: 1,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const message = Messages?.[0];
    if (message === undefined) throw new Error("seed message not received");
    const record = toSqsRecord(
      message,
      { queueArn: aws.queueArn, region: aws.region, accountId: "000000000000" },
      nowMs,
    );
    await sendToDeadLetterQueue({
      sqs: aws.sqs,
      dlqUrl: queues.dlqUrl,
      record,
      error: item.error ?? new InvalidMessageError(ReasonCode.ContractViolation, "bad", ["lines"]),
      now: () => new Date(item.failedAtMs ?? nowMs - minutes(60)),
    });
  }
  return bodies;
}

/** Every message currently visible on a queue (received and kept invisible, so each is counted once). */
async function drain(queueUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages } = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        MessageAttributeNames: ["All"],
      }),
    );
    if (!Messages || Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

function orderIdOf(message: Message): string {
  return (JSON.parse(message.Body ?? "{}") as { orderId: string }).orderId;
}

function replay(queues: Queues, options: Omit<Parameters<typeof replayDeadLetters>[0], "sqs" | "dlqUrl" | "queueUrl">) {
  return replayDeadLetters({
    sqs: aws.sqs,
    dlqUrl: queues.dlqUrl,
    queueUrl: queues.queueUrl,
    waitTimeSeconds: 0,
    now: () => nowMs,
    ...options,
  });
}

describe("replayDeadLetters", () => {
  it("moves every dead letter with its body and attributes, replayCount incremented, and empties the DLQ", async () => {
    // Prepare
    const queues = await freshQueues();
    const bodies = await seed(queues, [
      { orderId: "R-1", attributes: { traceparent: { DataType: "String", StringValue: "00-abc-01" } } },
      { orderId: "R-2", attributes: { replayCount: { DataType: "Number", StringValue: "3" } } },
      { orderId: "R-3", error: new ServiceTitanRejectedError("refused", 422, { traceId: "st-9" }) },
    ]);
    const dlqBefore = await replay(queues, { dryRun: true });
    // Act
    const result = await replay(queues, {});
    // Assess
    expect(dlqBefore.moved).toHaveLength(3);
    expect(result).toMatchObject({
      scanned: 3,
      skipped: 0,
      failed: [],
      complete: true,
      dryRun: false,
      limitReached: false,
    });
    expect(result.moved.map((entry) => entry.orderKey).sort()).toEqual([
      "test-store:R-1",
      "test-store:R-2",
      "test-store:R-3",
    ]);
    expect(await drain(queues.dlqUrl)).toEqual([]);
    const delivered = await drain(queues.queueUrl);
    expect(delivered.map(orderIdOf).sort()).toEqual(["R-1", "R-2", "R-3"]);
    for (const message of delivered) expect(message.Body).toBe(bodies.get(orderIdOf(message)));
    const byOrder = new Map(delivered.map((message) => [orderIdOf(message), message.MessageAttributes ?? {}]));
    expect(byOrder.get("R-1")?.traceparent?.StringValue).toBe("00-abc-01");
    expect(byOrder.get("R-1")?.replayCount).toEqual(expect.objectContaining({ DataType: "Number", StringValue: "1" }));
    expect(byOrder.get("R-2")?.replayCount?.StringValue).toBe("4");
    // The earlier failure's diagnostics stay behind: a new failure must explain itself afresh.
    expect(Object.keys(byOrder.get("R-3") ?? {})).toEqual(["replayCount"]);
  });

  it("moves one order only and leaves the others visible in the DLQ", async () => {
    // Prepare
    const queues = await freshQueues();
    await seed(queues, [{ orderId: "A" }, { orderId: "B" }, { orderId: "C" }, { orderId: "B", store: "other-store" }]);
    // Act
    const result = await replay(queues, { filter: { orderId: "B", store: "test-store" } });
    // Assess
    expect(result).toMatchObject({ scanned: 4, skipped: 3 });
    expect(result.moved.map((entry) => entry.orderKey)).toEqual(["test-store:B"]);
    expect((await drain(queues.queueUrl)).map(orderIdOf)).toEqual(["B"]);
    const left = await drain(queues.dlqUrl);
    expect(left.map((message) => message.MessageAttributes?.orderKey?.StringValue).sort()).toEqual([
      "other-store:B",
      "test-store:A",
      "test-store:C",
    ]);
  });

  it("filters by reason, and finds redriven messages (no attributes) by the order id in their body", async () => {
    // Prepare
    const queues = await freshQueues();
    await seed(queues, [
      { orderId: "V-1" },
      { orderId: "U-1", error: new ServiceTitanUnavailableError(ReasonCode.ServiceTitanUnavailable, "503") },
      { orderId: "U-2", error: new ServiceTitanUnavailableError(ReasonCode.ServiceTitanUnavailable, "503") },
    ]);
    await aws.sqs.send(
      new SendMessageCommand({ QueueUrl: queues.dlqUrl, MessageBody: buildOrderBody({ orderId: "REDRIVEN-1" }) }),
    );
    // Act
    const byReason = await replay(queues, { filter: { reason: ReasonCode.ServiceTitanUnavailable } });
    const byOrder = await replay(queues, { filter: { orderId: "REDRIVEN-1" } });
    // Assess
    expect(byReason.moved.map((entry) => entry.orderKey).sort()).toEqual(["test-store:U-1", "test-store:U-2"]);
    expect(byReason.moved.every((entry) => entry.reason === ReasonCode.ServiceTitanUnavailable)).toBe(true);
    expect(byOrder.moved).toEqual([expect.objectContaining({ orderKey: "test-store:REDRIVEN-1", replayCount: 1 })]);
    expect((await drain(queues.queueUrl)).map(orderIdOf).sort()).toEqual(["REDRIVEN-1", "U-1", "U-2"]);
    expect((await drain(queues.dlqUrl)).map(orderIdOf)).toEqual(["V-1"]);
  });

  it("filters by age of the failure", async () => {
    // Prepare
    const queues = await freshQueues();
    await seed(queues, [
      { orderId: "OLD", failedAtMs: nowMs - minutes(120) },
      { orderId: "MID", failedAtMs: nowMs - minutes(45) },
      { orderId: "NEW", failedAtMs: nowMs - minutes(5) },
    ]);
    // Act
    const older = await replay(queues, { filter: { olderThanMs: minutes(60) } });
    const newer = await replay(queues, { filter: { newerThanMs: minutes(30) } });
    // Assess
    expect(older.moved.map((entry) => entry.orderKey)).toEqual(["test-store:OLD"]);
    expect(older.moved[0]?.failedAt).toBe(new Date(nowMs - minutes(120)).toISOString());
    expect(newer.moved.map((entry) => entry.orderKey)).toEqual(["test-store:NEW"]);
    expect((await drain(queues.dlqUrl)).map(orderIdOf)).toEqual(["MID"]);
    expect((await drain(queues.queueUrl)).map(orderIdOf).sort()).toEqual(["NEW", "OLD"]);
  });

  it("in a dry run lists what would move, moves nothing and leaves every message visible", async () => {
    // Prepare
    const queues = await freshQueues();
    await seed(queues, [
      { orderId: "D-1" },
      { orderId: "D-2", attributes: { replayCount: { DataType: "Number", StringValue: "1" } } },
    ]);
    // Act
    const result = await replay(queues, { dryRun: true });
    // Assess
    expect(result).toMatchObject({ dryRun: true, scanned: 2, skipped: 0 });
    expect(result.moved.map((entry) => [entry.orderKey, entry.replayCount]).sort()).toEqual([
      ["test-store:D-1", 1],
      ["test-store:D-2", 2],
    ]);
    expect(await drain(queues.queueUrl)).toEqual([]);
    const left = await drain(queues.dlqUrl);
    expect(left.map(orderIdOf).sort()).toEqual(["D-1", "D-2"]);
    expect(left.find((message) => orderIdOf(message) === "D-2")?.MessageAttributes?.replayCount?.StringValue).toBe("1");
  });

  it("moves at most `limit` messages and reports progress", async () => {
    // Prepare
    const queues = await freshQueues();
    await seed(
      queues,
      Array.from({ length: 14 }, (_, index) => ({ orderId: `L-${index}` })),
    );
    const progress: ReplayProgress[] = [];
    // Act
    const result = await replay(queues, { filter: { limit: 12 }, onProgress: (p) => progress.push(p) });
    // Assess
    expect(result.moved).toHaveLength(12);
    expect(result.limitReached).toBe(true);
    expect(await drain(queues.queueUrl)).toHaveLength(12);
    expect(await drain(queues.dlqUrl)).toHaveLength(2);
    expect(progress.at(-1)).toMatchObject({ moved: 12, matched: 12, failed: 0 });
  });

  it("deletes nothing when the orders queue refuses the sends", async () => {
    // Prepare
    const queues = await freshQueues();
    await seed(queues, [{ orderId: "F-1" }, { orderId: "F-2" }]);
    const missingQueue = `${aws.sqsEndpoint}/000000000000/no-such-queue-${randomUUID().slice(0, 8)}`;
    // Act
    const result = await replay({ ...queues, queueUrl: missingQueue }, {});
    // Assess
    expect(result.moved).toEqual([]);
    expect(result.complete).toBe(false);
    expect(result.failed.map((failure) => failure.orderKey).sort()).toEqual(["test-store:F-1", "test-store:F-2"]);
    expect((await drain(queues.dlqUrl)).map(orderIdOf).sort()).toEqual(["F-1", "F-2"]);
  });
});
