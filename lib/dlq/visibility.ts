/**
 * Backs a transiently failed message off before SQS redelivers it. With partial batch responses
 * Lambda leaves failed records in flight until the queue's visibility timeout ends (30 s here),
 * so during a ServiceTitan outage or a 429 storm every order of a batch would burn its
 * `maxReceiveCount` within minutes and land in the DLQ. Stretching the visibility exponentially by
 * `ApproximateReceiveCount` (30 s, 60 s, 120 s … capped at 15 min, jittered so a failed batch does
 * not come back as one burst) spreads five receives over ~30 minutes instead.
 *
 * Best effort: the message is redelivered either way, so a failure here is swallowed.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";

/** SQS's hard limit for a visibility timeout is 12 hours; we cap far lower. */
const sqsMaxVisibilitySeconds = 43_200;

export interface BackoffVisibilityInput {
  sqs: SQSClient;
  queueUrl: string;
  record: Pick<SQSRecord, "receiptHandle" | "attributes">;
  /** Delay after the first receive; default 30 s. */
  baseSeconds?: number;
  /** Cap; default 900 s (15 min). */
  maxSeconds?: number;
  /** A floor, e.g. ServiceTitan's `Retry-After` (`ServiceTitanUnavailableError.retryAfterMs`). */
  minSeconds?: number;
  /** Injectable for tests; returns [0, 1). */
  random?: () => number;
}

/** The delay for the `receiveCount`-th receive: "equal jitter" between half and all of the backoff. */
export function backoffSeconds(
  receiveCount: number,
  options: { baseSeconds?: number; maxSeconds?: number; minSeconds?: number; random?: () => number } = {},
): number {
  const base = options.baseSeconds ?? 30;
  const max = Math.min(options.maxSeconds ?? 900, sqsMaxVisibilitySeconds);
  const attempt = Number.isInteger(receiveCount) && receiveCount > 0 ? receiveCount : 1;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  const random = options.random ?? Math.random;
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  return Math.min(max, Math.max(jittered, Math.ceil(options.minSeconds ?? 0), 0));
}

/** Returns the visibility timeout set, or `undefined` when the change failed (never throws). */
export async function backoffVisibility(input: BackoffVisibilityInput): Promise<number | undefined> {
  const seconds = backoffSeconds(Number(input.record.attributes?.ApproximateReceiveCount), input);
  try {
    await input.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: input.queueUrl,
        ReceiptHandle: input.record.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
    return seconds;
  } catch {
    return undefined;
  }
}
