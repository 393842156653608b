/**
 * The environment variables the Lambda handlers read. Built from plain strings so the stack can
 * pass CloudFormation tokens (queue URLs, table name) and `bench/bundle.ts` fake values.
 *
 * Never a secret here: Lambda environment values are visible to anyone with
 * `lambda:GetFunctionConfiguration` and end up in the template. ServiceTitan credentials are read at
 * run time from Secrets Manager by name (`ST_SECRET_NAME`).
 */
import { hmacSecretNameEnv } from "../lib/customer-index/keys.ts";
import { customerIndexTableEnv } from "../lib/customer-index/table.ts";
import { ConfigError, ReasonCode } from "../lib/errors.ts";
import { metricsNamespace } from "../lib/observability/metrics.ts";
import { webhookSecretNameEnv, wooCommerceSourceEnv } from "../lib/sources/woocommerce/receiver-environment.ts";
import type { EnvironmentConfig } from "./environment-config.ts";

/** ServiceTitan hosts per environment: integration (sandbox tenants) and production are separate worlds. */
export const serviceTitanEndpoints = {
  integration: {
    apiUrl: "https://api-integration.servicetitan.io",
    authUrl: "https://auth-integration.servicetitan.io",
  },
  production: { apiUrl: "https://api.servicetitan.io", authUrl: "https://auth.servicetitan.io" },
} as const;

/**
 * Powertools Metrics adds this dimension (= `POWERTOOLS_SERVICE_NAME`) to every metric it writes,
 * `singleMetric()` ones included; the alarms and dashboard select on it.
 */
export const serviceDimension = "service";

/**
 * Powertools' `service` (a dimension of every metric and a key of every log line). Per environment so
 * dev and prod can share an account without mixing their metrics and alarms.
 */
export function serviceName(envName: string): string {
  return `order-sync-${envName}`;
}

/**
 * Lambda caps all environment variables of a function at 4 KB together; the config must leave
 * room for the queue URLs, table name and the rest.
 */
export const maxSyncConfigBytes = 3072;

export interface CustomerIndexResources {
  readonly tableName: string;
  /** The generated HMAC key's secret: its name only, read at run time like the ServiceTitan secret. */
  readonly hmacSecretName: string;
}

export interface WorkerResources {
  readonly tableName: string;
  readonly ordersQueueUrl: string;
  readonly dlqUrl: string;
  readonly customerIndex: CustomerIndexResources;
}

/** Variables of the order-sync function. */
export function orderSyncEnvironment(env: EnvironmentConfig, resources: WorkerResources): Record<string, string> {
  const endpoints = serviceTitanEndpoints[env.deploy.serviceTitanEnvironment];
  return {
    SYNC_CONFIG: syncConfigJson(env),
    ST_SECRET_NAME: env.deploy.secretName,
    ST_API_URL: endpoints.apiUrl,
    ST_AUTH_URL: endpoints.authUrl,
    ST_TENANT_ID: env.deploy.serviceTitanTenantId,
    LEDGER_TABLE_NAME: resources.tableName,
    ORDERS_QUEUE_URL: resources.ordersQueueUrl,
    DLQ_URL: resources.dlqUrl,
    MAX_RECEIVE_COUNT: String(env.deploy.maxReceiveCount),
    ST_MAX_CALLS_PER_SECOND: String(callsPerSecondPerContainer(env.deploy.maxConcurrency)),
    ...customerIndexEnvironment(resources.customerIndex),
    ...powertoolsEnvironment(env),
  };
}

/**
 * Variables of the customer-index refresh function: ServiceTitan (credentials by secret name) and
 * the index. No mapping config and no queues: it only reads the export feeds into the table.
 */
export function indexRefreshEnvironment(
  env: EnvironmentConfig,
  resources: Pick<WorkerResources, "customerIndex">,
): Record<string, string> {
  const endpoints = serviceTitanEndpoints[env.deploy.serviceTitanEnvironment];
  return {
    ST_SECRET_NAME: env.deploy.secretName,
    ST_API_URL: endpoints.apiUrl,
    ST_AUTH_URL: endpoints.authUrl,
    ST_TENANT_ID: env.deploy.serviceTitanTenantId,
    ...customerIndexEnvironment(resources.customerIndex),
    ...powertoolsEnvironment(env),
  };
}

function customerIndexEnvironment(index: CustomerIndexResources): Record<string, string> {
  return { [customerIndexTableEnv]: index.tableName, [hmacSecretNameEnv]: index.hmacSecretName };
}

/**
 * ServiceTitan allows 60 calls/s per app per tenant, shared by every concurrent Lambda container, and
 * each container's client limits only itself: the budget is split across `maxConcurrency` containers,
 * a little under 60 in total so the odd 429 is rare rather than routine.
 */
export const tenantCallBudgetPerSecond = 55;

export function callsPerSecondPerContainer(maxConcurrency: number): number {
  return Math.max(1, Math.floor(tenantCallBudgetPerSecond / maxConcurrency));
}

/**
 * ServiceTitan calls one order may need, for the batch-time check: a new customer with a few lines
 * makes 7 on a first attempt (`npm run bench`, figure 1), a retry's look-ups and a second new SKU
 * a few more.
 */
export const plannedCallsPerOrder = 12;

/**
 * Rejects a deploy config whose batch can't finish within the function's timeout: a container's
 * client allows itself `callsPerSecondPerContainer(maxConcurrency)` calls, and a batch of
 * `batchSize` orders needs `batchSize × plannedCallsPerOrder` of them. The worker stops early on
 * its own (`lib/worker/invocation-budget.ts`) and the rest is redelivered, but a config that can
 * never finish a batch would burn every order's receives. Half the timeout is the limit, leaving
 * room for ServiceTitan's latency and the worker's margins.
 */
export function assertBatchFitsTimeout(env: EnvironmentConfig, functionTimeoutSeconds: number): void {
  const { batchSize, maxConcurrency } = env.deploy;
  const perSecond = callsPerSecondPerContainer(maxConcurrency);
  const neededSeconds = (batchSize * plannedCallsPerOrder) / perSecond;
  const availableSeconds = functionTimeoutSeconds / 2;
  if (neededSeconds > availableSeconds) {
    throw new ConfigError(
      ReasonCode.ConfigInvalid,
      "deploy.batchSize",
      `Environment "${env.envName}": deploy.batchSize ${batchSize} × ${plannedCallsPerOrder} ServiceTitan calls per order at ${perSecond} calls/s per container (${tenantCallBudgetPerSecond} ÷ deploy.maxConcurrency ${maxConcurrency}) needs ${Math.ceil(neededSeconds)} s, more than the ${availableSeconds} s a batch may take in the function's ${functionTimeoutSeconds} s timeout: lower deploy.batchSize or deploy.maxConcurrency`,
      { details: { keys: ["deploy.batchSize", "deploy.maxConcurrency"] } },
    );
  }
}

/** Variables of the DLQ-replay function: queues only, no ledger, no ServiceTitan. */
export function dlqReplayEnvironment(
  env: EnvironmentConfig,
  resources: Pick<WorkerResources, "ordersQueueUrl" | "dlqUrl">,
) {
  return {
    ORDERS_QUEUE_URL: resources.ordersQueueUrl,
    DLQ_URL: resources.dlqUrl,
    ...powertoolsEnvironment(env),
  };
}

/**
 * Variables of the WooCommerce webhook receiver: the orders queue, the webhook secret's name (read at
 * run time, never its value) and the validated `sources.woocommerce` key, nothing else of the config.
 */
export function wooCommerceWebhookEnvironment(
  env: EnvironmentConfig,
  resources: { ordersQueueUrl: string; secretName: string },
): Record<string, string> {
  return {
    ORDERS_QUEUE_URL: resources.ordersQueueUrl,
    [webhookSecretNameEnv]: resources.secretName,
    [wooCommerceSourceEnv]: JSON.stringify(env.sync.sources.woocommerce ?? {}),
    ...powertoolsEnvironment(env),
  };
}

function powertoolsEnvironment(env: EnvironmentConfig): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: serviceName(env.envName),
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
    POWERTOOLS_LOG_LEVEL: env.deploy.logLevel,
  };
}

/** The validated mapping config (defaults filled in, `deploy` left out: the worker ignores it). */
export function syncConfigJson(env: EnvironmentConfig): string {
  const json = JSON.stringify(env.sync);
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > maxSyncConfigBytes) {
    throw new ConfigError(
      ReasonCode.ConfigInvalid,
      "$",
      `Environment "${env.envName}": the mapping config is ${bytes} bytes as JSON, over the ${maxSyncConfigBytes} bytes that fit in Lambda's 4 KB of environment variables`,
    );
  }
  return json;
}
