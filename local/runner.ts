/**
 * A local stand-in for Lambda's SQS event source mapping: pollers receive from the queue, build a real
 * `SQSEvent`, invoke the handler with a Lambda `Context`, and delete what the handler's outcome says
 * Lambda would delete. Everything else is left to SQS itself — visibility timeouts bring failed messages
 * back, the queue's redrive policy moves them to the DLQ after `maxReceiveCount` receives — so the same
 * queue configuration produces the same retry behaviour locally as in AWS.
 *
 * Modelled (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html and services-sqs-parameters.html):
 * batch size (1–10,000 for standard queues, more than 10 only with a batching window), the batching
 * window, partial batch responses (`ReportBatchItemFailures`), whole-batch failure on throw/timeout,
 * a maximum concurrency of parallel pollers/invocations.
 * Not modelled: the 6 MB invocation payload limit, FIFO message-group ordering across pollers, event
 * filtering, Lambda's automatic poller scaling and throttling backoff, and the at-least-once duplicate
 * deliveries Lambda can make on its own.
 */
import { randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { createLambdaContext, defaultLocalFunctionName } from "./lambda-context.ts";
import { parseQueueArn, toSqsRecord } from "./runner-event.ts";
import { countMessages, deleteMessages, type QueueRef, receiveMessages, releaseMessages } from "./runner-queue.ts";
import { BatchVerdict, type InvocationOutcome, settleBatch } from "./runner-response.ts";

/** `void` on purpose: middy handlers and plain `async () => {}` handlers resolve with nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: matches aws-lambda's SQSHandler, which async handlers satisfy.
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface BatchInfo {
  records: number;
  /** Records left on the queue: the reported failures, or the whole batch when the invocation failed. */
  failed: number;
  durationMs: number;
  /** The handler threw, rejected or exceeded `functionTimeoutMs`. */
  threw: boolean;
}

export interface EventSourceRunnerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  /** `awsRegion` of the records; defaults to the region in `queueArn`. */
  region?: string;
  handler: SqsHandler;
  /**
   * Records per invocation, default 10. Up to 10 come from one ReceiveMessage; larger batches (up to
   * Lambda's 10,000 for standard queues) are filled by several receives and, as in Lambda, need a
   * batching window (Lambda: BatchSize > 10 requires MaximumBatchingWindowInSeconds ≥ 1).
   */
  batchSize?: number;
  /**
   * Default 0: invoke with what one receive returned. Otherwise keep receiving after the first record
   * arrived until `batchSize` records are collected or the window has elapsed, whichever comes first.
   * Lambda counts the window in whole seconds; milliseconds are allowed here to keep tests short.
   */
  maximumBatchingWindowMs?: number;
  /** Default 1: parallel pollers, each running at most one invocation at a time (like ScalingConfig.MaximumConcurrency). */
  concurrency?: number;
  /**
   * Default 60,000. `context.getRemainingTimeInMillis()` counts down from this, and an invocation still
   * running when it reaches 0 counts as failed (Lambda ends it with "Task timed out"), so its whole
   * batch returns. Node cannot kill the promise: `onTimeout` is where the caller freezes the handler.
   */
  functionTimeoutMs?: number;
  /**
   * Called when an invocation reaches `functionTimeoutMs`, before its batch is settled. Lambda freezes
   * the execution environment there and starts a fresh one for the next invocation; the caller cuts
   * the timed-out handler's connections here (see `frozen-container.ts`) so it can't write on.
   */
  onTimeout?: () => void;
  /** Long-poll seconds per empty receive (0–20), default 1; also bounds how long `stop()` waits for a poll. */
  waitTimeSeconds?: number;
  /** Default true: stop once the queue holds no visible, in-flight or delayed message and no batch runs. */
  stopWhenDrained?: boolean;
  /** Stop this many ms after start whatever the queue holds (running batches still finish). */
  deadlineMs?: number;
  functionName?: string;
  /** Called after each invocation's deletions, for progress output and benchmarks. */
  onBatch?: (info: BatchInfo) => void;
  /**
   * Called with what an invocation threw (Lambda would log it); timeouts and invalid batch responses pass
   * an Error describing them. A callback that throws stops the runner and rejects `done`, like an SQS error.
   */
  onHandlerError?: (error: unknown) => void;
}

export const StopReason = { Drained: "drained", Deadline: "deadline", Stopped: "stopped" } as const;
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

export interface RunnerStats {
  /** ReceiveMessage responses that returned at least one message and went to the handler. */
  batches: number;
  /** Handler invocations (one per collected batch; a batching window may merge several receives). */
  invocations: number;
  /** Records handed to the handler, counting every redelivery again. */
  received: number;
  /** Messages deleted after the handler's outcome. */
  deleted: number;
  /** Records left on the queue because a valid partial batch response listed them. */
  reportedFailures: number;
  /** Invocations Lambda treats as a complete failure: threw, timed out or returned an invalid batch response. */
  handlerErrors: number;
  /** Messages received after a stop was requested and made visible again without invoking the handler. */
  released: number;
  stoppedBy: StopReason;
}

export interface EventSourceRunner {
  /** Resolves once every poller has exited; rejects if an SQS call failed (after the other pollers exit). */
  done: Promise<RunnerStats>;
  /** Requests a stop and resolves like `done`: no new receives, running batches finish and delete. */
  stop(): Promise<RunnerStats>;
}

interface Settings {
  batchSize: number;
  windowMs: number;
  concurrency: number;
  functionTimeoutMs: number;
  waitTimeSeconds: number;
  stopWhenDrained: boolean;
  deadlineMs: number | undefined;
  functionName: string;
  region: string;
  accountId: string;
}

const lambdaMaxBatchSize = 10_000;
const fifoMaxBatchSize = 10;
/** While a window is open and a short poll came back empty, wait this long before asking again. */
const windowPollIntervalMs = 25;
/** Pause between empty short polls when waitTimeSeconds is 0. */
const idlePollIntervalMs = 50;

export function startEventSourceRunner(options: EventSourceRunnerOptions): EventSourceRunner {
  const settings = resolveSettings(options);
  const queue: QueueRef = { sqs: options.sqs, queueUrl: options.queueUrl };
  const source = { queueArn: options.queueArn, region: settings.region, accountId: settings.accountId };
  const stats: Omit<RunnerStats, "stoppedBy"> = {
    batches: 0,
    invocations: 0,
    received: 0,
    deleted: 0,
    reportedFailures: 0,
    handlerErrors: 0,
    released: 0,
  };
  let stopReason: StopReason | undefined;
  /** Batches between their first non-empty receive and the end of their deletions, across all pollers. */
  let activeBatches = 0;
  /** Bumped whenever a batch starts, so a drain probe can tell that one started while it was waiting. */
  let batchGeneration = 0;

  const requestStop = (reason: StopReason) => {
    stopReason ??= reason;
  };
  const deadlineTimer =
    settings.deadlineMs === undefined ? undefined : setTimeout(() => requestStop("deadline"), settings.deadlineMs);

  /**
   * The first receive of a batch long-polls. Messages that arrive after a stop was requested are made
   * visible again instead of starting a batch, so stopping never waits for a handler that has not begun.
   */
  const receiveFirst = async (): Promise<SQSRecord[]> => {
    const messages = await receiveMessages(queue, settings.batchSize, settings.waitTimeSeconds);
    if (messages.length === 0) return [];
    if (stopReason !== undefined) {
      await releaseMessages(
        queue,
        messages.flatMap((message) => (message.ReceiptHandle === undefined ? [] : [message.ReceiptHandle])),
      );
      stats.released += messages.length;
      return [];
    }
    stats.batches++;
    return messages.map((message) => toSqsRecord(message, source, Date.now()));
  };

  /** Keeps receiving until batchSize records are collected or the window (opened by the first record) closes. */
  const fillBatch = async (records: SQSRecord[]): Promise<SQSRecord[]> => {
    const windowEnd = Date.now() + settings.windowMs;
    while (records.length < settings.batchSize && stopReason === undefined) {
      const remainingMs = windowEnd - Date.now();
      if (remainingMs <= 0) break;
      // WaitTimeSeconds is whole seconds: long-poll only while that fits in the window, else short-poll.
      const waitSeconds = Math.min(settings.waitTimeSeconds, Math.floor(remainingMs / 1000));
      const more = await receiveMessages(queue, settings.batchSize - records.length, waitSeconds);
      if (more.length > 0) {
        stats.batches++;
        records.push(...more.map((message) => toSqsRecord(message, source, Date.now())));
      } else if (waitSeconds === 0) {
        await sleep(Math.min(windowPollIntervalMs, Math.max(0, windowEnd - Date.now())));
      }
    }
    return records;
  };

  const invoke = async (records: SQSRecord[]): Promise<void> => {
    const startedAt = Date.now();
    const context = createLambdaContext({
      functionName: settings.functionName,
      timeoutMs: settings.functionTimeoutMs,
      awsRequestId: randomUUID(),
      region: settings.region,
      accountId: settings.accountId,
    });
    stats.invocations++;
    stats.received += records.length;
    // The handler gets its own copy: whatever it does to the event cannot change what gets deleted.
    const event: SQSEvent = { Records: structuredClone(records) };
    const outcome = await invokeWithTimeout(options.handler, event, context, settings.functionTimeoutMs);
    if (outcome.kind === "threw") options.onHandlerError?.(outcome.error);
    if (outcome.kind === "timedOut") {
      options.onTimeout?.();
      options.onHandlerError?.(new Error(`Task timed out after ${settings.functionTimeoutMs} ms`));
    }

    const settlement = settleBatch(records, outcome);
    if (settlement.verdict === BatchVerdict.InvalidResponse) {
      options.onHandlerError?.(
        new Error("The handler's batch response is invalid (empty or unknown itemIdentifier): whole batch failed"),
      );
    }
    // Not `stats.deleted += await …`: that reads the counter before the await and loses other pollers' updates.
    const deleted = await deleteMessages(
      queue,
      settlement.toDelete.map((record) => record.receiptHandle),
    );
    stats.deleted += deleted;
    if (settlement.verdict === BatchVerdict.Partial) stats.reportedFailures += settlement.failedCount;
    if (settlement.verdict === BatchVerdict.InvocationFailed || settlement.verdict === BatchVerdict.InvalidResponse) {
      stats.handlerErrors++;
    }
    options.onBatch?.({
      records: records.length,
      failed: settlement.failedCount,
      durationMs: Date.now() - startedAt,
      threw: settlement.verdict === BatchVerdict.InvocationFailed,
    });
  };

  /**
   * Drained means no message exists anywhere in the queue and no batch of this runner is running, checked
   * on both sides of the probe. Other runners on the same queue keep their messages in flight while they
   * work, so they show up in the count.
   */
  const isDrained = async (): Promise<boolean> => {
    if (activeBatches > 0) return false;
    const generation = batchGeneration;
    const count = await countMessages(queue);
    return count === 0 && activeBatches === 0 && generation === batchGeneration;
  };

  const stopIfDrained = async (): Promise<void> => {
    if (settings.stopWhenDrained && stopReason === undefined && (await isDrained())) requestStop("drained");
  };

  const poll = async (): Promise<void> => {
    while (stopReason === undefined) {
      const first = await receiveFirst();
      if (first.length === 0) {
        await stopIfDrained();
        // Short polling (waitTimeSeconds 0) on an idle queue would otherwise spin.
        if (settings.waitTimeSeconds === 0 && stopReason === undefined) await sleep(idlePollIntervalMs);
        continue;
      }
      activeBatches++;
      batchGeneration++;
      try {
        await invoke(await fillBatch(first));
      } finally {
        activeBatches--;
      }
      // Probe right after a batch rather than after the next (empty) long poll, so a drained runner
      // stops without waiting out waitTimeSeconds. One GetQueueAttributes per batch is cheap on loopback.
      await stopIfDrained();
    }
  };

  const done = (async (): Promise<RunnerStats> => {
    const results = await Promise.allSettled(
      Array.from({ length: settings.concurrency }, async () => {
        try {
          await poll();
        } catch (error) {
          // One poller's SQS failure stops the others; `done` rejects once they have all exited.
          requestStop("stopped");
          throw error;
        }
      }),
    );
    clearTimeout(deadlineTimer);
    const failure = results.find((result) => result.status === "rejected");
    if (failure) throw failure.reason;
    return { ...stats, stoppedBy: stopReason ?? "stopped" };
  })();

  return {
    done,
    stop: () => {
      requestStop("stopped");
      return done;
    },
  };
}

async function invokeWithTimeout(
  handler: SqsHandler,
  event: SQSEvent,
  context: Context,
  timeoutMs: number,
): Promise<InvocationOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<InvocationOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timedOut" }), timeoutMs);
  });
  // The async wrapper turns a synchronous throw into a rejection; both handlers of `then` keep a
  // handler that finishes after its timeout from becoming an unhandled rejection.
  const ran = (async () => handler(event, context))().then(
    (value): InvocationOutcome => ({ kind: "returned", value }),
    (error: unknown): InvocationOutcome => ({ kind: "threw", error }),
  );
  try {
    return await Promise.race([ran, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function resolveSettings(options: EventSourceRunnerOptions): Settings {
  const arn = parseQueueArn(options.queueArn);
  const batchSize = options.batchSize ?? 10;
  const windowMs = options.maximumBatchingWindowMs ?? 0;
  const concurrency = options.concurrency ?? 1;
  const functionTimeoutMs = options.functionTimeoutMs ?? 60_000;
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const isFifo = arn.queueName.endsWith(".fifo");

  requireInteger("batchSize", batchSize, 1, isFifo ? fifoMaxBatchSize : lambdaMaxBatchSize);
  requireInteger("maximumBatchingWindowMs", windowMs, 0, 300_000);
  requireInteger("concurrency", concurrency, 1, 1000);
  requireInteger("functionTimeoutMs", functionTimeoutMs, 1, 900_000);
  requireInteger("waitTimeSeconds", waitTimeSeconds, 0, 20);
  if (options.deadlineMs !== undefined) requireInteger("deadlineMs", options.deadlineMs, 0, Number.MAX_SAFE_INTEGER);
  if (batchSize > 10 && windowMs === 0) {
    throw new RangeError("batchSize > 10 needs maximumBatchingWindowMs > 0 (Lambda rejects it without a window)");
  }
  if (isFifo && windowMs > 0) throw new RangeError("Lambda does not support a batching window for FIFO queues");

  return {
    batchSize,
    windowMs,
    concurrency,
    functionTimeoutMs,
    waitTimeSeconds,
    stopWhenDrained: options.stopWhenDrained ?? true,
    deadlineMs: options.deadlineMs,
    functionName: options.functionName ?? defaultLocalFunctionName,
    region: options.region ?? arn.region,
    accountId: arn.accountId,
  };
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
