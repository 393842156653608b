import { describe, expect, it } from "vitest";
import { hmacKeyFromEnvironment } from "../../lib/customer-index/environment.ts";
import { ConfigError } from "../../lib/errors.ts";
import { dependenciesFromEnvironment } from "../../lib/worker/environment.ts";

const workerEnv = {
  LEDGER_TABLE_NAME: "ledger",
  ORDERS_QUEUE_URL: "http://127.0.0.1:1/queue/orders",
  DLQ_URL: "http://127.0.0.1:1/queue/orders-dlq",
  SYNC_CONFIG_FILE: "local/examples/config.json",
  ST_CLIENT_ID: "id",
  ST_CLIENT_SECRET: "secret",
  ST_APP_KEY: "app",
  ST_TENANT_ID: "1",
  DYNAMODB_ENDPOINT: "http://127.0.0.1:1",
  AWS_REGION: "us-east-1",
};

describe("customer index HMAC key at start-up", () => {
  it("fails naming both variables when neither the key nor its secret is set", async () => {
    const failure = await hmacKeyFromEnvironment({}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect(String((failure as Error).message)).toMatch(/CUSTOMER_INDEX_HMAC_SECRET_NAME.*CUSTOMER_INDEX_HMAC_KEY/);
  });

  it("refuses a key shorter than 32 characters, naming the variable", async () => {
    await expect(hmacKeyFromEnvironment({ CUSTOMER_INDEX_HMAC_KEY: "short" })).rejects.toThrow(
      /CUSTOMER_INDEX_HMAC_KEY/,
    );
  });

  it("takes the local key when it is long enough", async () => {
    await expect(hmacKeyFromEnvironment({ CUSTOMER_INDEX_HMAC_KEY: "k".repeat(32) })).resolves.toBe("k".repeat(32));
  });

  it("stops the worker's start-up when the index table is set without a key", async () => {
    const failure = await dependenciesFromEnvironment({ ...workerEnv, CUSTOMER_INDEX_TABLE_NAME: "index" }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/CUSTOMER_INDEX_HMAC_SECRET_NAME/);
  });

  it("starts without an index when no table is configured (matching searches live)", async () => {
    const deps = await dependenciesFromEnvironment(workerEnv);
    expect(deps.customerIndex).toBeUndefined();
  });
});
