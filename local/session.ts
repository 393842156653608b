/**
 * The whole pipeline on one machine: local AWS (fauxqs + dynalite), a ServiceTitan (the sandbox, or
 * the real one when settings are given), the real order-sync handler built with the same wiring as
 * in Lambda, and the event-source runner feeding it. `npm start`, the benchmarks and the
 * integration tests all drive the worker through this.
 */
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createOrderSyncHandler } from "../functions/order-sync.ts";
import type { SyncConfig } from "../lib/config/schema.ts";
import { createServiceTitanClient, type ServiceTitanCallInfo } from "../lib/servicetitan/client.ts";
import type { ServiceTitanSettings } from "../lib/servicetitan/settings.ts";
import type { ServiceTitanHttp } from "../lib/servicetitan/types.ts";
import { createWorkerDependencies } from "../lib/worker/dependencies.ts";
import type { InvocationTiming } from "../lib/worker/invocation-budget.ts";
import type { RecordOutcome, WorkerDependencies, WorkerObserver } from "../lib/worker/process-batch.ts";
import { type LocalAws, startLocalAws } from "./aws.ts";
import { freezableWires } from "./frozen-container.ts";
import { type RunnerStats, startEventSourceRunner } from "./runner.ts";

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
  /** Logs and metrics, as the Lambda reports them (e.g. a redacting logger writing to a sink). */
  telemetry?: { observer: WorkerObserver; onServiceTitanCall?: (call: ServiceTitanCallInfo) => void };
}

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
  stop(): Promise<void>;
}

export async function startLocalSession(options: LocalSessionOptions): Promise<LocalSession> {
  const ownsAws = options.aws === undefined;
  const aws =
    options.aws ??
    (await startLocalAws({
      maxReceiveCount: options.maxReceiveCount ?? 5,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 5,
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
    async send(bodies) {
      const ids: string[] = [];
      for (let start = 0; start < bodies.length; start += 10) {
        const chunk = bodies.slice(start, start + 10);
        const result = await aws.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: aws.queueUrl,
            Entries: chunk.map((body, i) => ({ Id: String(start + i), MessageBody: body })),
          }),
        );
        const byId = new Map((result.Successful ?? []).map((entry) => [entry.Id, entry.MessageId]));
        if ((result.Failed ?? []).length > 0) throw new Error(`fauxqs refused ${result.Failed?.length} messages`);
        ids.push(...chunk.map((_, i) => byId.get(String(start + i)) ?? ""));
      }
      return ids;
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
    async stop() {
      if (ownsAws) await aws.stop();
    },
  };
}

function countFinished(outcomes: ReadonlyMap<string, RecordOutcome>): number {
  let done = 0;
  for (const outcome of outcomes.values()) if (outcome.status !== "retry") done++;
  return done;
}
