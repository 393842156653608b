/**
 * Lambda entry point for the customer index refresh (EventBridge Scheduler). Thin by design: the
 * wiring is built once per container and each run goes to `runScheduledRefresh`, which reads the
 * CRM export feeds into the index until done or out of time (the next run resumes).
 */
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { RefreshDependencies, RefreshResult } from "../lib/customer-index/refresh.ts";
import { refreshDependenciesFromEnvironment, runScheduledRefresh } from "../lib/customer-index/refresh-function.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { createMetrics } from "../lib/observability/metrics.ts";

const logger = createLogger();
const metrics = createMetrics();
let containerDependencies: Promise<RefreshDependencies> | undefined;

function dependenciesOnce(): Promise<RefreshDependencies> {
  containerDependencies ??= refreshDependenciesFromEnvironment(process.env, logger).catch((error: unknown) => {
    containerDependencies = undefined;
    throw error;
  });
  return containerDependencies;
}

export const handler = middy<unknown, RefreshResult, Error, Context>().handler(async (_event, context) =>
  runScheduledRefresh(await dependenciesOnce(), context, { logger, metrics }),
);
