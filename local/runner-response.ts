/**
 * How Lambda's SQS event source mapping (with `ReportBatchItemFailures` enabled, as our stack
 * configures it) turns an invocation's outcome into deletions
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting):
 *
 * - complete success — the handler returned nothing, `null`, an empty object, or a null/empty
 *   `batchItemFailures` list: every record is deleted;
 * - partial success — `batchItemFailures` lists message ids of the batch: those stay on the queue (they
 *   reappear after the visibility timeout and count towards `maxReceiveCount`), the rest are deleted;
 * - complete failure — the invocation threw or timed out, or the response is unusable (an `itemIdentifier`
 *   that is null, empty, misspelled or not a message id of this batch): nothing is deleted.
 */
import type { SQSRecord } from "aws-lambda";
import { z } from "zod";

/** What came back from one handler invocation. */
export type InvocationOutcome =
  | { readonly kind: "returned"; readonly value: unknown }
  | { readonly kind: "threw"; readonly error: unknown }
  | { readonly kind: "timedOut" };

export const BatchVerdict = {
  Success: "success",
  Partial: "partial",
  /** The invocation itself failed: threw, rejected or ran past the function timeout. */
  InvocationFailed: "invocation-failed",
  /** The handler returned, but not a batch response Lambda accepts. */
  InvalidResponse: "invalid-response",
} as const;
export type BatchVerdict = (typeof BatchVerdict)[keyof typeof BatchVerdict];

export interface BatchSettlement {
  readonly verdict: BatchVerdict;
  /** Records the runner deletes from the queue. */
  readonly toDelete: readonly SQSRecord[];
  /** Records left on the queue (redelivered after their visibility timeout). */
  readonly failedCount: number;
}

/**
 * Extra keys are ignored (Lambda deserialises into its own response class); a misspelled
 * `itemIdentifier` key fails the item schema, which Lambda treats as a complete failure.
 */
const batchResponseSchema = z
  .object({
    batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) })).nullish(),
  })
  .nullish();

export function settleBatch(records: readonly SQSRecord[], outcome: InvocationOutcome): BatchSettlement {
  const keepAll = (verdict: BatchVerdict): BatchSettlement => ({ verdict, toDelete: [], failedCount: records.length });
  if (outcome.kind !== "returned") return keepAll(BatchVerdict.InvocationFailed);

  const parsed = batchResponseSchema.safeParse(outcome.value);
  if (!parsed.success) return keepAll(BatchVerdict.InvalidResponse);
  const failures = parsed.data?.batchItemFailures ?? [];
  if (failures.length === 0) return { verdict: BatchVerdict.Success, toDelete: records, failedCount: 0 };

  const batchIds = new Set(records.map((record) => record.messageId));
  const failedIds = new Set(failures.map((failure) => failure.itemIdentifier));
  for (const id of failedIds) {
    if (!batchIds.has(id)) return keepAll(BatchVerdict.InvalidResponse);
  }
  const toDelete = records.filter((record) => !failedIds.has(record.messageId));
  return { verdict: BatchVerdict.Partial, toDelete, failedCount: records.length - toDelete.length };
}
