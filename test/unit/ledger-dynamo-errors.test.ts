/**
 * DynamoDB failures are classified by the SDK's exception classes, never by an error's name: an
 * error that merely calls itself `ConditionalCheckFailedException` or `ThrottlingException` is not
 * one.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { LedgerUnavailableError } from "../../lib/errors.ts";
import {
  conditionFailed,
  isConditionalCheckFailed,
  isTransientDynamoError,
  runDynamoRequest,
} from "../../lib/ledger/dynamo-errors.ts";

const metadata = { httpStatusCode: 400, requestId: "req-1", attempts: 1, totalRetryDelay: 0 };

function namedError(name: string, extra: object = {}): Error {
  return Object.assign(new Error("impostor"), { name }, extra);
}

describe("DynamoDB error classification", () => {
  it("treats only the SDK's ConditionalCheckFailedException as a failed condition", async () => {
    // Prepare
    const real = new ConditionalCheckFailedException({
      message: "The conditional request failed",
      $metadata: metadata,
    });
    const impostor = namedError("ConditionalCheckFailedException");
    const stats = { reads: 0, writes: 0 };

    // Act
    const answer = await runDynamoRequest(stats, "writes", "PutItem", () => Promise.reject(real));
    const rethrown = runDynamoRequest(stats, "writes", "PutItem", () => Promise.reject(impostor));

    // Assess
    expect(isConditionalCheckFailed(real)).toBe(true);
    expect(isConditionalCheckFailed(impostor)).toBe(false);
    expect(answer).toBe(conditionFailed);
    await expect(rethrown).rejects.toBe(impostor);
    expect(stats.writes).toBe(2);
  });

  it("retries throttling and server faults, not client faults or errors raised before sending", async () => {
    // Prepare
    const throttled = new ProvisionedThroughputExceededException({ message: "slow down", $metadata: metadata });
    const throttling = new ThrottlingException({ message: "slow down", $metadata: metadata });
    const serverFault = new DynamoDBServiceException({
      name: "ServiceUnavailable",
      $fault: "server",
      $metadata: { ...metadata, httpStatusCode: 503 },
    });
    const clientFault = new DynamoDBServiceException({
      name: "ValidationException",
      $fault: "client",
      $metadata: metadata,
    });
    const unanswered = Object.assign(new Error("connect ECONNREFUSED"), { $metadata: { attempts: 3 } });
    const nameOnly = namedError("ThrottlingException");

    // Act
    const transient = [throttled, throttling, serverFault, unanswered].map(isTransientDynamoError);
    const permanent = [clientFault, nameOnly, "ThrottlingException"].map(isTransientDynamoError);
    const wrapped = runDynamoRequest({ reads: 0, writes: 0 }, "reads", "GetItem", () => Promise.reject(throttled));

    // Assess
    expect(transient).toEqual([true, true, true, true]);
    expect(permanent).toEqual([false, false, false]);
    await expect(wrapped).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(wrapped).rejects.toMatchObject({
      details: { awsError: "ProvisionedThroughputExceededException", status: 400 },
    });
  });
});
