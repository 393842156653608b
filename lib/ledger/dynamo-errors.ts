/**
 * How an AWS SDK failure from DynamoDB is classified. A failed condition is not an error for the
 * ledger, it is the answer (someone else wrote first). Throttling, 5xx and failures with no HTTP
 * response at all (connection refused/reset, timeouts) are worth retrying: the SDK has already
 * retried them with back-off, so they surface as `LedgerUnavailableError` and SQS redelivers the
 * order later. Anything else (ValidationException, ResourceNotFoundException, AccessDenied…) is a
 * bug or misconfiguration and is rethrown as is.
 */
import { LedgerUnavailableError } from "../errors.ts";

const throttlingErrorNames = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
]);

interface SdkErrorShape {
  name?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

export function isTransientDynamoError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const shape = error as SdkErrorShape;
  if (typeof shape.name === "string" && throttlingErrorNames.has(shape.name)) return true;
  if (shape.$fault === "server") return true;
  if (shape.$metadata === undefined) {
    // Raised before any request was sent (e.g. a value the marshaller refuses): a bug, not an outage.
    return false;
  }
  const status = shape.$metadata.httpStatusCode;
  // Sent but no HTTP status: the request never got an answer (connection refused/reset, socket timeout).
  return typeof status === "number" ? status >= 500 : true;
}

/** Rethrow-ready: a `LedgerUnavailableError` for transient failures, the original error otherwise. */
export function toLedgerError(error: unknown, operation: string): unknown {
  if (!isTransientDynamoError(error)) return error;
  const name = error instanceof Error ? error.name : typeof error;
  const status = (error as SdkErrorShape).$metadata?.httpStatusCode;
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
