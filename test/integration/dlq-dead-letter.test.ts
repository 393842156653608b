/**
 * `sendToDeadLetterQueue` against fauxqs over loopback: the dead letter keeps the original body,
 * carries the reason and safe diagnostics as attributes (never personal data), stays within SQS's
 * 10-attribute limit, and a failed send surfaces as a TransientError so the record is retried.
 */
import { randomUUID } from "node:crypto";
import { CreateQueueCommand, type Message, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxMessageAttributes } from "../../lib/dlq/attributes.ts";
import { DeadLetterSendError, sendToDeadLetterQueue } from "../../lib/dlq/dead-letter.ts";
import {
  InvalidMessageError,
  ReasonCode,
  ServiceTitanRejectedError,
  ServiceTitanUnavailableError,
  TransientError,
} from "../../lib/errors.ts";
import { type LocalAws, startLocalAws } from "../../local/aws.ts";
import { toSqsRecord } from "../../local/runner-event.ts";
import { buildOrderBody, fakePerson } from "../support/order-factory.ts";

const piiPattern = new RegExp(
  [fakePerson.firstName, fakePerson.lastName, fakePerson.email, "010-0142", fakePerson.street]
    .join("|")
    .replace(/[.()]/g, "\\$&"),
);
const failedAt = new Date(Date.UTC(2026, 10, 20, 15, 30, 0));

let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.stop();
});

async function freshQueue(prefix: string): Promise<string> {
  const { QueueUrl } = await aws.sqs.send(
    new CreateQueueCommand({ QueueName: `${prefix}-${randomUUID().slice(0, 8)}` }),
  );
  if (QueueUrl === undefined) throw new Error("no queue url");
  return QueueUrl;
}

/** Sends a body to a source queue and receives it back as the Lambda record the worker would get. */
async function recordFor(
  body: string,
  attributes: Record<string, { DataType: string; StringValue: string }> = {},
): Promise<SQSRecord> {
  const source = await freshQueue("source");
  await aws.sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: body, MessageAttributes: attributes }));
  const { Messages } = await aws.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: source,
      MaxNumberOfMessages: 1,
      MessageAttributeNames: ["All"],
      MessageSystemAttributeNames: ["All"],
    }),
  );
  const message = Messages?.[0];
  if (message === undefined) throw new Error("nothing received");
  return toSqsRecord(message, { queueArn: aws.queueArn, region: aws.region, accountId: "000000000000" }, Date.now());
}

async function receiveAll(queueUrl: string): Promise<Message[]> {
  const { Messages } = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }),
  );
  return Messages ?? [];
}

function attributeValues(message: Message | undefined): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(message?.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]),
  );
}

describe("sendToDeadLetterQueue", () => {
  it("keeps the body unchanged and adds reason, field paths, order key, source facts and the producer's attributes", async () => {
    // Prepare
    const body = buildOrderBody({ orderId: "DLQ-1042", store: "acme-filters" });
    const record = await recordFor(body, { traceparent: { DataType: "String", StringValue: "00-trace-01" } });
    const dlqUrl = await freshQueue("dlq");
    const error = new InvalidMessageError(ReasonCode.ContractViolation, "customer.email: invalid_format", [
      "customer.email",
      "lines.0.unitPrice",
    ]);
    // Act
    await sendToDeadLetterQueue({ sqs: aws.sqs, dlqUrl, record, error, now: () => failedAt });
    // Assess
    const [letter, ...rest] = await receiveAll(dlqUrl);
    expect(rest).toEqual([]);
    expect(letter?.Body).toBe(body);
    expect(attributeValues(letter)).toEqual({
      reason: ReasonCode.ContractViolation,
      errorKind: "permanent",
      fieldPaths: "customer.email,lines.0.unitPrice",
      orderKey: "acme-filters:DLQ-1042",
      sourceMessageId: record.messageId,
      receiveCount: "1",
      failedAt: failedAt.toISOString(),
      replayCount: "0",
      traceparent: "00-trace-01",
    });
    expect(letter?.MessageAttributes?.replayCount?.DataType).toBe("Number");
    expect(JSON.stringify(letter?.MessageAttributes)).not.toMatch(piiPattern);
  });

  it("carries ServiceTitan status, traceId and a masked title, and the replay count of a replayed message", async () => {
    // Prepare
    const record = await recordFor(buildOrderBody({ store: undefined, orderId: "DLQ-2" }), {
      replayCount: { DataType: "Number", StringValue: "2" },
      reason: { DataType: "String", StringValue: ReasonCode.ServiceTitanUnavailable },
    });
    const dlqUrl = await freshQueue("dlq");
    const error = new ServiceTitanRejectedError("ServiceTitan refused the customer", 409, {
      traceId: "st-trace-42",
      details: { title: `Duplicate customer ${fakePerson.email}`, fieldErrors: ["Customer.Name"] },
    });
    // Act
    await sendToDeadLetterQueue({ sqs: aws.sqs, dlqUrl, record, error, now: () => failedAt });
    // Assess
    const attributes = attributeValues((await receiveAll(dlqUrl))[0]);
    expect(attributes).toMatchObject({
      reason: ReasonCode.ServiceTitanRejected,
      errorKind: "permanent",
      orderKey: "default:DLQ-2",
      stStatus: "409",
      stTraceId: "st-trace-42",
      stTitle: "Duplicate customer [redacted-email]",
      replayCount: "2",
    });
    expect(attributes.fieldPaths).toBe("Customer.Name");
    // 11 candidates: the lowest-ranked (receiveCount) is the one dropped.
    expect(Object.keys(attributes)).toHaveLength(10);
    expect(attributes).not.toHaveProperty("receiveCount");
    expect(JSON.stringify(attributes)).not.toMatch(piiPattern);
  });

  it("stays within 10 attributes, dropping the producer's before its own diagnostics", async () => {
    // Prepare
    const producer = Object.fromEntries(
      Array.from({ length: 8 }, (_, index) => [`producer${index}`, { DataType: "String", StringValue: `v${index}` }]),
    );
    const record = await recordFor(buildOrderBody(), producer);
    const dlqUrl = await freshQueue("dlq");
    const error = new ServiceTitanUnavailableError(ReasonCode.ServiceTitanUnavailable, "503 from ServiceTitan", {
      status: 503,
      traceId: "st-trace-7",
      details: { title: "Service Unavailable" },
    });
    // Act
    await sendToDeadLetterQueue({ sqs: aws.sqs, dlqUrl, record, error, now: () => failedAt });
    // Assess
    const attributes = attributeValues((await receiveAll(dlqUrl))[0]);
    expect(Object.keys(attributes)).toHaveLength(maxMessageAttributes);
    expect(Object.keys(attributes).sort()).toEqual(
      [
        "reason",
        "errorKind",
        "orderKey",
        "replayCount",
        "failedAt",
        "sourceMessageId",
        "receiveCount",
        "stStatus",
        "stTraceId",
        "stTitle",
      ].sort(),
    );
  });

  it("never derives an order key from a body it can't trust", async () => {
    // Prepare
    const dlqUrl = await freshQueue("dlq");
    const bodies = [
      "{not json",
      JSON.stringify({ orderId: fakePerson.email, store: "acme" }),
      JSON.stringify({ orderId: "1042", store: `${fakePerson.firstName} ${fakePerson.lastName}` }),
      JSON.stringify({ orderId: "x".repeat(65) }),
    ];
    const error = new InvalidMessageError(ReasonCode.InvalidJson, "Message body is not valid JSON", ["$"]);
    // Act
    for (const body of bodies) {
      await sendToDeadLetterQueue({ sqs: aws.sqs, dlqUrl, record: await recordFor(body), error });
    }
    // Assess
    const letters = await receiveAll(dlqUrl);
    expect(letters.map((letter) => letter.Body).sort()).toEqual([...bodies].sort());
    for (const letter of letters) {
      expect(letter.MessageAttributes).not.toHaveProperty("orderKey");
      expect(JSON.stringify(letter.MessageAttributes)).not.toMatch(piiPattern);
    }
  });

  it("throws a TransientError when the DLQ refuses the send", async () => {
    // Prepare
    const record = await recordFor(buildOrderBody());
    const missingDlq = `${aws.sqsEndpoint}/000000000000/no-such-dlq-${randomUUID().slice(0, 8)}`;
    const error = new InvalidMessageError(ReasonCode.ContractViolation, "bad", ["orderId"]);
    // Act
    const outcome = await sendToDeadLetterQueue({ sqs: aws.sqs, dlqUrl: missingDlq, record, error }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // Assess
    expect(outcome).toBeInstanceOf(DeadLetterSendError);
    expect(outcome).toBeInstanceOf(TransientError);
    expect((outcome as DeadLetterSendError).details).toMatchObject({ originalReason: ReasonCode.ContractViolation });
  });
});
