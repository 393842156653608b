/**
 * Which customer index `npm run index` works on, decided from the environment the way the other CLIs
 * and `npm start` decide:
 *
 * 1. `CUSTOMER_INDEX_TABLE_NAME` set: that table, in AWS (or dynalite at `DYNAMODB_ENDPOINT`).
 * 2. ServiceTitan credentials (`ST_*`) set: the tenant's local state folder, as `npm start` keeps it.
 * 3. Neither: the sandbox's seeded tenant, indexed in memory (`--rebuild` only: a way to see a rebuild
 *    without a ServiceTitan account).
 *
 * The HMAC key and ServiceTitan are only needed to rebuild; the status reads ids and counts.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { hmacKeyEnv, hmacKeyFromEnvironment } from "../lib/customer-index/environment.ts";
import { createIndexKeys } from "../lib/customer-index/keys.ts";
import type { RefreshDependencies } from "../lib/customer-index/refresh.ts";
import { CustomerIndexStore } from "../lib/customer-index/store.ts";
import { customerIndexTableEnv, defaultCustomerIndexTableName } from "../lib/customer-index/table.ts";
import { ConfigError, ReasonCode } from "../lib/errors.ts";
import { createServiceTitanClient } from "../lib/servicetitan/client.ts";
import { serviceTitanSettingsFromEnv } from "../lib/servicetitan/settings.ts";
import type { ServiceTitanHttp } from "../lib/servicetitan/types.ts";
import { serviceTitanSettingsFromEnvironment } from "../lib/worker/environment.ts";
import { startSandbox } from "../sandbox/server.ts";
import { startLocalDynamo } from "./aws.ts";
import { defaultStateFolder, defaultStateRoot, openStateFolder } from "./state-folder.ts";

export interface IndexTarget {
  /** Where the index is, for the first line the CLI prints (no credentials, no personal data). */
  where: string;
  store: CustomerIndexStore;
  /** ServiceTitan and the HMAC key, read only when a rebuild needs them. */
  refreshDependencies(): Promise<RefreshDependencies & { http: ServiceTitanHttp }>;
  close(): Promise<void>;
}

export interface IndexTargetOptions {
  state: string | undefined;
  forRebuild: boolean;
  stateRoot?: string;
}

const hasServiceTitanCredentials = (env: NodeJS.ProcessEnv) =>
  Boolean(env.ST_CLIENT_ID && env.ST_CLIENT_SECRET && env.ST_APP_KEY && env.ST_TENANT_ID);

export async function openIndexTarget(env: NodeJS.ProcessEnv, options: IndexTargetOptions): Promise<IndexTarget> {
  const tableName = env[customerIndexTableEnv];
  if (tableName) {
    if (options.state !== undefined) throw usage(`--state reads a local state folder: unset ${customerIndexTableEnv}`);
    const dynamo = new DynamoDBClient({
      ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    });
    const store = new CustomerIndexStore({ dynamo, tableName });
    return {
      where: `table ${tableName}${env.DYNAMODB_ENDPOINT ? ` at ${env.DYNAMODB_ENDPOINT}` : ""}`,
      store,
      refreshDependencies: async () => ({
        http: createServiceTitanClient({ settings: await serviceTitanSettingsFromEnvironment(env) }),
        store,
        keys: createIndexKeys(await hmacKeyFromEnvironment(env)),
      }),
      close: async () => dynamo.destroy(),
    };
  }
  if (hasServiceTitanCredentials(env)) return openStateTarget(env, options);
  if (!options.forRebuild || options.state !== undefined) {
    throw usage(
      `No index to read: set ${customerIndexTableEnv} (a deployed index) or the ST_* credentials (a real tenant's local state). Against the sandbox, --rebuild builds one to look at.`,
    );
  }
  return openSandboxTarget();
}

async function openStateTarget(env: NodeJS.ProcessEnv, options: IndexTargetOptions): Promise<IndexTarget> {
  const settings = serviceTitanSettingsFromEnv(env);
  const dir =
    options.state === undefined
      ? defaultStateFolder(settings, options.stateRoot ?? defaultStateRoot)
      : resolve(options.state);
  if (!options.forRebuild && !existsSync(dir)) {
    throw usage(`No local state at ${dir} yet: npm start against this tenant creates it (or --rebuild here).`);
  }
  const folder = openStateFolder(dir, settings, false);
  try {
    const dynamo = await startLocalDynamo({ path: folder.dynamoPath });
    const store = new CustomerIndexStore({ dynamo: dynamo.client, tableName: defaultCustomerIndexTableName });
    return {
      where: `local state ${dir}`,
      store,
      refreshDependencies: async () => ({
        http: createServiceTitanClient({ settings }),
        store,
        // The index on disk was hashed with the folder's key; a key in the environment wins (and a
        // different one makes the refresh start every feed again, see `ensureKeyFingerprint`).
        keys: createIndexKeys(env[hmacKeyEnv] || folder.hmacKey()),
      }),
      close: async () => {
        await dynamo.stop();
        folder.release();
      },
    };
  } catch (error) {
    folder.release();
    throw error;
  }
}

async function openSandboxTarget(): Promise<IndexTarget> {
  const sandbox = await startSandbox();
  const dynamo = await startLocalDynamo({}).catch(async (error: unknown) => {
    await sandbox.stop();
    throw error;
  });
  const store = new CustomerIndexStore({ dynamo: dynamo.client, tableName: defaultCustomerIndexTableName });
  return {
    where: `the sandbox's seeded tenant, in memory (set ST_* for a real tenant's local state)`,
    store,
    refreshDependencies: async () => ({
      http: createServiceTitanClient({
        settings: {
          apiUrl: sandbox.apiUrl,
          authUrl: sandbox.authUrl,
          tenantId: sandbox.tenantId,
          ...sandbox.credentials,
        },
      }),
      store,
      keys: createIndexKeys(randomBytes(32).toString("base64url")),
    }),
    close: async () => {
      await dynamo.stop();
      await sandbox.stop();
    },
  };
}

function usage(message: string): ConfigError {
  return new ConfigError(ReasonCode.ConfigInvalid, "index", message);
}
