/**
 * Lambda entry point for the orders queue (SQS event source with `ReportBatchItemFailures`).
 * Thin by design: dependencies are built once per container, each batch goes to `processBatch`,
 * and the records to retry come back as `batchItemFailures`.
 */
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { ServiceTitanAuthError } from "../lib/errors.ts";
import { dependenciesFromEnvironment, lambdaTelemetry } from "../lib/worker/environment.ts";
import { processBatch, type WorkerDependencies } from "../lib/worker/process-batch.ts";

export function createOrderSyncHandler(dependencies: () => Promise<WorkerDependencies>) {
  // middy aborts `signal` just before the timeout; the batch itself stops earlier and reports a
  // partial response, so a slow batch never fails whole (which would redeliver finished records).
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context, { signal }) =>
    processBatch(event.Records, await dependencies(), context, signal),
  );
}

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
  containerDependencies ??= dependenciesFromEnvironment(process.env, watchCredentials(lambdaTelemetry())).catch(
    (error: unknown) => {
      containerDependencies = undefined;
      throw error;
    },
  );
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

export const handler = createOrderSyncHandler(dependenciesOnce);
