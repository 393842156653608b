/**
 * The Lambda's wiring from its environment (set by the CDK stack): mapping config as JSON in
 * `SYNC_CONFIG` (or a file in `SYNC_CONFIG_FILE`), ServiceTitan credentials from the Secrets Manager
 * secret `ST_SECRET_NAME` (or, locally, the `ST_*` variables), the ledger table and the queues.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import * as z from "zod";
import { loadSyncConfigFile, parseSyncConfig } from "../config/parse-config.ts";
import type { SyncConfig } from "../config/schema.ts";
import { customerIndexFromEnvironment } from "../customer-index/environment.ts";
import { ConfigError, ReasonCode } from "../errors.ts";
import { createLogger } from "../observability/logger.ts";
import { createMetrics, createSyncMetrics } from "../observability/metrics.ts";
import { type ServiceTitanSettings, serviceTitanSettingsFromEnv } from "../servicetitan/settings.ts";
import { parseEnvironment } from "../validation/environment.ts";
import { createWorkerDependencies } from "./dependencies.ts";
import type { WorkerDependencies, WorkerObserver } from "./process-batch.ts";
import { readServiceTitanSecret } from "./service-titan-secret.ts";
import { createTelemetryObserver } from "./telemetry.ts";

const workerEnvironmentSchema = z.object({
  LEDGER_TABLE_NAME: z.string().min(1),
  ORDERS_QUEUE_URL: z.string().min(1),
  DLQ_URL: z.string().min(1),
  RECORD_CONCURRENCY: z.coerce.number().int().min(1).max(50).optional(),
  /** The orders queue's redrive maxReceiveCount: the last receive dead-letters with a reason. */
  MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).max(1000).optional(),
  /** This container's share of ServiceTitan's 60 calls/s per tenant (set by CDK from maxConcurrency). */
  ST_MAX_CALLS_PER_SECOND: z.coerce.number().int().min(1).max(60).optional(),
  /** Local emulators only (fauxqs, dynalite); unset in AWS. */
  SQS_ENDPOINT: z.string().url().optional(),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
});

export function configFromEnvironment(env: NodeJS.ProcessEnv): SyncConfig {
  if (env.SYNC_CONFIG) {
    let json: unknown;
    try {
      json = JSON.parse(env.SYNC_CONFIG);
    } catch (error) {
      throw new ConfigError(ReasonCode.ConfigInvalid, "SYNC_CONFIG", "SYNC_CONFIG is not valid JSON", { cause: error });
    }
    return parseSyncConfig(json, "SYNC_CONFIG");
  }
  if (env.SYNC_CONFIG_FILE) return loadSyncConfigFile(env.SYNC_CONFIG_FILE);
  throw new ConfigError(
    ReasonCode.ConfigInvalid,
    "SYNC_CONFIG_FILE",
    "Set SYNC_CONFIG_FILE (or SYNC_CONFIG) to the mapping config",
  );
}

/**
 * Structured logs (redacted) and EMF metrics, as the Lambda reports them. The handler passes the
 * logger and metrics its middleware (`injectLambdaContext`, `logMetrics`) is bound to.
 */
export function lambdaTelemetry(
  logger: Logger = createLogger(),
  metrics: Metrics = createMetrics(),
): { observer: WorkerObserver; onServiceTitanCall: (status: number) => void } {
  const syncMetrics = createSyncMetrics(metrics);
  return {
    observer: createTelemetryObserver(logger, syncMetrics),
    onServiceTitanCall: (status) => syncMetrics.recordServiceTitanCall(status),
  };
}

export async function dependenciesFromEnvironment(
  env: NodeJS.ProcessEnv,
  telemetry = lambdaTelemetry(),
): Promise<WorkerDependencies> {
  const vars = parseEnvironment(workerEnvironmentSchema, env);
  const config = configFromEnvironment(env);
  const settings = await serviceTitanSettingsFromEnvironment(env);
  const dynamo = new DynamoDBClient(vars.DYNAMODB_ENDPOINT ? { endpoint: vars.DYNAMODB_ENDPOINT } : {});
  // Fails here, at start-up, when the index table is set but its HMAC key isn't.
  const customerIndex = await customerIndexFromEnvironment(env, dynamo);
  return createWorkerDependencies({
    config,
    serviceTitan: {
      settings,
      onCall: (call) => telemetry.onServiceTitanCall(call.status),
      ...(vars.ST_MAX_CALLS_PER_SECOND ? { maxCallsPerSecond: vars.ST_MAX_CALLS_PER_SECOND } : {}),
    },
    dynamo,
    customerIndex,
    sqs: new SQSClient(vars.SQS_ENDPOINT ? { endpoint: vars.SQS_ENDPOINT } : {}),
    tableName: vars.LEDGER_TABLE_NAME,
    queueUrl: vars.ORDERS_QUEUE_URL,
    dlqUrl: vars.DLQ_URL,
    ...(vars.RECORD_CONCURRENCY ? { recordConcurrency: vars.RECORD_CONCURRENCY } : {}),
    ...(vars.MAX_RECEIVE_COUNT ? { maxReceiveCount: vars.MAX_RECEIVE_COUNT } : {}),
    observer: telemetry.observer,
  });
}

/** ServiceTitan settings: credentials from the `ST_SECRET_NAME` secret in AWS, else the `ST_*` variables. */
export async function serviceTitanSettingsFromEnvironment(env: NodeJS.ProcessEnv): Promise<ServiceTitanSettings> {
  return env.ST_SECRET_NAME
    ? serviceTitanSettingsFromEnv({ ...env, ...(await secretAsEnvironment(env.ST_SECRET_NAME)) })
    : serviceTitanSettingsFromEnv(env);
}

async function secretAsEnvironment(secretName: string) {
  const secret = await readServiceTitanSecret(new SecretsManagerClient({}), secretName);
  return { ST_CLIENT_ID: secret.clientId, ST_CLIENT_SECRET: secret.clientSecret, ST_APP_KEY: secret.appKey };
}
