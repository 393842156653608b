/**
 * The local event-source runner against fauxqs over loopback: what Lambda's SQS event source mapping
 * would delete, redeliver or leave for the DLQ, asserted on the queues' final state.
 * Visibility timeouts are 1 s so redeliveries happen quickly.
 */
import { createHash } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { describe, type OnTestFinishedHandler, test } from "vitest";
import { type LocalAws, type LocalAwsOptions, startLocalAws } from "../../local/aws.ts";
import { createLambdaContext } from "../../local/lambda-context.ts";
import {
  type BatchInfo,
  type EventSourceRunnerOptions,
  type SqsHandler,
  startEventSourceRunner,
} from "../../local/runner.ts";

/** Safety net only: a runner that fails to drain stops here and the `stoppedBy` assertion fails. */
const safetyDeadlineMs = 15_000;

/** Every test gets its own fauxqs, so the (concurrent) tests cannot see each other's messages. */
async function localAws(
  onTestFinished: (fn: OnTestFinishedHandler) => void,
  options: LocalAwsOptions = {},
): Promise<LocalAws> {
  const aws = await startLocalAws({ visibilityTimeoutSeconds: 1, ...options });
  onTestFinished(() => aws.stop());
  return aws;
}

interface Outgoing {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
}

/** Sends the messages and returns their message ids in order. */
async function send(aws: LocalAws, messages: readonly (Outgoing | string)[], queueUrl = aws.queueUrl) {
  const ids: string[] = [];
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages
      .slice(start, start + 10)
      .map((message) => (typeof message === "string" ? { body: message } : message));
    const response = await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, index) => ({
          Id: String(index),
          MessageBody: message.body,
          MessageAttributes: message.attributes,
        })),
      }),
    );
    const byEntry = new Map((response.Successful ?? []).map((entry) => [entry.Id, entry.MessageId]));
    chunk.forEach((_, index) => {
      const id = byEntry.get(String(index));
      if (id === undefined) throw new Error("send failed");
      ids.push(id);
    });
  }
  return ids;
}

async function queueCounts(aws: LocalAws, queueUrl: string) {
  const { Attributes = {} } = await aws.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}

const emptyQueue = { visible: 0, inFlight: 0, delayed: 0 };

function run(aws: LocalAws, handler: SqsHandler, options: Partial<EventSourceRunnerOptions> = {}) {
  return startEventSourceRunner({
    sqs: aws.sqs,
    queueUrl: aws.queueUrl,
    queueArn: aws.queueArn,
    handler,
    deadlineMs: safetyDeadlineMs,
    ...options,
  });
}

/** Every record the handler saw, in delivery order (one entry per delivery). */
function recordingHandler(decide: (record: SQSRecord) => "ok" | "fail" = () => "ok") {
  const deliveries: SQSRecord[] = [];
  const batches: SQSRecord[][] = [];
  const handler: SqsHandler = async (event) => {
    deliveries.push(...event.Records);
    batches.push(event.Records);
    const failed = event.Records.filter((record) => decide(record) === "fail");
    return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
  };
  return { handler, deliveries, batches };
}

function receiveCounts(deliveries: readonly SQSRecord[], messageId: string | undefined): string[] {
  return deliveries.filter((record) => record.messageId === messageId).map((r) => r.attributes.ApproximateReceiveCount);
}

const isFirstDelivery = (record: SQSRecord) => record.attributes.ApproximateReceiveCount === "1";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Concurrent: most of the time is spent waiting out 1 s visibility timeouts, not computing.
describe.concurrent("local SQS event-source runner", () => {
  test("delivers Lambda-shaped records and deletes every message of a successful batch", async ({
    expect,
    onTestFinished,
  }) => {
    // Prepare
    const aws = await localAws(onTestFinished);
    const bodies = ['{"orderId":"T-1"}', '{"orderId":"T-2"}', '{"orderId":"T-3"}'];
    const ids = await send(aws, [
      {
        body: bodies[0] ?? "",
        attributes: {
          kind: { DataType: "String", StringValue: "order" },
          attempt: { DataType: "Number", StringValue: "2" },
          blob: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      },
      bodies[1] ?? "",
      bodies[2] ?? "",
    ]);
    const { handler, deliveries } = recordingHandler();

    // Act
    const stats = await run(aws, handler).done;

    // Assess
    expect(stats.stoppedBy).toBe("drained");
    expect(deliveries.map((record) => record.messageId).sort()).toEqual([...ids].sort());
    const first = deliveries.find((record) => record.messageId === ids[0]);
    expect(first).toMatchObject({
      receiptHandle: expect.any(String),
      body: bodies[0],
      md5OfBody: createHash("md5")
        .update(bodies[0] ?? "")
        .digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: aws.queueArn,
      awsRegion: aws.region,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {
        kind: { stringValue: "order", stringListValues: [], binaryListValues: [], dataType: "String" },
        attempt: { stringValue: "2", stringListValues: [], binaryListValues: [], dataType: "Number" },
        blob: { binaryValue: "AQID", stringListValues: [], binaryListValues: [], dataType: "Binary" },
      },
    });
    expect(deliveries.find((record) => record.messageId === ids[1])?.messageAttributes).toEqual({});
    expect(stats).toMatchObject({ invocations: 1, received: 3, deleted: 3, reportedFailures: 0, handlerErrors: 0 });
    expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    expect(await queueCounts(aws, aws.dlqUrl)).toEqual(emptyQueue);
  });

  test("redelivers only the records listed in batchItemFailures", async ({ expect, onTestFinished }) => {
    // Prepare
    const aws = await localAws(onTestFinished);
    const [okA, flaky, okB] = await send(aws, ["a", "b", "c"]);
    const { handler, deliveries } = recordingHandler((record) =>
      record.messageId === flaky && isFirstDelivery(record) ? "fail" : "ok",
    );

    // Act
    const stats = await run(aws, handler).done;

    // Assess
    expect(stats.stoppedBy).toBe("drained");
    expect(receiveCounts(deliveries, flaky)).toEqual(["1", "2"]);
    expect(receiveCounts(deliveries, okA)).toEqual(["1"]);
    expect(receiveCounts(deliveries, okB)).toEqual(["1"]);
    expect(stats).toMatchObject({ invocations: 2, deleted: 3, reportedFailures: 1, handlerErrors: 0 });
    expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    expect(await queueCounts(aws, aws.dlqUrl)).toEqual(emptyQueue);
  });

  test("a message failing maxReceiveCount times lands in the DLQ with its body intact", async ({
    expect,
    onTestFinished,
  }) => {
    // Prepare
    const aws = await localAws(onTestFinished, { maxReceiveCount: 2 });
    const poisonBody = '{"orderId":"T-POISON","note":"Testy McTestface"}';
    const [poison, good] = await send(aws, [
      { body: poisonBody, attributes: { kind: { DataType: "String", StringValue: "order" } } },
      "fine",
    ]);
    const { handler, deliveries } = recordingHandler((record) => (record.messageId === poison ? "fail" : "ok"));

    // Act
    const stats = await run(aws, handler).done;

    // Assess
    expect(stats.stoppedBy).toBe("drained");
    expect(receiveCounts(deliveries, poison)).toEqual(["1", "2"]);
    expect(receiveCounts(deliveries, good)).toEqual(["1"]);
    expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    const dlq = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.dlqUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }),
    );
    expect(dlq.Messages?.map((message) => [message.MessageId, message.Body])).toEqual([[poison, poisonBody]]);
    expect(dlq.Messages?.[0]?.MessageAttributes?.kind?.StringValue).toBe("order");
  });

  test("a handler that throws gets the whole batch again", async ({ expect, onTestFinished }) => {
    // Prepare
    const aws = await localAws(onTestFinished);
    const ids = await send(aws, ["a", "b", "c"]);
    const deliveries: SQSRecord[] = [];
    const outcomes: BatchInfo[] = [];
    const handler: SqsHandler = async (event) => {
      deliveries.push(...event.Records);
      if (event.Records.some(isFirstDelivery)) throw new Error("ServiceTitan unavailable (simulated)");
    };

    // Act
    const stats = await run(aws, handler, { onBatch: (info) => outcomes.push(info), onHandlerError: () => {} }).done;

    // Assess
    expect(stats.stoppedBy).toBe("drained");
    for (const id of ids) expect(receiveCounts(deliveries, id)).toEqual(["1", "2"]);
    expect(outcomes.map(({ records, failed, threw }) => ({ records, failed, threw }))).toEqual([
      { records: 3, failed: 3, threw: true },
      { records: 3, failed: 0, threw: false },
    ]);
    expect(stats).toMatchObject({ invocations: 2, deleted: 3, handlerErrors: 1, reportedFailures: 0 });
    expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    expect(await queueCounts(aws, aws.dlqUrl)).toEqual(emptyQueue);
  });

  test.for([
    ["a message id outside the batch", "not-a-message-of-this-batch"],
    ["an empty itemIdentifier", ""],
  ])(
    "a batch response naming %s fails the whole batch",
    async ([, itemIdentifier = ""], { expect, onTestFinished }) => {
      // Prepare
      const aws = await localAws(onTestFinished);
      const ids = await send(aws, ["a", "b"]);
      const deliveries: SQSRecord[] = [];
      const handler: SqsHandler = async (event) => {
        deliveries.push(...event.Records);
        return { batchItemFailures: event.Records.some(isFirstDelivery) ? [{ itemIdentifier }] : [] };
      };

      // Act
      const stats = await run(aws, handler).done;

      // Assess
      for (const id of ids) expect(receiveCounts(deliveries, id)).toEqual(["1", "2"]);
      expect(stats).toMatchObject({ stoppedBy: "drained", deleted: 2, handlerErrors: 1, reportedFailures: 0 });
      expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    },
  );

  test("visibility changed by the handler takes effect (failed record retried at once)", async ({
    expect,
    onTestFinished,
  }) => {
    // Prepare: a 30 s visibility timeout, so only the handler's change can bring the record back quickly.
    const aws = await localAws(onTestFinished, { visibilityTimeoutSeconds: 30 });
    const [id] = await send(aws, ["retry me now"]);
    const deliveries: SQSRecord[] = [];
    const handler: SqsHandler = async (event) => {
      deliveries.push(...event.Records);
      const retry = event.Records.filter(isFirstDelivery);
      for (const record of retry) {
        await aws.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: aws.queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
      return { batchItemFailures: retry.map((record) => ({ itemIdentifier: record.messageId })) };
    };

    // Act
    const stats = await run(aws, handler, { deadlineMs: 5_000 }).done;

    // Assess
    expect(stats.stoppedBy).toBe("drained");
    expect(receiveCounts(deliveries, id)).toEqual(["1", "2"]);
    expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
  });

  describe("batching", () => {
    test("no batch exceeds batchSize and every message is seen once", async ({ expect, onTestFinished }) => {
      // Prepare
      const aws = await localAws(onTestFinished);
      const ids = await send(
        aws,
        Array.from({ length: 10 }, (_, index) => `m${index}`),
      );
      const { handler, deliveries, batches } = recordingHandler();

      // Act
      const stats = await run(aws, handler, { batchSize: 4 }).done;

      // Assess
      expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(4);
      expect(deliveries.map((record) => record.messageId).sort()).toEqual([...ids].sort());
      expect(stats).toMatchObject({ stoppedBy: "drained", deleted: 10 });
      expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    });

    test("a batching window fills batches larger than one receive", async ({ expect, onTestFinished }) => {
      // Prepare
      const aws = await localAws(onTestFinished);
      const ids = await send(
        aws,
        Array.from({ length: 25 }, (_, index) => `m${index}`),
      );
      const { handler, batches } = recordingHandler();

      // Act
      const stats = await run(aws, handler, { batchSize: 25, maximumBatchingWindowMs: 5_000 }).done;

      // Assess
      expect(batches.map((batch) => batch.length)).toEqual([25]);
      expect(batches[0]?.map((record) => record.messageId).sort()).toEqual([...ids].sort());
      expect(stats.batches).toBeGreaterThanOrEqual(3);
      expect(stats).toMatchObject({ stoppedBy: "drained", invocations: 1, deleted: 25 });
      expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    });

    test("the window closes with a partial batch and takes in messages that arrive while it is open", async ({
      expect,
      onTestFinished,
    }) => {
      // Prepare
      const aws = await localAws(onTestFinished, { visibilityTimeoutSeconds: 30 });
      const [early] = await send(aws, ["early"]);
      const { handler, batches } = recordingHandler();
      const runner = run(aws, handler, { batchSize: 50, maximumBatchingWindowMs: 1_000 });
      // The window opens when the first record arrives, i.e. once it is in flight.
      while ((await queueCounts(aws, aws.queueUrl)).inFlight === 0) await sleep(10);

      // Act
      const [late] = await send(aws, ["late"]);
      const stats = await runner.done;

      // Assess
      expect(batches.map((batch) => batch.map((record) => record.messageId))).toEqual([[early, late]]);
      expect(stats).toMatchObject({ stoppedBy: "drained", invocations: 1, deleted: 2 });
      expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    });

    test("batchSize above 10 without a window is rejected like Lambda does", ({ expect }) => {
      // Prepare
      const options = {
        sqs: undefined as never,
        queueUrl: "http://127.0.0.1:1/000000000000/orders",
        queueArn: "arn:aws:sqs:us-east-1:000000000000:orders",
        handler: async () => {},
      };

      // Act
      const start = () => startEventSourceRunner({ ...options, batchSize: 11 });

      // Assess
      expect(start).toThrow(RangeError);
    });
  });

  describe("concurrency", () => {
    test("parallel pollers process every message exactly once", async ({ expect, onTestFinished }) => {
      // Prepare
      const aws = await localAws(onTestFinished, { visibilityTimeoutSeconds: 30 });
      const ids = await send(
        aws,
        Array.from({ length: 60 }, (_, index) => `m${index}`),
      );
      const seen: string[] = [];
      let running = 0;
      let maxRunning = 0;
      const handler: SqsHandler = async (event) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        seen.push(...event.Records.map((record) => record.messageId));
        await sleep(20);
        running--;
      };

      // Act
      const stats = await run(aws, handler, { concurrency: 4, batchSize: 3 }).done;

      // Assess
      expect(seen.sort()).toEqual([...ids].sort());
      expect(maxRunning).toBeGreaterThan(1);
      expect(maxRunning).toBeLessThanOrEqual(4);
      expect(stats).toMatchObject({ stoppedBy: "drained", received: 60, deleted: 60 });
      expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    });

    test("two runners on the same queue share the work and both stop drained", async ({ expect, onTestFinished }) => {
      // Prepare
      const aws = await localAws(onTestFinished, { visibilityTimeoutSeconds: 30 });
      const ids = await send(
        aws,
        Array.from({ length: 40 }, (_, index) => `m${index}`),
      );
      const seen: string[] = [];
      const handler: SqsHandler = async (event) => {
        seen.push(...event.Records.map((record) => record.messageId));
        await sleep(10);
      };

      // Act
      const results = await Promise.all([
        run(aws, handler, { concurrency: 2, batchSize: 5 }).done,
        run(aws, handler, { concurrency: 2, batchSize: 5 }).done,
      ]);

      // Assess
      expect(seen.sort()).toEqual([...ids].sort());
      expect(results.map((stats) => stats.stoppedBy)).toEqual(["drained", "drained"]);
      expect(results.reduce((sum, stats) => sum + stats.deleted, 0)).toBe(40);
      expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    });
  });

  describe("function timeout", () => {
    test("getRemainingTimeInMillis counts down from functionTimeoutMs in every invocation", async ({
      expect,
      onTestFinished,
    }) => {
      // Prepare
      const aws = await localAws(onTestFinished);
      await send(aws, ["a", "b"]);
      const readings: { requestId: string; before: number; after: number }[] = [];
      const handler: SqsHandler = async (_event, context) => {
        const before = context.getRemainingTimeInMillis();
        await sleep(30);
        readings.push({ requestId: context.awsRequestId, before, after: context.getRemainingTimeInMillis() });
      };

      // Act
      await run(aws, handler, { functionTimeoutMs: 5_000, batchSize: 1 }).done;

      // Assess
      expect(readings).toHaveLength(2);
      for (const { before, after } of readings) {
        expect(before).toBeLessThanOrEqual(5_000);
        expect(before).toBeGreaterThan(after);
        expect(after).toBeGreaterThan(0);
      }
      expect(new Set(readings.map((reading) => reading.requestId)).size).toBe(2);
    });

    test("an invocation running past functionTimeoutMs fails its whole batch", async ({ expect, onTestFinished }) => {
      // Prepare
      const aws = await localAws(onTestFinished);
      const [id] = await send(aws, ["slow the first time"]);
      const deliveries: SQSRecord[] = [];
      const handler: SqsHandler = async (event) => {
        deliveries.push(...event.Records);
        if (event.Records.some(isFirstDelivery)) await sleep(600);
      };

      // Act
      const stats = await run(aws, handler, { functionTimeoutMs: 200, onHandlerError: () => {} }).done;

      // Assess
      expect(receiveCounts(deliveries, id)).toEqual(["1", "2"]);
      expect(stats).toMatchObject({ stoppedBy: "drained", handlerErrors: 1, deleted: 1 });
      expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    });

    test("createLambdaContext counts down and names the function", async ({ expect }) => {
      // Prepare
      const context = createLambdaContext({ functionName: "order-sync", timeoutMs: 1_000, region: "eu-west-1" });

      // Act
      const before = context.getRemainingTimeInMillis();
      await sleep(20);
      const after = context.getRemainingTimeInMillis();

      // Assess
      expect(before).toBeLessThanOrEqual(1_000);
      expect(after).toBeLessThan(before);
      expect(context.invokedFunctionArn).toBe("arn:aws:lambda:eu-west-1:000000000000:function:order-sync");
      expect(context.logGroupName).toBe("/aws/lambda/order-sync");
    });
  });

  describe("stopping", () => {
    test("the deadline stops a runner whose queue never drains and the message stays queued", async ({
      expect,
      onTestFinished,
    }) => {
      // Prepare
      const aws = await localAws(onTestFinished, { maxReceiveCount: 100 });
      const [id] = await send(aws, ["always fails"]);
      const { handler, deliveries } = recordingHandler(() => "fail");

      // Act
      const stats = await run(aws, handler, { deadlineMs: 1_500 }).done;

      // Assess
      expect(stats).toMatchObject({ stoppedBy: "deadline", deleted: 0 });
      expect(receiveCounts(deliveries, id).length).toBeGreaterThanOrEqual(1);
      const counts = await queueCounts(aws, aws.queueUrl);
      expect(counts.visible + counts.inFlight).toBe(1);
      expect(await queueCounts(aws, aws.dlqUrl)).toEqual(emptyQueue);
    });

    test("stop() waits for the running batch to finish and delete", async ({ expect, onTestFinished }) => {
      // Prepare
      const aws = await localAws(onTestFinished, { visibilityTimeoutSeconds: 30 });
      await send(aws, ["in flight when stop is called"]);
      let started: () => void = () => {};
      const handlerStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const handler: SqsHandler = async () => {
        started();
        await sleep(300);
      };
      const runner = run(aws, handler, { stopWhenDrained: false });
      await handlerStarted;

      // Act
      const stats = await runner.stop();

      // Assess
      expect(stats).toMatchObject({ stoppedBy: "stopped", invocations: 1, deleted: 1 });
      expect(await queueCounts(aws, aws.queueUrl)).toEqual(emptyQueue);
    });
  });
});
