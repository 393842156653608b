/**
 * The whole pipeline on one machine: local AWS (fauxqs + dynalite), a ServiceTitan (the sandbox, or
 * the real one when settings are given), the real order-sync handler built with the same wiring as
 * in Lambda, and the event-source runner feeding it. `npm start`, the benchmarks and the
 * integration tests all drive the worker through this.
 */
import { randomBytes } from "node:crypto";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createOrderSyncHandler } from "../functions/order-sync.ts";
import type { SyncConfig } from "../lib/config/schema.ts";
import { type CustomerIndex, createCustomerIndex } from "../lib/customer-index/environment.ts";
import { type RefreshOptions, type RefreshResult, refreshCustomerIndex } from "../lib/customer-index/refresh.ts";
import { createServiceTitanClient, type ServiceTitanCallInfo } from "../lib/servicetitan/client.ts";
import type { ServiceTitanSettings } from "../lib/servicetitan/settings.ts";
import type { ServiceTitanHttp } from "../lib/servicetitan/types.ts";
import { createWorkerDependencies } from "../lib/worker/dependencies.ts";
import type { InvocationTiming } from "../lib/worker/invocation-budget.ts";
import type { RecordOutcome, WorkerDependencies, WorkerObserver } from "../lib/worker/process-batch.ts";
import { type LocalAws, startLocalAws } from "./aws.ts";
import { freezableWires } from "./frozen-container.ts";
import { type RunnerStats, startEventSourceRunner } from "./runner.ts";
import { sqsBatchLimit } from "./runner-queue.ts";
import { sqsAdmission, sqsMaxMessageBytes } from "./sqs-admission.ts";
import { encodeLocalBody } from "./sqs-body-codec.ts";

export interface LocalSessionOptions {
  config: SyncConfig;
  /** Where ServiceTitan is: the sandbox's URLs and credentials, or a real environment's. */
  serviceTitan: ServiceTitanSettings;
  /** Calls per second the client allows itself (ServiceTitan: 60 per tenant). */
  maxCallsPerSecond?: number;
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
  /** Records in flight per invocation. */
  recordConcurrency?: number;
  /** Parallel "Lambda containers" polling the queue; each gets its own dependencies, as in AWS. */
  runnerConcurrency?: number;
  batchSize?: number;
  functionTimeoutMs?: number;
  /** Backoff for transient failures; short locally so `npm start` and tests don't wait minutes. */
  retryBackoff?: { baseSeconds: number; maxSeconds: number };
  /** ServiceTitan request timeout per call (default: the client's). */
  serviceTitanTimeoutMs?: number;
  /** The worker's invocation margins (late-write margin etc.; defaults in `invocation-budget.ts`). */
  timing?: InvocationTiming;
  /** Reuse a running local AWS (e.g. a second deployment against the same queues); it is not stopped. */
  aws?: LocalAws;
  /** Keep the DynamoDB tables in this folder across runs (see `local/state-folder.ts`); default in memory. */
  dynamoPath?: string;
  /** Logs and metrics, as the Lambda reports them (e.g. a redacting logger writing to a sink). */
  telemetry?: { observer: WorkerObserver; onServiceTitanCall?: (call: ServiceTitanCallInfo) => void };
  /**
   * HMAC key of the customer index (`CUSTOMER_INDEX_HMAC_KEY`); default: a random key for this
   * session (the local index lives in memory and is built again on every run).
   */
  customerIndexHmacKey?: string;
}

/** What became of one body given to `offer`. */
export type Delivery = { readonly messageId: string } | { readonly refused: string };

export interface LocalSession {
  aws: LocalAws;
  /**
   * One worker container's dependencies per runner lane (their ServiceTitan clients share nothing, as
   * in AWS); a lane whose invocation timed out is frozen and gets a new container here.
   */
  containers: WorkerDependencies[];
  /** Latest outcome per SQS message id, across redeliveries. */
  outcomes: Map<string, RecordOutcome>;
  /** Every outcome in the order they happened. */
  history: RecordOutcome[];
  /**
   * Sends each body as one message and says, per body, what became of it: its message id, or why SQS
   * would refuse it (see sqs-admission.ts). One refused body never stops the others.
   */
  offer(bodies: readonly string[]): Promise<Delivery[]>;
  /** `offer` for callers whose bodies are all valid: the message ids, or an error naming a refused body. */
  send(bodies: readonly string[]): Promise<string[]>;
  /**
   * `deadlineMs` stops after that long whatever happens; `stallMs` stops only when no invocation
   * finished for that long (a loaded machine is slow, not stuck).
   */
  runUntilDrained(options?: {
    deadlineMs?: number;
    stallMs?: number;
    onProgress?: (done: number) => void;
  }): Promise<RunnerStats>;
  /**
   * Test hook: the next invocation does its work, then "dies" before SQS deletes its messages (its
   * records are reported as failed), as a Lambda killed right after its last ledger write would.
   */
  crashAfterNextInvocation(): void;
  /** ServiceTitan calls made by all containers so far. */
  serviceTitanCalls(): number;
  /** The customer index as the containers use it (same table and key). */
  customerIndex: CustomerIndex;
  /**
   * Reads ServiceTitan's export feeds into the index until every feed reaches its end, as the
   * scheduled refresh does (the first call backfills). Its ServiceTitan calls are not counted in
   * `serviceTitanCalls()`.
   */
  refreshIndex(options?: RefreshOptions): Promise<RefreshResult>;
  stop(): Promise<void>;
}

export async function startLocalSession(options: LocalSessionOptions): Promise<LocalSession> {
  const ownsAws = options.aws === undefined;
  const aws =
    options.aws ??
    (await startLocalAws({
      maxReceiveCount: options.maxReceiveCount ?? 5,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 5,
      ...(options.dynamoPath === undefined ? {} : { dynamoPath: options.dynamoPath }),
    }));
  const outcomes = new Map<string, RecordOutcome>();
  const history: RecordOutcome[] = [];
  const telemetry = options.telemetry?.observer;
  const observer: WorkerObserver = {
    recordDone(outcome: RecordOutcome) {
      outcomes.set(outcome.messageId, outcome);
      history.push(outcome);
      telemetry?.recordDone(outcome);
    },
    recordFailure: (error) => telemetry?.recordFailure?.(error),
    flush: () => telemetry?.flush?.(),
  };
  const lanes = options.runnerConcurrency ?? 1;
  const hmacKey = options.customerIndexHmacKey ?? randomBytes(32).toString("hex");
  const indexFor = () => createCustomerIndex({ dynamo: aws.dynamo, tableName: aws.indexTableName, hmacKey });
  const customerIndex = indexFor();
  const refreshHttp = createServiceTitanClient({
    settings: options.serviceTitan,
    maxCallsPerSecond: Math.max(1, Math.floor((options.maxCallsPerSecond ?? 50) / 2)),
  });
  const clients: ServiceTitanHttp[] = [];
  /** A fresh container: its own ServiceTitan client and AWS clients, all cut when it is frozen. */
  const newContainer = () => {
    const wires = freezableWires(aws);
    const http = createServiceTitanClient({
      settings: options.serviceTitan,
      // The tenant's budget is shared by every container.
      maxCallsPerSecond: Math.max(1, Math.floor((options.maxCallsPerSecond ?? 50) / lanes)),
      fetch: wires.fetch,
      ...(options.serviceTitanTimeoutMs ? { timeoutMs: options.serviceTitanTimeoutMs } : {}),
      ...(options.telemetry?.onServiceTitanCall ? { onCall: options.telemetry.onServiceTitanCall } : {}),
    });
    clients.push(http);
    const deps = createWorkerDependencies({
      config: options.config,
      serviceTitan: http,
      dynamo: wires.dynamo,
      sqs: wires.sqs,
      tableName: aws.tableName,
      queueUrl: aws.queueUrl,
      dlqUrl: aws.dlqUrl,
      maxReceiveCount: aws.maxReceiveCount,
      ...(options.recordConcurrency ? { recordConcurrency: options.recordConcurrency } : {}),
      ...(options.retryBackoff ? { retryBackoff: options.retryBackoff } : {}),
      customerIndex: indexFor(),
      ...(options.timing ? { timing: options.timing } : {}),
      // A frozen container reports nothing more: its late outcomes never happened.
      observer: {
        recordDone: (outcome) => wires.signal.aborted || observer.recordDone(outcome),
        recordFailure: (error) => wires.signal.aborted || observer.recordFailure?.(error),
        flush: () => wires.signal.aborted || observer.flush?.(),
      },
    });
    return { deps, freeze: wires.freeze };
  };
  const lanesState = Array.from({ length: lanes }, newContainer);
  const containers = lanesState.map((lane) => lane.deps);

  let crashNext = false;
  return {
    aws,
    containers,
    crashAfterNextInvocation() {
      crashNext = true;
    },
    outcomes,
    history,
    offer: (bodies) => offerBodies(aws, bodies),
    async send(bodies) {
      const deliveries = await offerBodies(aws, bodies);
      return deliveries.map((delivery, index) => {
        if ("refused" in delivery) throw new Error(`Message ${index + 1} was not sent: ${delivery.refused}`);
        return delivery.messageId;
      });
    },
    async runUntilDrained(run = {}) {
      let stallTimer: NodeJS.Timeout | undefined;
      const watchStall = () => {
        if (run.stallMs === undefined) return;
        clearTimeout(stallTimer);
        stallTimer = setTimeout(() => {
          for (const runner of runners) void runner.stop();
        }, run.stallMs);
      };
      // Each lane is one "container": its own handler over its own dependencies.
      const runners = lanesState.map((_, lane) => {
        // Lambda starts a new execution environment after a timeout: so does the lane.
        const current = () => lanesState[lane] as ReturnType<typeof newContainer>;
        const realHandler = createOrderSyncHandler(async () => current().deps) as (
          event: SQSEvent,
          context: Context,
        ) => Promise<SQSBatchResponse>;
        const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
          const response = await realHandler(event, context);
          if (!crashNext) return response;
          crashNext = false;
          return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
        };
        return startEventSourceRunner({
          sqs: aws.sqs,
          queueUrl: aws.queueUrl,
          queueArn: aws.queueArn,
          handler,
          batchSize: options.batchSize ?? 10,
          // Lambda requires the queue's visibility timeout to be at least the function timeout.
          functionTimeoutMs: options.functionTimeoutMs ?? aws.visibilityTimeoutSeconds * 1000,
          waitTimeSeconds: 1,
          ...(run.deadlineMs ? { deadlineMs: run.deadlineMs } : {}),
          onBatch: () => {
            watchStall();
            run.onProgress?.(countFinished(outcomes));
          },
          onTimeout: () => {
            current().freeze();
            lanesState[lane] = newContainer();
            containers[lane] = current().deps;
          },
        });
      });
      watchStall();
      const stats = await Promise.all(runners.map((r) => r.done)).finally(() => clearTimeout(stallTimer));
      const [first, ...rest] = stats as [RunnerStats, ...RunnerStats[]];
      const total = { ...first };
      for (const s of rest) {
        total.batches += s.batches;
        total.invocations += s.invocations;
        total.received += s.received;
        total.deleted += s.deleted;
        total.reportedFailures += s.reportedFailures;
        total.handlerErrors += s.handlerErrors;
        total.released += s.released;
        // Drained only if every lane saw the queue drained.
        if (s.stoppedBy !== "drained") total.stoppedBy = s.stoppedBy;
      }
      return total;
    },
    serviceTitanCalls: () => clients.reduce((sum, c) => sum + c.stats.calls, 0),
    customerIndex,
    refreshIndex: (refresh = {}) =>
      refreshCustomerIndex({ http: refreshHttp, store: customerIndex.store, keys: customerIndex.keys }, refresh),
    async stop() {
      if (ownsAws) await aws.stop();
    },
  };
}

/**
 * Batches of at most 10 entries and at most 1 MiB in all (SendMessageBatch's limits), so one large
 * body travels alone instead of sinking its neighbours' batch. Bodies SQS would refuse are not sent.
 */
async function offerBodies(aws: LocalAws, bodies: readonly string[]): Promise<Delivery[]> {
  const deliveries: Delivery[] = bodies.map((body) => {
    const admission = sqsAdmission(body);
    return admission.accepted ? { messageId: "" } : { refused: admission.why };
  });
  const batches: number[][] = [];
  let batch: number[] = [];
  let batchBytes = 0;
  for (const [index, body] of bodies.entries()) {
    if ("refused" in (deliveries[index] ?? {})) continue;
    const bytes = Buffer.byteLength(encodeLocalBody(body), "utf8");
    if (batch.length === sqsBatchLimit || (batch.length > 0 && batchBytes + bytes > sqsMaxMessageBytes)) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(index);
    batchBytes += bytes;
  }
  if (batch.length > 0) batches.push(batch);

  for (const indexes of batches) {
    const result = await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: aws.queueUrl,
        Entries: indexes.map((index) => ({ Id: String(index), MessageBody: bodies[index] })),
      }),
    );
    for (const entry of result.Successful ?? []) deliveries[Number(entry.Id)] = { messageId: entry.MessageId ?? "" };
    for (const entry of result.Failed ?? []) {
      deliveries[Number(entry.Id)] = {
        refused: `the local queue refused it: ${entry.Code ?? "error"}: ${entry.Message ?? ""}`,
      };
    }
  }
  return deliveries;
}

function countFinished(outcomes: ReadonlyMap<string, RecordOutcome>): number {
  let done = 0;
  for (const outcome of outcomes.values()) if (outcome.status !== "retry") done++;
  return done;
}
