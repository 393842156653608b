/**
 * Turns SQS `ReceiveMessage` results into the `SQSEvent` records Lambda's SQS event source mapping
 * delivers (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#example-standard-queue-message-event):
 * camelCase fields, system attributes under `attributes`, message attributes as
 * `{stringValue | binaryValue (base64), stringListValues: [], binaryListValues: [], dataType}`,
 * plus `eventSource: "aws:sqs"`, the queue ARN and the region.
 */
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSMessageAttribute, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from "aws-lambda";

export interface EventSourceIdentity {
  queueArn: string;
  region: string;
  accountId: string;
}

/** The parts of a queue ARN (`arn:aws:sqs:<region>:<account>:<name>`) the event and context need. */
export function parseQueueArn(queueArn: string): { region: string; accountId: string; queueName: string } {
  const parts = queueArn.split(":");
  const [prefix, , service, region, accountId, queueName] = parts;
  if (parts.length !== 6 || prefix !== "arn" || service !== "sqs" || !region || !accountId || !queueName) {
    throw new RangeError("queueArn must look like arn:aws:sqs:<region>:<account>:<queue name>");
  }
  return { region, accountId, queueName };
}

/**
 * Lambda requests every system attribute, so records always carry ApproximateReceiveCount,
 * SentTimestamp, SenderId and ApproximateFirstReceiveTimestamp. The fallbacks only cover an emulator
 * that leaves one out; they are the values a first receive would have.
 */
export function toSqsRecord(message: Message, source: EventSourceIdentity, receivedAt: number): SQSRecord {
  const { MessageId, ReceiptHandle, Body, MD5OfBody } = message;
  if (MessageId === undefined || ReceiptHandle === undefined) {
    throw new Error("ReceiveMessage returned a message without MessageId or ReceiptHandle");
  }
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ...system,
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? "1",
    SentTimestamp: system.SentTimestamp ?? String(receivedAt),
    SenderId: system.SenderId ?? source.accountId,
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(receivedAt),
  };
  const record: SQSRecord = {
    messageId: MessageId,
    receiptHandle: ReceiptHandle,
    body: Body ?? "",
    attributes,
    messageAttributes: toLambdaMessageAttributes(message.MessageAttributes),
    md5OfBody: MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
  if (message.MD5OfMessageAttributes !== undefined) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/**
 * Lambda always emits the (never populated) list fields as empty arrays and base64-encodes binary
 * values, because the event is JSON.
 */
export function toLambdaMessageAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    const attribute: SQSMessageAttribute = {
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType ?? "String",
    };
    if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
    if (value.BinaryValue !== undefined) attribute.binaryValue = Buffer.from(value.BinaryValue).toString("base64");
    result[name] = attribute;
  }
  return result;
}
