/**
 * The scheduled refresh's wiring and run, behind the thin handler in
 * `functions/customer-index-refresh.ts` (EventBridge Scheduler, every
 * `customerIndex.refreshIntervalMinutes`). Environment: `CUSTOMER_INDEX_TABLE_NAME`, the HMAC key
 * (`CUSTOMER_INDEX_HMAC_SECRET_NAME` or `CUSTOMER_INDEX_HMAC_KEY`), the ServiceTitan settings
 * (`ST_SECRET_NAME` + `ST_TENANT_ID`, …) and, locally, `DYNAMODB_ENDPOINT`.
 */

import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ConfigError, ReasonCode } from "../errors.ts";
import { publishIndexRefreshMetrics } from "../observability/metrics.ts";
import { createServiceTitanClient } from "../servicetitan/client.ts";
import { serviceTitanSettingsFromEnvironment } from "../worker/environment.ts";
import { createCustomerIndex, customerIndexTableEnv, hmacKeyFromEnvironment } from "./environment.ts";
import { type RefreshDependencies, type RefreshResult, refreshCustomerIndex } from "./refresh.ts";

export async function refreshDependenciesFromEnvironment(
  env: NodeJS.ProcessEnv,
  logger?: Pick<Logger, "info" | "warn">,
): Promise<RefreshDependencies> {
  const tableName = env[customerIndexTableEnv];
  if (!tableName) {
    throw new ConfigError(ReasonCode.ConfigInvalid, customerIndexTableEnv, `Set ${customerIndexTableEnv}`);
  }
  const hmacKey = await hmacKeyFromEnvironment(env);
  const dynamo = new DynamoDBClient(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {});
  const http = createServiceTitanClient({ settings: await serviceTitanSettingsFromEnvironment(env) });
  return { http, ...createCustomerIndex({ dynamo, tableName, hmacKey }), logger };
}

/** Seconds kept back at the end of an invocation for the last page's writes and the metrics. */
const reserveMs = 20_000;

/** One scheduled run: read the feeds until done or out of time, then log and publish the lag. */
export async function runScheduledRefresh(
  deps: RefreshDependencies,
  context: { getRemainingTimeInMillis(): number },
  telemetry: { logger: Pick<Logger, "info" | "warn">; metrics: Metrics },
): Promise<RefreshResult> {
  const result = await refreshCustomerIndex(deps, { remainingMs: () => context.getRemainingTimeInMillis(), reserveMs });
  const skippedRows = result.feeds.reduce((sum, f) => sum + f.skippedRows, 0);
  telemetry.logger.info(
    result.caughtUp ? "Customer index caught up" : "Customer index refresh stopped before the end",
    {
      backfillComplete: result.backfillComplete,
      lagSeconds: result.lagSeconds,
      feeds: result.feeds.map((f) => ({ ...f })),
    },
  );
  publishIndexRefreshMetrics(telemetry.metrics, { lagSeconds: result.lagSeconds, skippedRows });
  return result;
}
