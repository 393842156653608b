/**
 * The customer index's wiring from the environment, for the worker and the refresh function:
 *
 * - `CUSTOMER_INDEX_TABLE_NAME`: the table (`table.ts`).
 * - `CUSTOMER_INDEX_HMAC_SECRET_NAME` (AWS): a Secrets Manager secret whose string is the HMAC key;
 *   or `CUSTOMER_INDEX_HMAC_KEY` (local runs): the key itself, at least 32 characters.
 *
 * A table without a key fails at start-up, naming both variables: an index can't be read or written
 * without its key, and silently matching without it would create duplicates of every customer known
 * only by e-mail.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ConfigError, ReasonCode } from "../errors.ts";
import { createIndexKeys, hmacKeyEnv, hmacSecretNameEnv, type IndexKeys, minHmacKeyLength } from "./keys.ts";
import { CustomerIndexStore } from "./store.ts";
import { customerIndexTableEnv } from "./table.ts";

export { hmacKeyEnv, hmacSecretNameEnv } from "./keys.ts";
export { customerIndexTableEnv } from "./table.ts";

/** The index as the worker and the refresh use it: the table adapter and the key. */
export interface CustomerIndex {
  store: CustomerIndexStore;
  keys: IndexKeys;
}

export function createCustomerIndex(options: {
  dynamo: DynamoDBClient;
  tableName: string;
  hmacKey: string;
}): CustomerIndex {
  return {
    store: new CustomerIndexStore({ dynamo: options.dynamo, tableName: options.tableName }),
    keys: createIndexKeys(options.hmacKey),
  };
}

/**
 * The HMAC key from `CUSTOMER_INDEX_HMAC_KEY`, else from the secret named by
 * `CUSTOMER_INDEX_HMAC_SECRET_NAME`. Throws `ConfigError` naming the variable (or secret) otherwise.
 */
export async function hmacKeyFromEnvironment(
  env: NodeJS.ProcessEnv,
  secrets: () => SecretsManagerClient = () => new SecretsManagerClient({}),
): Promise<string> {
  const direct = env[hmacKeyEnv];
  if (direct !== undefined && direct !== "") return checkedKey(direct, hmacKeyEnv, `${hmacKeyEnv} is too short`);
  const secretName = env[hmacSecretNameEnv];
  if (!secretName) {
    throw new ConfigError(
      ReasonCode.ConfigInvalid,
      hmacSecretNameEnv,
      `The customer index needs its HMAC key: set ${hmacSecretNameEnv} (Secrets Manager, AWS) or ${hmacKeyEnv} (local)`,
    );
  }
  const { SecretString } = await secrets().send(new GetSecretValueCommand({ SecretId: secretName }));
  return checkedKey(
    SecretString ?? "",
    hmacSecretNameEnv,
    `Secret ${secretName} (${hmacSecretNameEnv}) is empty or too short`,
  );
}

function checkedKey(key: string, variable: string, message: string): string {
  if (key.length < minHmacKeyLength) {
    throw new ConfigError(ReasonCode.ConfigInvalid, variable, `${message}: at least ${minHmacKeyLength} characters`);
  }
  return key;
}

/** The index from the environment, or undefined when no table is configured (matching then searches live). */
export async function customerIndexFromEnvironment(
  env: NodeJS.ProcessEnv,
  dynamo: DynamoDBClient,
): Promise<CustomerIndex | undefined> {
  const tableName = env[customerIndexTableEnv];
  if (!tableName) return undefined;
  return createCustomerIndex({ dynamo, tableName, hmacKey: await hmacKeyFromEnvironment(env) });
}
