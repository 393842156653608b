/**
 * Visibility backoff for transient failures, against fauxqs: the delay grows with the receive
 * count (jittered, capped), the message really is hidden past the queue's own timeout, and a
 * failure to change it never throws.
 */
import { randomUUID } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffSeconds, backoffVisibility } from "../../lib/dlq/visibility.ts";
import { type LocalAws, startLocalAws } from "../../local/aws.ts";

let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.stop();
});

async function receiveOne(queueUrl: string, visibilityTimeout: number) {
  const { Messages } = await aws.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 1,
      VisibilityTimeout: visibilityTimeout,
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
    }),
  );
  return Messages?.[0];
}

describe("backoffSeconds", () => {
  it("doubles per receive between half and all of the step, capped, never below the floor", () => {
    // Prepare
    const low = () => 0;
    const high = () => 0.999_999;
    // Act
    const lows = [1, 2, 3, 4, 10].map((count) => backoffSeconds(count, { random: low }));
    const highs = [1, 2, 3, 4, 10].map((count) => backoffSeconds(count, { random: high }));
    const floored = backoffSeconds(1, { random: low, minSeconds: 90 });
    const nonsense = backoffSeconds(Number.NaN, { random: low });
    // Assess
    expect(lows).toEqual([15, 30, 60, 120, 450]);
    expect(highs).toEqual([30, 60, 120, 240, 900]);
    expect(floored).toBe(90);
    expect(nonsense).toBe(15);
  });
});

describe("backoffVisibility", () => {
  it("hides the message beyond the visibility it was received with", async () => {
    // Prepare
    const { QueueUrl: queueUrl } = await aws.sqs.send(
      new CreateQueueCommand({ QueueName: `backoff-${randomUUID().slice(0, 8)}` }),
    );
    if (queueUrl === undefined) throw new Error("no queue url");
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"orderId":"V-1"}' }));
    const received = await receiveOne(queueUrl, 1);
    if (received?.ReceiptHandle === undefined) throw new Error("nothing received");
    const record = {
      receiptHandle: received.ReceiptHandle,
      attributes: { ApproximateReceiveCount: received.Attributes?.ApproximateReceiveCount ?? "1" },
    } as Parameters<typeof backoffVisibility>[0]["record"];
    // Act
    const seconds = await backoffVisibility({ sqs: aws.sqs, queueUrl, record, random: () => 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const duringBackoff = await receiveOne(queueUrl, 1);
    // Assess
    expect(seconds).toBe(15);
    expect(duringBackoff).toBeUndefined();
    // …and it is still on the queue: ending the backoff makes it receivable again.
    await aws.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: received.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const afterBackoff = await receiveOne(queueUrl, 30);
    expect(afterBackoff?.Body).toBe('{"orderId":"V-1"}');
    expect(afterBackoff?.Attributes?.ApproximateReceiveCount).toBe("2");
  });

  it("swallows a failed change and reports it as undefined", async () => {
    // Prepare
    const missingQueue = `${aws.sqsEndpoint}/000000000000/no-such-queue-${randomUUID().slice(0, 8)}`;
    const record = { receiptHandle: "not-a-handle", attributes: { ApproximateReceiveCount: "3" } } as Parameters<
      typeof backoffVisibility
    >[0]["record"];
    // Act
    const seconds = await backoffVisibility({ sqs: aws.sqs, queueUrl: missingQueue, record });
    // Assess
    expect(seconds).toBeUndefined();
  });
});
