/**
 * Lambda that moves dead letters back to the orders queue (invoked by hand from the console/CLI,
 * `aws lambda invoke --payload '{"reason":"ST_UNAVAILABLE","dryRun":true}'`). The event is the
 * filter; the answer is the summary (message ids, order keys, reasons — never bodies).
 * Thin by design: the work is `replayDeadLetters` in `lib/dlq/replay.ts`.
 */

import type { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import * as z from "zod";
import { type ReplayResult, replayDeadLetters } from "../lib/dlq/replay.ts";
import { ConfigError, ReasonCode } from "../lib/errors.ts";
import { createLogger } from "../lib/observability/logger.ts";

const reasonCodes = Object.values(ReasonCode) as [ReasonCode, ...ReasonCode[]];

export const dlqReplayEventSchema = z.strictObject({
  orderId: z.string().min(1).max(64).optional(),
  store: z.string().min(1).max(64).optional(),
  reason: z.enum(reasonCodes).optional(),
  olderThanMinutes: z
    .number()
    .nonnegative()
    .max(60 * 24 * 14)
    .optional(),
  newerThanMinutes: z
    .number()
    .positive()
    .max(60 * 24 * 14)
    .optional(),
  limit: z.number().int().positive().max(100_000).optional(),
  dryRun: z.boolean().optional(),
});
export type DlqReplayEvent = z.infer<typeof dlqReplayEventSchema>;

const replayEnvironmentSchema = z.object({
  DLQ_URL: z.string().min(1),
  ORDERS_QUEUE_URL: z.string().min(1),
  /** Local emulators only. */
  SQS_ENDPOINT: z.string().url().optional(),
});

export interface DlqReplayDependencies {
  sqs: SQSClient;
  dlqUrl: string;
  queueUrl: string;
  /** Receive long-poll; the default (1 s) suits real SQS, tests use 0. */
  waitTimeSeconds?: number;
}

/** Time kept back from the Lambda timeout to release held messages and answer. */
const safetyMarginMs = 20_000;

export function createDlqReplayHandler(dependencies: () => DlqReplayDependencies, options: { logger?: Logger } = {}) {
  const logger =
    options.logger ?? createLogger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "order-sync-dlq-replay" });
  return middy<unknown, ReplayResult, Error, Context>().handler(async (event, context) => {
    const parsed = dlqReplayEventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      const paths = parsed.error.issues.map((issue) => issue.path.map(String).join(".") || "$");
      logger.error("Invalid replay request", { fieldPaths: paths });
      throw new Error(`Invalid replay request: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
    }
    const request = parsed.data;
    const deps = dependencies();
    const remaining = typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : 0;
    const result = await replayDeadLetters({
      sqs: deps.sqs,
      dlqUrl: deps.dlqUrl,
      queueUrl: deps.queueUrl,
      filter: {
        ...(request.orderId === undefined ? {} : { orderId: request.orderId }),
        ...(request.store === undefined ? {} : { store: request.store }),
        ...(request.reason === undefined ? {} : { reason: request.reason }),
        ...(request.olderThanMinutes === undefined ? {} : { olderThanMs: request.olderThanMinutes * 60_000 }),
        ...(request.newerThanMinutes === undefined ? {} : { newerThanMs: request.newerThanMinutes * 60_000 }),
        ...(request.limit === undefined ? {} : { limit: request.limit }),
      },
      dryRun: request.dryRun ?? false,
      ...(deps.waitTimeSeconds === undefined ? {} : { waitTimeSeconds: deps.waitTimeSeconds }),
      ...(remaining > safetyMarginMs ? { stopAtMs: Date.now() + remaining - safetyMarginMs } : {}),
    });
    const summary = {
      dryRun: result.dryRun,
      moved: result.moved.length,
      skipped: result.skipped,
      scanned: result.scanned,
      failed: result.failed.length,
      complete: result.complete,
      limitReached: result.limitReached,
    };
    if (result.failed.length > 0)
      logger.error("DLQ replay stopped: the orders queue refused messages", { summary, failures: result.failed });
    else logger.info("DLQ replay finished", { summary });
    return result;
  });
}

let containerDependencies: DlqReplayDependencies | undefined;

/** Created on the first invocation and reused by every later one in this container. */
function dependenciesOnce(): DlqReplayDependencies {
  if (containerDependencies !== undefined) return containerDependencies;
  const parsed = replayEnvironmentSchema.safeParse(process.env);
  if (!parsed.success) {
    const key = parsed.error.issues[0]?.path.map(String).join(".") ?? "environment";
    throw new ConfigError(
      ReasonCode.ConfigInvalid,
      key,
      `DLQ replay environment variable ${key} is missing or invalid`,
    );
  }
  const env = parsed.data;
  containerDependencies = {
    sqs: new SQSClient(env.SQS_ENDPOINT === undefined ? {} : { endpoint: env.SQS_ENDPOINT }),
    dlqUrl: env.DLQ_URL,
    queueUrl: env.ORDERS_QUEUE_URL,
  };
  return containerDependencies;
}

export const handler = createDlqReplayHandler(dependenciesOnce);
