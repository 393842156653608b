/**
 * Issue 14: the receiver's wiring. Its secret comes from Secrets Manager by name (a value only
 * locally), is read once, and is re-read after a failed check at most once a minute; a bad
 * `WOOCOMMERCE_SOURCE` names the config key.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../lib/errors.ts";
import {
  receiverDependenciesFromEnvironment,
  secretRefreshIntervalMs,
  secretsManagerSecret,
} from "../../../lib/sources/woocommerce/receiver-environment.ts";

/** A narrow stand-in for Secrets Manager: answers GetSecretValue with the current value, counting calls. */
function fakeSecrets(values: string[]) {
  let calls = 0;
  const client = {
    send: async () => ({ SecretString: values[Math.min(calls++, values.length - 1)] }),
  } as unknown as SecretsManagerClient;
  return { client, calls: () => calls };
}

describe("WooCommerce receiver environment", () => {
  it("requires the secret's name (or locally its value)", () => {
    const attempt = () => receiverDependenciesFromEnvironment({ ORDERS_QUEUE_URL: "http://127.0.0.1:1/q" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/WOOCOMMERCE_WEBHOOK_SECRET_NAME/);
  });

  it("reads sources.woocommerce from WOOCOMMERCE_SOURCE with the config's rules, naming a bad key", () => {
    const env = { ORDERS_QUEUE_URL: "http://127.0.0.1:1/q", WOOCOMMERCE_WEBHOOK_SECRET: "s" };
    const deps = receiverDependenciesFromEnvironment({ ...env, WOOCOMMERCE_SOURCE: '{"paidStatuses":["completed"]}' });
    expect(deps.config?.paidStatuses).toEqual(["completed"]);
    expect(() => receiverDependenciesFromEnvironment({ ...env, WOOCOMMERCE_SOURCE: '{"paidStatuses":[]}' })).toThrow(
      /sources\.woocommerce\.paidStatuses/,
    );
  });

  it("reads the secret once, and again after a failed check only once the refresh interval has passed", async () => {
    // Prepare
    let now = 1_000_000;
    const secrets = fakeSecrets(["old", "new"]);
    const secret = secretsManagerSecret(secrets.client, "wc-secret", () => now);

    // Act / Assess
    expect(await secret.current()).toBe("old");
    expect(await secret.current()).toBe("old");
    expect(secrets.calls()).toBe(1);
    expect(await secret.refresh?.()).toBe(false); // too soon: a flood of forged requests costs nothing
    expect(secrets.calls()).toBe(1);
    now += secretRefreshIntervalMs;
    expect(await secret.refresh?.()).toBe(true);
    expect(await secret.current()).toBe("new");
    expect(secrets.calls()).toBe(2);
  });
});
