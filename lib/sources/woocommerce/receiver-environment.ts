/**
 * The receiver Lambda's wiring from its environment (set by the CDK stack). The webhook secret is
 * read from Secrets Manager by name (`WOOCOMMERCE_WEBHOOK_SECRET_NAME`), once per container, as the
 * worker reads ServiceTitan's; locally `WOOCOMMERCE_WEBHOOK_SECRET` holds the value itself. The
 * `sources.woocommerce` config arrives as JSON in `WOOCOMMERCE_SOURCE` (only that key: the
 * receiver needs nothing else of the mapping config).
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import * as z from "zod";
import {
  defaultWooCommerceSource,
  type WooCommerceSourceConfig,
  wooCommerceSourceSchema,
} from "../../config/schema.ts";
import { ConfigError, ReasonCode } from "../../errors.ts";
import { parseEnvironment } from "../../validation/environment.ts";
import { describeIssues } from "../../validation/issues.ts";
import { ordersQueueSender } from "./orders-queue.ts";
import type { ReceiverDependencies, WebhookSecret } from "./receiver.ts";

export const webhookSecretNameEnv = "WOOCOMMERCE_WEBHOOK_SECRET_NAME";
export const webhookSecretEnv = "WOOCOMMERCE_WEBHOOK_SECRET";
export const wooCommerceSourceEnv = "WOOCOMMERCE_SOURCE";

const receiverEnvironmentSchema = z.object({
  ORDERS_QUEUE_URL: z.string().min(1),
  [webhookSecretNameEnv]: z.string().min(1).optional(),
  [webhookSecretEnv]: z.string().min(1).optional(),
  [wooCommerceSourceEnv]: z.string().min(2).optional(),
  /** Local emulators only. */
  SQS_ENDPOINT: z.string().url().optional(),
});

/** A wrong secret is re-read at most this often: a flood of forged requests must not become Secrets Manager calls. */
export const secretRefreshIntervalMs = 60_000;

export function receiverDependenciesFromEnvironment(env: NodeJS.ProcessEnv): Omit<ReceiverDependencies, "observe"> {
  const vars = parseEnvironment(receiverEnvironmentSchema, env, "WooCommerce receiver environment variables");
  const sqs = new SQSClient(vars.SQS_ENDPOINT ? { endpoint: vars.SQS_ENDPOINT } : {});
  return {
    config: wooCommerceConfigFromJson(vars[wooCommerceSourceEnv]),
    secret: webhookSecretFrom(vars),
    enqueue: ordersQueueSender(sqs, vars.ORDERS_QUEUE_URL),
  };
}

function wooCommerceConfigFromJson(json: string | undefined): WooCommerceSourceConfig {
  if (json === undefined) return defaultWooCommerceSource;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(ReasonCode.ConfigInvalid, wooCommerceSourceEnv, `${wooCommerceSourceEnv} is not JSON`, {
      cause: error,
    });
  }
  // The worker's own schema for the key: the same defaults and rules, named by their config path.
  const parsed = wooCommerceSourceSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error.issues).map((issue) => ({
    key: issue.path === "$" ? "sources.woocommerce" : `sources.woocommerce.${issue.path}`,
    message: issue.message,
  }));
  throw new ConfigError(
    ReasonCode.ConfigInvalid,
    issues[0]?.key ?? wooCommerceSourceEnv,
    `Invalid ${wooCommerceSourceEnv}: ${issues.map((issue) => `${issue.key}: ${issue.message}`).join("; ")}`,
  );
}

function webhookSecretFrom(vars: z.output<typeof receiverEnvironmentSchema>): WebhookSecret {
  const name = vars[webhookSecretNameEnv];
  if (name !== undefined) return secretsManagerSecret(new SecretsManagerClient({}), name);
  const value = vars[webhookSecretEnv];
  if (value !== undefined) return { current: async () => value };
  throw new ConfigError(
    ReasonCode.ConfigInvalid,
    webhookSecretNameEnv,
    `Set ${webhookSecretNameEnv} (the Secrets Manager secret) or, locally, ${webhookSecretEnv}`,
  );
}

/** The secret read once and cached; re-read after a failed check, at most once per `secretRefreshIntervalMs`. */
export function secretsManagerSecret(
  secrets: SecretsManagerClient,
  name: string,
  now: () => number = Date.now,
): WebhookSecret {
  let value: Promise<string> | undefined;
  let readAt = 0;
  const read = () => {
    readAt = now();
    value = readSecret(secrets, name).catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
  return {
    current: () => value ?? read(),
    async refresh() {
      if (now() - readAt < secretRefreshIntervalMs) return false;
      const before = await value?.catch(() => undefined);
      return (await read()) !== before;
    },
  };
}

async function readSecret(secrets: SecretsManagerClient, name: string): Promise<string> {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: name }));
  if (!SecretString) {
    throw new ConfigError(ReasonCode.ConfigInvalid, webhookSecretNameEnv, `Secret ${name} holds no string`);
  }
  return SecretString;
}
