/**
 * How an AWS SDK failure from DynamoDB is classified — by the SDK's exception classes, never by
 * name or message text. A failed condition is not an error for the ledger, it is the answer
 * (someone else wrote first). Throttling, 5xx and failures with no HTTP response at all
 * (connection refused/reset, timeouts) are worth retrying: the SDK has already retried them with
 * back-off, so they surface as `LedgerUnavailableError` and SQS redelivers the order later.
 * Anything else (ValidationException, ResourceNotFoundException, AccessDenied…) is a bug or
 * misconfiguration and is rethrown as is.
 *
 * The SDK's exception classes check `instanceof` by their service shape id (smithy's
 * `ServiceException[Symbol.hasInstance]`), so the checks hold even when the document client and
 * this module load different copies of `@aws-sdk/client-dynamodb`.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
} from "@aws-sdk/client-dynamodb";
import { LedgerUnavailableError } from "../errors.ts";

/** DynamoDB's modelled "slow down / try again" answers (all 4xx except `InternalServerError`). */
const retryableExceptions = [
  ProvisionedThroughputExceededException,
  ThrottlingException,
  RequestLimitExceeded,
  InternalServerError,
] as const;

export function isConditionalCheckFailed(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException;
}

export function isTransientDynamoError(error: unknown): boolean {
  if (error instanceof DynamoDBServiceException) {
    // DynamoDB answered: retry its throttling and any server-side fault (5xx, modelled or not).
    return retryableExceptions.some((exception) => error instanceof exception) || error.$fault === "server";
  }
  // No answer from DynamoDB. The SDK stamps `$metadata` on a request it tried to send (connection
  // refused/reset, socket timeout): an outage. Without it the error was raised before sending
  // (e.g. a value the marshaller refuses): a bug, not an outage.
  return error instanceof Error && "$metadata" in error;
}

/** Rethrow-ready: a `LedgerUnavailableError` for transient failures, the original error otherwise. */
export function toLedgerError(error: unknown, operation: string): unknown {
  if (!isTransientDynamoError(error)) return error;
  const name = error instanceof Error ? error.name : typeof error;
  const status = error instanceof DynamoDBServiceException ? error.$metadata.httpStatusCode : undefined;
  // DynamoDB messages may quote key values; keep only the error's type and status.
  return new LedgerUnavailableError(`DynamoDB ${operation} failed (${name})`, {
    cause: error,
    details: { operation, awsError: name, status: typeof status === "number" ? status : undefined },
  });
}

/** Returned instead of throwing when a conditional write's condition did not hold. */
export const conditionFailed: unique symbol = Symbol("conditionFailed");
export type ConditionFailed = typeof conditionFailed;

export interface RequestStats {
  reads: number;
  writes: number;
}

/**
 * Runs one DynamoDB request: counts it (failed conditional writes are billed as writes too), turns
 * a failed condition into `conditionFailed` and transient failures into `LedgerUnavailableError`.
 */
export async function runDynamoRequest<T>(
  stats: RequestStats,
  kind: keyof RequestStats,
  operation: string,
  run: () => Promise<T>,
): Promise<T | ConditionFailed> {
  stats[kind]++;
  try {
    return await run();
  } catch (error) {
    if (isConditionalCheckFailed(error)) return conditionFailed;
    throw toLedgerError(error, operation);
  }
}
