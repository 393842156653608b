/**
 * A Lambda `Context` for running handlers outside Lambda (the local event-source runner, tests,
 * benchmarks). The fields follow the Node.js runtime's context object
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html) so code that logs
 * `awsRequestId`/`functionName` or budgets work with `getRemainingTimeInMillis()` behaves as deployed.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Context } from "aws-lambda";

export interface LambdaContextOptions {
  functionName?: string;
  /** The function's configured timeout; `getRemainingTimeInMillis()` counts down from it, starting now. */
  timeoutMs: number;
  /** Lambda gives every invocation (including each retry of the same batch) a fresh request id. */
  awsRequestId?: string;
  /** Used for `invokedFunctionArn`; defaults to us-east-1 like the local emulators. */
  region?: string;
  /** Used for `invokedFunctionArn`; fauxqs and other emulators use the all-zero account. */
  accountId?: string;
  /** Lambda's default memory size is 128 MB; the value is a string in the real context too. */
  memoryLimitInMB?: number;
}

export const defaultLocalFunctionName = "order-sync-local";

/**
 * The deadline is measured with the monotonic clock: Lambda's own countdown does not jump when the
 * wall clock is adjusted, and a local NTP step must not make a handler think it ran out of time.
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new RangeError("createLambdaContext: timeoutMs must be a positive number of milliseconds");
  }
  const functionName = options.functionName ?? defaultLocalFunctionName;
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "000000000000";
  const deadline = performance.now() + options.timeoutMs;

  return {
    // The Node.js runtime's default; only meaningful for callback-style handlers.
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 128),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${logStreamDate(new Date())}/[$LATEST]${randomBytes(16).toString("hex")}`,
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(deadline - performance.now())),
    // The legacy completion callbacks only exist for pre-async handlers and are gone from the
    // Node.js 24 runtime: an async handler that calls them has a bug, so fail loudly instead of
    // silently ignoring a result.
    done: unsupportedCallback("done"),
    fail: unsupportedCallback("fail"),
    succeed: unsupportedCallback("succeed"),
  };
}

function unsupportedCallback(name: string): () => never {
  return () => {
    throw new Error(`context.${name}() is not supported: return or throw from the async handler instead`);
  };
}

/** Lambda names log streams `YYYY/MM/DD/[$LATEST]<32 hex>` (UTC date of the execution environment start). */
function logStreamDate(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${now.getUTCFullYear()}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}`;
}
