/**
 * Issue 12, "say what happened": `npm start --verbose` shows the worker's structured logs without
 * personal data, every missing config id is named at once, and ServiceTitan variables the run ignores
 * are named.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOrderEvent } from "../support/order-factory.ts";
import { startTestSandbox } from "../support/sandbox.ts";
import { start } from "../support/start-cli.ts";
import { repoRoot } from "../support/world.ts";

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "start-reports-")), name);
  writeFileSync(path, content);
  return path;
}

const person = {
  firstName: "Verbosa",
  lastName: "Logwright",
  email: "verbosa.logwright@example.com",
  phone: "(555) 010-0177",
};
const street = "31 Redaction Row";

describe("npm start says what happened", () => {
  it("--verbose prints the worker's structured log lines on stderr, without personal data", async () => {
    // Prepare
    const orders = file(
      "orders.json",
      JSON.stringify([
        buildOrderEvent({ orderId: "VERBOSE-1", customer: person, billingAddress: { street } }),
        buildOrderEvent({ orderId: "VERBOSE-2", customer: { ...person, email: "not-an-email" } }),
      ]),
    );
    const sandbox = await startTestSandbox();
    try {
      // Act
      const { code, out, err } = await start(["--orders", orders, "--json", "--verbose"], sandbox, {
        env: { POWERTOOLS_LOG_LEVEL: "DEBUG" },
      });

      // Assess: stdout is still only the JSON document; stderr holds the log lines.
      expect((JSON.parse(out) as { orders: unknown[] }).orders).toHaveLength(2);
      const lines = err
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: "INFO", message: "Order synced", orderKey: "test-store:VERBOSE-1" }),
          expect.objectContaining({ level: "ERROR", orderKey: "test-store:VERBOSE-2", status: "dead_lettered" }),
          expect.objectContaining({ level: "DEBUG", message: "ServiceTitan call", method: "POST" }),
        ]),
      );
      for (const value of [person.firstName, person.lastName, person.email, "0177", street, "Redaction"]) {
        expect(err.toLowerCase()).not.toContain(value.toLowerCase());
      }
      expect(code).toBe(3);
    } finally {
      await sandbox.stop();
      sandbox.assertContract();
    }
  }, 60_000);

  it("names every config id the tenant doesn't have, each with its key", async () => {
    // Prepare
    const config = JSON.parse(readFileSync(join(repoRoot, "local/examples/config.json"), "utf8"));
    config.product.jobTypeId = 699;
    config.product.campaignId = 799;
    const configFile = file("config.json", JSON.stringify(config));
    const orders = file("order.json", JSON.stringify(buildOrderEvent({ orderId: "CONFIG-1", orderType: "product" })));
    const sandbox = await startTestSandbox();
    try {
      // Act
      const { code, out } = await start(["--orders", orders, "--config", configFile, "--json"], sandbox);

      // Assess
      const [row] = (JSON.parse(out) as { orders: { reason: string; detail: string }[] }).orders;
      expect(row?.reason).toBe("CONFIG_ID_MISSING");
      expect(row?.detail).toBe(
        "Config names 2 ids the ServiceTitan tenant doesn't have (or are inactive): product.jobTypeId (job type 699), product.campaignId (campaign 799)",
      );
      expect(sandbox.state.jobs.size).toBe(0);
      expect(code).toBe(3);
    } finally {
      await sandbox.stop();
      sandbox.assertContract();
    }
  }, 60_000);

  it("says which ServiceTitan variables it ignores when the credentials are incomplete", async () => {
    // Prepare
    const orders = file("order.json", JSON.stringify(buildOrderEvent({ orderId: "SANDBOXED-1" })));

    // Act
    const { code, err } = await start(["--orders", orders], undefined, {
      env: { ST_API_URL: "http://unreachable.invalid", ST_CLIENT_ID: "someone" },
    });

    // Assess
    expect(err.split("\n")[0]).toMatch(
      /^ServiceTitan: sandbox at http:\/\/127\.0\.0\.1:\d+ \(ST_CLIENT_ID, ST_API_URL ignored: a real tenant needs ST_CLIENT_SECRET, ST_APP_KEY, ST_TENANT_ID too\)$/,
    );
    expect(code).toBe(0);
  }, 60_000);
});
