/**
 * Sends a permanently failed order to the dead-letter queue ourselves, at once, instead of letting
 * SQS redrive it after `maxReceiveCount` receives: a permanent error can never succeed, and the
 * redrive would carry no reason. The body goes unchanged (the replay sends it back as is); the
 * reason and safe diagnostics ride as message attributes, which the replay filters on and the
 * console shows without opening the body.
 *
 * The caller deletes the source message only after this resolves (it reports the record as
 * handled); if the send fails we throw a `TransientError`, the record is reported in
 * `batchItemFailures`, and SQS redelivers it, so an order is never lost between the two queues.
 */
import { DeleteMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { ConfigError, InvalidMessageError, ReasonCode, type SyncError, TransientError } from "../errors.ts";
import {
  DlqAttribute,
  fitAttributes,
  formatOrderKey,
  fromLambdaAttributes,
  numberAttribute,
  orderKeyFromBody,
  type SqsAttributes,
  stringAttribute,
} from "./attributes.ts";

export interface SendToDeadLetterQueueInput {
  sqs: SQSClient;
  dlqUrl: string;
  record: SQSRecord;
  error: SyncError;
  /** Injectable clock for tests. */
  now?: () => Date;
}

/** The DLQ send failed; the record must be reported as failed so SQS redelivers it. */
export class DeadLetterSendError extends TransientError {
  constructor(originalReason: string, options: { cause?: unknown } = {}) {
    super(ReasonCode.Unexpected, "Could not send the message to the dead-letter queue", {
      ...options,
      details: { stage: "dead-letter-send", originalReason },
    });
  }
}

export async function sendToDeadLetterQueue(input: SendToDeadLetterQueueInput): Promise<void> {
  const { sqs, dlqUrl, record, error } = input;
  const messageAttributes = deadLetterAttributes(record, error, (input.now ?? (() => new Date()))());
  try {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: record.body, MessageAttributes: messageAttributes }),
    );
  } catch (cause) {
    throw new DeadLetterSendError(error.reason, { cause });
  }
}

/**
 * Deletes the dead-lettered message from the orders queue right away (best effort): a later failure
 * of the whole invocation must not bring it back for a second dead letter.
 */
export async function deleteFromSourceQueue(input: { sqs: SQSClient; queueUrl: string; record: SQSRecord }) {
  try {
    await input.sqs.send(
      new DeleteMessageCommand({ QueueUrl: input.queueUrl, ReceiptHandle: input.record.receiptHandle }),
    );
    return true;
  } catch {
    return false;
  }
}

/** The reason/diagnostic attributes of an error alone (no record facts). */
export function dlqReasonAttributes(error: SyncError): SqsAttributes {
  const out: SqsAttributes = {};
  const put = (name: DlqAttribute, value: SqsAttributes[string] | undefined) => {
    if (value !== undefined) out[name] = value;
  };
  put(DlqAttribute.Reason, stringAttribute(error.reason, { mask: false }));
  put(DlqAttribute.ErrorKind, stringAttribute(error.kind, { mask: false }));
  // Contract violations name the order's field paths; ServiceTitan 400s name its model's fields (`fieldErrors`).
  // A config error names the config key (e.g. `service.campaignId`) the operator must fix.
  const fieldPaths =
    error instanceof InvalidMessageError
      ? error.fieldPaths
      : error instanceof ConfigError
        ? [error.key]
        : stringList(error.details.fieldPaths ?? error.details.fieldErrors);
  if (fieldPaths.length > 0) put(DlqAttribute.FieldPaths, stringAttribute(fieldPaths.join(","), { maxLength: 1024 }));
  const { status, traceId, title } = error.details;
  if (typeof status === "number") put(DlqAttribute.StStatus, numberAttribute(status));
  if (typeof traceId === "string") put(DlqAttribute.StTraceId, stringAttribute(traceId, { maxLength: 128 }));
  if (typeof title === "string") put(DlqAttribute.StTitle, stringAttribute(title, { maxLength: 256 }));
  return out;
}

/** Every attribute of the dead letter, already fitted to SQS's 10-attribute limit. */
export function deadLetterAttributes(record: SQSRecord, error: SyncError, failedAt: Date): SqsAttributes {
  const producer = fromLambdaAttributes(record.messageAttributes);
  const own: SqsAttributes = { ...dlqReasonAttributes(error) };
  const orderKey = orderKeyFromBody(record.body);
  if (orderKey !== undefined) {
    const value = stringAttribute(formatOrderKey(orderKey), { mask: false, maxLength: 140 });
    if (value !== undefined) own[DlqAttribute.OrderKey] = value;
  }
  const replayCount = Number(producer[DlqAttribute.ReplayCount]?.StringValue ?? "0");
  own[DlqAttribute.ReplayCount] = {
    DataType: "Number",
    StringValue: String(Number.isInteger(replayCount) ? replayCount : 0),
  };
  own[DlqAttribute.FailedAt] = { DataType: "String", StringValue: failedAt.toISOString() };
  const sourceMessageId = stringAttribute(record.messageId, { maxLength: 128 });
  if (sourceMessageId !== undefined) own[DlqAttribute.SourceMessageId] = sourceMessageId;
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
  if (Number.isInteger(receiveCount) && receiveCount > 0) {
    own[DlqAttribute.ReceiveCount] = { DataType: "Number", StringValue: String(receiveCount) };
  }
  return fitAttributes(own, producer);
}

function stringList(value: unknown): readonly string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return typeof value === "string" && value !== "" ? [value] : [];
}
