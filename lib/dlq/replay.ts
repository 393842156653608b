/**
 * Moves dead letters back to the orders queue, all of them or a filtered subset (one order, one
 * reason, an age window). SQS's own redrive (`StartMessageMoveTask`) moves everything and is
 * missing from fauxqs, so this is receive → send → delete:
 *
 * - a message is deleted from the DLQ only after the orders queue accepted it, so a replay that
 *   dies half way loses nothing; at worst an order is delivered twice, which the ledger turns into
 *   a no-op;
 * - messages that don't match (or exceed `limit`) are held invisible while the scan goes on, so
 *   each receive returns new ones, and are released (visibility 0) at the end; if the replay dies
 *   they come back on their own after `holdSeconds`;
 * - the scan ends when a receive returns nothing new (message ids are tracked).
 *
 * Bodies and attributes are sent unchanged except `replayCount`, incremented so a poison message
 * replayed again and again is visible in the DLQ attributes.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  attributeNumber,
  attributeString,
  DlqAttribute,
  fitAttributes,
  formatOrderKey,
  isDlqAttribute,
  type OrderKey,
  orderKeyFromBody,
  parseOrderKey,
  type SqsAttributes,
  sendableAttributes,
} from "./attributes.ts";

export interface ReplayFilter {
  orderId?: string;
  store?: string;
  reason?: string;
  /** Only messages that failed at least this long ago. */
  olderThanMs?: number;
  /** Only messages that failed at most this long ago. */
  newerThanMs?: number;
  /** Move (or, in a dry run, list) at most this many messages. */
  limit?: number;
}

/** What was (or would be) moved; no body, so no personal data. */
export interface ReplayEntry {
  /** The message id in the DLQ. */
  messageId: string;
  orderKey?: string;
  reason?: string;
  /** ISO time of the failure (`failedAt` attribute, else the message's SentTimestamp). */
  failedAt?: string;
  /** The `replayCount` the message carries (or would carry) on the orders queue. */
  replayCount: number;
  /** `false` when the send succeeded but the DLQ delete failed: the order may be replayed twice (harmless). */
  deleted?: boolean;
}

export interface ReplayFailure {
  messageId: string;
  orderKey?: string;
  /** SQS's error code (e.g. `AWS.SimpleQueueService.NonExistentQueue`) or the error's name. */
  code: string;
}

export interface ReplayProgress {
  scanned: number;
  matched: number;
  moved: number;
  skipped: number;
  failed: number;
}

export interface ReplayResult {
  moved: ReplayEntry[];
  /** Scanned messages left in the DLQ (not matching, or beyond `limit`). */
  skipped: number;
  scanned: number;
  /** Sends the orders queue refused; these stay in the DLQ and the replay stops at the first. */
  failed: ReplayFailure[];
  dryRun: boolean;
  /** False when the replay stopped early (send failure or `stopAtMs`) rather than after a full scan. */
  complete: boolean;
  /** `limit` messages matched, so the scan stopped there: the DLQ may hold more that match. */
  limitReached: boolean;
}

export interface ReplayDeadLettersInput {
  sqs: SQSClient;
  dlqUrl: string;
  queueUrl: string;
  filter?: ReplayFilter;
  dryRun?: boolean;
  onProgress?: (progress: ReplayProgress) => void;
  /** Long-poll seconds per receive; 1 s makes an empty answer trustworthy on real SQS. Default 1. */
  waitTimeSeconds?: number;
  /** Visibility of received messages while the scan runs; default 300 s. */
  holdSeconds?: number;
  /** Stop scanning at this epoch ms (a Lambda's remaining time). */
  stopAtMs?: number;
  /** Injectable clock (epoch ms). */
  now?: () => number;
}

const receiveBatchSize = 10;
/** SendMessageBatch caps the whole request's payload; stay well under it. */
const maxBatchPayloadBytes = 200 * 1024;

export async function replayDeadLetters(input: ReplayDeadLettersInput): Promise<ReplayResult> {
  const { sqs, dlqUrl, queueUrl } = input;
  // Replayed messages get new ids, so replaying a queue into itself would never finish.
  if (queueUrl === dlqUrl) throw new RangeError("The DLQ and the target queue must differ");
  const filter = input.filter ?? {};
  const dryRun = input.dryRun ?? false;
  const now = input.now ?? Date.now;
  const startedAt = now();
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;

  const seen = new Set<string>();
  /** messageId → latest receipt handle of messages to make visible again at the end. */
  const held = new Map<string, string>();
  const moved: ReplayEntry[] = [];
  const failed: ReplayFailure[] = [];
  let scanned = 0;
  let skipped = 0;
  let matched = 0;
  let complete = true;
  const report = () => input.onProgress?.({ scanned, matched, moved: moved.length, skipped, failed: failed.length });

  try {
    while (matched < limit) {
      if (input.stopAtMs !== undefined && now() >= input.stopAtMs) {
        complete = false;
        break;
      }
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: receiveBatchSize,
          VisibilityTimeout: input.holdSeconds ?? 300,
          WaitTimeSeconds: input.waitTimeSeconds ?? 1,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["SentTimestamp"],
        }),
      );
      const messages = (received.Messages ?? []).filter(
        (message): message is Message & { MessageId: string; ReceiptHandle: string } =>
          message.MessageId !== undefined && message.ReceiptHandle !== undefined,
      );
      if (messages.length === 0) break;

      const toMove: { message: Message & { MessageId: string; ReceiptHandle: string }; entry: ReplayEntry }[] = [];
      let fresh = 0;
      for (const message of messages) {
        if (seen.has(message.MessageId)) {
          // Our hold expired and it came round again: keep it held under its new receipt handle.
          held.set(message.MessageId, message.ReceiptHandle);
          continue;
        }
        fresh++;
        seen.add(message.MessageId);
        scanned++;
        const entry = describe(message);
        if (matched < limit && matches(message, entry, filter, startedAt)) {
          matched++;
          toMove.push({ message, entry });
        } else {
          skipped++;
          held.set(message.MessageId, message.ReceiptHandle);
        }
      }

      if (dryRun) {
        for (const { message, entry } of toMove) {
          moved.push(entry);
          held.set(message.MessageId, message.ReceiptHandle);
        }
      } else if (toMove.length > 0) {
        const outcome = await moveBatch(sqs, dlqUrl, queueUrl, toMove);
        moved.push(...outcome.moved);
        for (const failure of outcome.failed) {
          failed.push(failure.failure);
          held.set(failure.failure.messageId, failure.receiptHandle);
        }
      }
      report();
      if (failed.length > 0) {
        complete = false;
        break;
      }
      if (fresh === 0) break;
    }
  } finally {
    await release(sqs, dlqUrl, held);
  }
  report();
  return { moved, skipped, scanned, failed, dryRun, complete, limitReached: matched >= limit };
}

/** `ApproximateNumberOfMessages` of the DLQ (visible messages), for a progress bar's total. */
export async function approximateDeadLetterCount(sqs: SQSClient, dlqUrl: string): Promise<number | undefined> {
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    const count = Number(Attributes?.ApproximateNumberOfMessages);
    return Number.isFinite(count) ? count : undefined;
  } catch {
    return undefined;
  }
}

function orderKeyOf(message: Message): OrderKey | undefined {
  return (
    parseOrderKey(attributeString(message.MessageAttributes, DlqAttribute.OrderKey)) ??
    // Redriven by SQS after maxReceiveCount (transient failures): no attributes of ours.
    orderKeyFromBody(message.Body ?? "")
  );
}

function failedAtMs(message: Message): number | undefined {
  const failedAt = attributeString(message.MessageAttributes, DlqAttribute.FailedAt);
  const parsed = failedAt === undefined ? Number.NaN : Date.parse(failedAt);
  if (Number.isFinite(parsed)) return parsed;
  const sent = Number(message.Attributes?.SentTimestamp);
  return Number.isFinite(sent) && sent > 0 ? sent : undefined;
}

function describe(message: Message & { MessageId: string }): ReplayEntry {
  const key = orderKeyOf(message);
  const reason = attributeString(message.MessageAttributes, DlqAttribute.Reason);
  const failedMs = failedAtMs(message);
  return {
    messageId: message.MessageId,
    ...(key === undefined ? {} : { orderKey: formatOrderKey(key) }),
    ...(reason === undefined ? {} : { reason }),
    ...(failedMs === undefined ? {} : { failedAt: new Date(failedMs).toISOString() }),
    replayCount: (attributeNumber(message.MessageAttributes, DlqAttribute.ReplayCount) ?? 0) + 1,
  };
}

function matches(message: Message, entry: ReplayEntry, filter: ReplayFilter, nowMs: number): boolean {
  if (filter.orderId !== undefined || filter.store !== undefined) {
    const key = parseOrderKey(entry.orderKey);
    if (key === undefined) return false;
    if (filter.orderId !== undefined && key.orderId !== filter.orderId) return false;
    if (filter.store !== undefined && key.store !== filter.store) return false;
  }
  if (filter.reason !== undefined && entry.reason !== filter.reason) return false;
  if (filter.olderThanMs !== undefined || filter.newerThanMs !== undefined) {
    const failedMs = failedAtMs(message);
    if (failedMs === undefined) return false;
    if (filter.olderThanMs !== undefined && failedMs > nowMs - filter.olderThanMs) return false;
    if (filter.newerThanMs !== undefined && failedMs < nowMs - filter.newerThanMs) return false;
  }
  return true;
}

/**
 * The producer's attributes as received plus `replayCount`, within SQS's 10. The previous failure's
 * diagnostics (reason, failedAt, …) are dropped: if the replayed order fails again, its new dead
 * letter must say why and when it failed this time, or `--reason`/`--older-than` would mislead.
 */
export function replayAttributes(attributes: SqsAttributes | undefined, replayCount: number): SqsAttributes {
  const producer: SqsAttributes = {};
  for (const [name, value] of Object.entries(sendableAttributes(attributes))) {
    if (!isDlqAttribute(name)) producer[name] = value;
  }
  return fitAttributes(
    { [DlqAttribute.ReplayCount]: { DataType: "Number", StringValue: String(replayCount) } },
    producer,
  );
}

type Received = Message & { MessageId: string; ReceiptHandle: string };

async function moveBatch(
  sqs: SQSClient,
  dlqUrl: string,
  queueUrl: string,
  items: { message: Received; entry: ReplayEntry }[],
): Promise<{ moved: ReplayEntry[]; failed: { failure: ReplayFailure; receiptHandle: string }[] }> {
  const moved: ReplayEntry[] = [];
  const failed: { failure: ReplayFailure; receiptHandle: string }[] = [];
  for (const chunk of chunkByPayload(items)) {
    const entries: SendMessageBatchRequestEntry[] = chunk.map(({ message, entry }, index) => ({
      Id: String(index),
      MessageBody: message.Body ?? "",
      MessageAttributes: replayAttributes(message.MessageAttributes, entry.replayCount),
    }));
    const sent = new Set<string>();
    const errors = new Map<string, string>();
    try {
      const response = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      for (const success of response.Successful ?? []) if (success.Id !== undefined) sent.add(success.Id);
      for (const failure of response.Failed ?? [])
        if (failure.Id !== undefined) errors.set(failure.Id, failure.Code ?? "Failed");
    } catch (error) {
      const code = error instanceof Error ? error.name : "SendFailed";
      for (const entry of entries) errors.set(entry.Id ?? "", code);
    }

    const toDelete = chunk.filter((_, index) => sent.has(String(index)));
    const deleted = await deleteMessages(
      sqs,
      dlqUrl,
      toDelete.map(({ message }) => message),
    );
    chunk.forEach(({ message, entry }, index) => {
      const id = String(index);
      if (sent.has(id)) {
        moved.push(deleted.has(message.MessageId) ? entry : { ...entry, deleted: false });
      } else {
        failed.push({
          failure: {
            messageId: entry.messageId,
            ...(entry.orderKey === undefined ? {} : { orderKey: entry.orderKey }),
            code: errors.get(id) ?? "NotAcknowledged",
          },
          receiptHandle: message.ReceiptHandle,
        });
      }
    });
  }
  return { moved, failed };
}

/** Returns the ids actually deleted. */
async function deleteMessages(sqs: SQSClient, dlqUrl: string, messages: Received[]): Promise<Set<string>> {
  const deleted = new Set<string>();
  if (messages.length === 0) return deleted;
  try {
    const response = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    for (const success of response.Successful ?? []) {
      const message = messages[Number(success.Id)];
      if (message !== undefined) deleted.add(message.MessageId);
    }
  } catch {
    // Already on the orders queue: it stays in the DLQ and a later replay would send it again (harmless).
  }
  return deleted;
}

function chunkByPayload<T extends { message: Message }>(items: T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const bytes = Buffer.byteLength(item.message.Body ?? "", "utf8") + 2048;
    if (current.length > 0 && (current.length === receiveBatchSize || size + bytes > maxBatchPayloadBytes)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Best effort: a message we fail to release becomes visible by itself when the hold expires. */
async function release(sqs: SQSClient, dlqUrl: string, held: Map<string, string>): Promise<void> {
  const handles = [...held.values()];
  for (let start = 0; start < handles.length; start += receiveBatchSize) {
    const slice = handles.slice(start, start + receiveBatchSize);
    try {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: slice.map((handle, index) => ({ Id: String(index), ReceiptHandle: handle, VisibilityTimeout: 0 })),
        }),
      );
    } catch {
      // see above
    }
  }
}
