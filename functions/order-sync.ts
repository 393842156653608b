/**
 * Lambda entry point for the orders queue (SQS event source with `ReportBatchItemFailures`).
 * Thin by design: dependencies are built once per container, each batch goes to `processBatch`,
 * and the records to retry come back as `batchItemFailures`. Powertools' middy middleware adds the
 * Lambda context to every log line (`injectLambdaContext`) and publishes the invocation's metrics
 * (`logMetrics`), also when the handler throws.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { ServiceTitanAuthError } from "../lib/errors.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { createMetrics } from "../lib/observability/metrics.ts";
import { dependenciesFromEnvironment, lambdaTelemetry } from "../lib/worker/environment.ts";
import { processBatch, type WorkerDependencies } from "../lib/worker/process-batch.ts";

export interface OrderSyncHandlerTelemetry {
  /** Gets the Lambda context on every line. */
  logger?: Logger;
  /** Published at the end of every invocation. */
  metrics?: Metrics;
}

export function createOrderSyncHandler(
  dependencies: () => Promise<WorkerDependencies>,
  telemetry: OrderSyncHandlerTelemetry = {},
) {
  const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>();
  if (telemetry.logger) handler.use(injectLambdaContext(telemetry.logger, { resetKeys: true }));
  if (telemetry.metrics) handler.use(logMetrics(telemetry.metrics));
  // middy aborts `signal` just before the timeout; the batch itself stops earlier and reports a
  // partial response, so a slow batch never fails whole (which would redeliver finished records).
  return handler.handler(async (event, context, { signal }) =>
    processBatch(event.Records, await dependencies(), context, signal),
  );
}

const logger = createLogger();
const metrics = createMetrics();
let containerDependencies: Promise<WorkerDependencies> | undefined;
let credentialsRejected = false;

/**
 * Created on the first invocation and reused by every later one in this container — until
 * ServiceTitan rejects the credentials: then the next invocation builds them again, re-reading the
 * Secrets Manager secret, so a rotated secret is picked up without waiting for new containers.
 */
function dependenciesOnce(): Promise<WorkerDependencies> {
  if (credentialsRejected) {
    credentialsRejected = false;
    containerDependencies = undefined;
  }
  containerDependencies ??= dependenciesFromEnvironment(
    process.env,
    watchCredentials(lambdaTelemetry(logger, metrics)),
  ).catch((error: unknown) => {
    containerDependencies = undefined;
    throw error;
  });
  return containerDependencies;
}

function watchCredentials(telemetry: ReturnType<typeof lambdaTelemetry>): ReturnType<typeof lambdaTelemetry> {
  const { observer } = telemetry;
  return {
    ...telemetry,
    observer: {
      ...observer,
      recordFailure(error) {
        observer.recordFailure?.(error);
        if (error instanceof ServiceTitanAuthError) credentialsRejected = true;
      },
    },
  };
}

export const handler = createOrderSyncHandler(dependenciesOnce, { logger, metrics });
