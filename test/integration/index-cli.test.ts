/**
 * Issue 10, part 5: `npm run index -- --rebuild` and `--status` against a real tenant's local state
 * (a sandbox started on its own, reached only through the `ST_*` variables, as a real ServiceTitan
 * is). The rebuild reads every export feed to its end; the status shows the four feeds, their counts
 * and the lag, and never a customer's e-mail, phone, name or street.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIndexCli } from "../../local/index-cli.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";

async function index(argv: string[], env: NodeJS.ProcessEnv, stateRoot: string) {
  let out = "";
  let err = "";
  const code = await runIndexCli(argv, {
    env,
    stateRoot,
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
  });
  return { code, out, err };
}

interface StatusJson {
  backfillComplete: boolean;
  lagSeconds: number | null;
  records: number;
  feeds: { feed: string; backfillComplete: boolean; records: number; position: string | null }[];
}

describe("npm run index", () => {
  let tenant: TestSandbox;
  let stateRoot: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    tenant = await startTestSandbox();
    stateRoot = mkdtempSync(join(tmpdir(), "order-sync-index-cli-"));
    env = {
      ST_API_URL: tenant.apiUrl,
      ST_AUTH_URL: tenant.authUrl,
      ST_TENANT_ID: tenant.tenantId,
      ST_CLIENT_ID: tenant.credentials.clientId,
      ST_CLIENT_SECRET: tenant.credentials.clientSecret,
      ST_APP_KEY: tenant.credentials.appKey,
    };
  });
  afterAll(async () => {
    await tenant?.stop();
    tenant?.assertContract();
  });

  it("has nothing to show for a tenant whose state doesn't exist yet", async () => {
    // Act
    const { code, err } = await index(["--status"], env, stateRoot);

    // Assess
    expect(code).toBe(2);
    expect(err).toMatch(/No local state at .* yet/);
  });

  it("--rebuild reads every feed to its end into the tenant's local state, and --status shows it", async () => {
    // Act
    const rebuilt = await index(["--rebuild", "--json"], env, stateRoot);
    const status = await index(["--status", "--json"], env, stateRoot);
    const table = await index(["--status"], env, stateRoot);

    // Assess
    expect(rebuilt.code).toBe(0);
    expect(status.code).toBe(0);
    const view = JSON.parse(status.out) as StatusJson;
    expect(view.backfillComplete).toBe(true);
    expect(view.lagSeconds).not.toBeNull();
    expect(view.feeds.map((f) => f.feed).sort()).toEqual(
      ["customer-contacts", "customers", "location-contacts", "locations"].sort(),
    );
    expect(view.feeds.every((f) => f.backfillComplete)).toBe(true);
    const customers = view.feeds.find((f) => f.feed === "customers");
    expect(customers?.records).toBe(tenant.state.customers.size);
    expect(table.out).toContain("Backfill: complete");
    for (const text of [rebuilt.out, status.out, table.out]) {
      for (const value of ["Testy", "McTestface", "@example.com", "Orchard", "Sample St", "555-01"]) {
        expect(text).not.toContain(value);
      }
    }
  }, 120_000);

  it("refuses --status and --rebuild together, and names what's missing without a tenant", async () => {
    // Act
    const both = await index(["--status", "--rebuild"], env, stateRoot);
    const nowhere = await index(["--status"], {}, stateRoot);

    // Assess
    expect(both.code).toBe(2);
    expect(nowhere.code).toBe(2);
    expect(nowhere.err).toContain("CUSTOMER_INDEX_TABLE_NAME");
  });
});
