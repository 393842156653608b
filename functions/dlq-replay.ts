/**
 * Lambda that moves dead letters back to the orders queue (invoked by hand from the console/CLI,
 * `aws lambda invoke --payload '{"reason":"ST_UNAVAILABLE","dryRun":true}'`). The event is the
 * filter; the answer is the summary (message ids, order keys, reasons — never bodies).
 * Thin by design: the event is read by `parseReplayRequest` (`lib/dlq/replay-request.ts`), the work is
 * `replayDeadLetters` (`lib/dlq/replay.ts`), and `injectLambdaContext` adds the Lambda context to its logs.
 */

import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import * as z from "zod";
import { type ReplayResult, replayDeadLetters } from "../lib/dlq/replay.ts";
import { parseReplayRequest } from "../lib/dlq/replay-request.ts";
import { InvalidMessageError } from "../lib/errors.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { parseEnvironment } from "../lib/validation/environment.ts";

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
  return middy<unknown, ReplayResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      let request: ReturnType<typeof parseReplayRequest>;
      try {
        request = parseReplayRequest(event);
      } catch (error) {
        if (error instanceof InvalidMessageError) {
          logger.error("Invalid replay request", { fieldPaths: error.fieldPaths });
        }
        throw error;
      }
      const deps = dependencies();
      const remaining = context.getRemainingTimeInMillis();
      const result = await replayDeadLetters({
        sqs: deps.sqs,
        dlqUrl: deps.dlqUrl,
        queueUrl: deps.queueUrl,
        filter: request.filter,
        dryRun: request.dryRun,
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
  const env = parseEnvironment(replayEnvironmentSchema, process.env, "DLQ replay environment variables");
  containerDependencies = {
    sqs: new SQSClient(env.SQS_ENDPOINT === undefined ? {} : { endpoint: env.SQS_ENDPOINT }),
    dlqUrl: env.DLQ_URL,
    queueUrl: env.ORDERS_QUEUE_URL,
  };
  return containerDependencies;
}

export const handler = createDlqReplayHandler(dependenciesOnce);
