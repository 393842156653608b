/**
 * The SQS calls the local event-source runner makes, shaped like the ones Lambda's pollers make:
 * receive with every system and message attribute, delete in batches of at most 10 (the SQS limit for
 * `DeleteMessageBatch`), and a queue-depth probe for drain detection.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

/** SQS caps ReceiveMessage's MaxNumberOfMessages and every *Batch call at 10 entries. */
export const sqsBatchLimit = 10;

export interface QueueRef {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
}

export async function receiveMessages(
  queue: QueueRef,
  maxMessages: number,
  waitTimeSeconds: number,
): Promise<Message[]> {
  const response = await queue.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.queueUrl,
      MaxNumberOfMessages: Math.min(sqsBatchLimit, Math.max(1, maxMessages)),
      WaitTimeSeconds: waitTimeSeconds,
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    }),
  );
  return response.Messages ?? [];
}

/** Returns how many deletions SQS acknowledged; per-entry failures are left to reappear like in Lambda. */
export async function deleteMessages(queue: QueueRef, receiptHandles: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const chunk of chunks(receiptHandles, sqsBatchLimit)) {
    const response = await queue.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.queueUrl,
        Entries: chunk.map((receiptHandle, index) => ({ Id: String(index), ReceiptHandle: receiptHandle })),
      }),
    );
    deleted += response.Successful?.length ?? 0;
  }
  return deleted;
}

/**
 * Makes messages visible again at once (visibility timeout 0). Used for messages received after a stop
 * was requested, so a stopped runner does not hide them for a whole visibility timeout.
 */
export async function releaseMessages(queue: QueueRef, receiptHandles: readonly string[]): Promise<void> {
  for (const chunk of chunks(receiptHandles, sqsBatchLimit)) {
    await queue.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.queueUrl,
        Entries: chunk.map((receiptHandle, index) => ({
          Id: String(index),
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

/**
 * Visible + in flight + delayed. fauxqs (1.9.2) only moves expired in-flight messages back to the visible
 * list and due delayed messages to visible lazily (on receive), so the three counters can lag
 * individually, but each message is always in exactly one of them and the sum is exact. A message due for
 * the DLQ is still counted until the receive that redrives it, which is also when SQS moves it.
 * Against real SQS these counters are eventually consistent (AWS documents them as approximate, lagging by
 * up to about a minute), so a zero there is only a hint; the runner is meant for the local emulators.
 */
export async function countMessages(queue: QueueRef): Promise<number> {
  const response = await queue.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue.queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const attributes = response.Attributes ?? {};
  return (
    Number(attributes.ApproximateNumberOfMessages ?? "0") +
    Number(attributes.ApproximateNumberOfMessagesNotVisible ?? "0") +
    Number(attributes.ApproximateNumberOfMessagesDelayed ?? "0")
  );
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
