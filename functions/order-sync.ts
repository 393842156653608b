/**
 * Lambda entry point for the orders queue (SQS event source with `ReportBatchItemFailures`).
 * Thin by design: dependencies are built once per container, each batch goes to `processBatch`,
 * and the records to retry come back as `batchItemFailures`.
 */
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { dependenciesFromEnvironment } from "../lib/worker/environment.ts";
import { processBatch, type WorkerDependencies } from "../lib/worker/process-batch.ts";

export function createOrderSyncHandler(dependencies: () => Promise<WorkerDependencies>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) =>
    processBatch(event.Records, await dependencies(), context),
  );
}

let containerDependencies: Promise<WorkerDependencies> | undefined;

/** Created on the first invocation and reused by every later one in this container. */
function dependenciesOnce(): Promise<WorkerDependencies> {
  containerDependencies ??= dependenciesFromEnvironment(process.env).catch((error: unknown) => {
    containerDependencies = undefined;
    throw error;
  });
  return containerDependencies;
}

export const handler = createOrderSyncHandler(dependenciesOnce);
