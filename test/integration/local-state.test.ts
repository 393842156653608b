/**
 * Issue 10, part 6: against a real tenant `npm start` keeps its ledger in a state folder per
 * ServiceTitan host and tenant, so running the same orders twice creates nothing twice. The "real
 * tenant" here is a sandbox started on its own and reached only through the `ST_*` variables, exactly
 * as a real ServiceTitan is; the sandbox `npm start` starts itself keeps its ledger in memory.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStart } from "../../local/start.ts";
import { defaultStateFolder } from "../../local/state-folder.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";
import { effectCounts } from "../support/snapshot.ts";

interface Row {
  orderKey: string | null;
  status: string;
  jobId: number | null;
}
interface Run {
  code: number;
  orders: Row[];
  stateFolder: string | null;
  err: string;
}

/** The ST_* variables a user sets for a real tenant, pointing at a sandbox started on its own. */
function realTenantEnv(sandbox: TestSandbox): NodeJS.ProcessEnv {
  return {
    ST_API_URL: sandbox.apiUrl,
    ST_AUTH_URL: sandbox.authUrl,
    ST_TENANT_ID: sandbox.tenantId,
    ST_CLIENT_ID: sandbox.credentials.clientId,
    ST_CLIENT_SECRET: sandbox.credentials.clientSecret,
    ST_APP_KEY: sandbox.credentials.appKey,
  };
}

async function start(argv: string[], env: NodeJS.ProcessEnv, stateRoot: string): Promise<Run> {
  let out = "";
  let err = "";
  const code = await runStart(["--json", ...argv], {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
    stateRoot,
  });
  const parsed = JSON.parse(out) as { orders: Row[]; stateFolder: string | null };
  return { code, orders: parsed.orders, stateFolder: parsed.stateFolder, err };
}

const statuses = (run: Run) => run.orders.map((o) => [o.orderKey, o.status]);

describe("npm start against a real tenant keeps its ledger in a state folder", () => {
  let tenant: TestSandbox;
  let otherTenant: TestSandbox;
  let stateRoot: string;

  beforeAll(async () => {
    tenant = await startTestSandbox();
    otherTenant = await startTestSandbox({ tenantId: 7654321 });
    stateRoot = mkdtempSync(join(tmpdir(), "order-sync-state-"));
  });
  afterAll(async () => {
    await tenant?.stop();
    await otherTenant?.stop();
    tenant?.assertContract();
    otherTenant?.assertContract();
  });

  it("a second run of the same orders creates nothing twice", async () => {
    // Prepare
    const env = realTenantEnv(tenant);
    const first = await start([], env, stateRoot);
    const afterFirst = effectCounts(tenant.state);

    // Act
    const second = await start([], env, stateRoot);

    // Assess
    expect(first.code).toBe(0);
    expect(first.stateFolder).toBe(defaultStateFolder(tenant, stateRoot));
    expect(second.stateFolder).toBe(first.stateFolder);
    expect(statuses(first).filter(([, status]) => status === "synced")).toHaveLength(5);
    expect(statuses(second)).toEqual(
      statuses(first).map(([key, status]) => [key, status === "synced" ? "duplicate" : status]),
    );
    expect(second.orders.map((o) => o.jobId)).toEqual(first.orders.map((o) => o.jobId));
    expect(effectCounts(tenant.state)).toEqual(afterFirst);
  }, 180_000);

  it("another tenant gets its own folder, and refuses one that belongs to the first", async () => {
    // Prepare
    const env = realTenantEnv(otherTenant);
    const firstTenantFolder = defaultStateFolder(tenant, stateRoot);

    // Act
    const run = await start([], env, stateRoot);
    const reuse = start(["--state", firstTenantFolder], env, stateRoot);

    // Assess
    expect(run.stateFolder).toBe(defaultStateFolder(otherTenant, stateRoot));
    expect(run.stateFolder).not.toBe(firstTenantFolder);
    expect(statuses(run).filter(([, status]) => status === "synced")).toHaveLength(5);
    await expect(reuse).rejects.toThrow(/tenant 1234567, not 127\.0\.0\.1:\d+ tenant 7654321/);
    expect(otherTenant.state.jobs.size).toBeGreaterThan(0);
  }, 180_000);

  it("--fresh-state starts from an empty ledger", async () => {
    // Prepare
    const env = realTenantEnv(tenant);
    const jobsBefore = tenant.state.jobs.size;

    // Act
    const fresh = await start(["--fresh-state"], env, stateRoot);

    // Assess: the ledger no longer knew the orders, so they were synced again, not found as duplicates.
    expect(fresh.stateFolder).toBe(defaultStateFolder(tenant, stateRoot));
    expect(statuses(fresh).find(([key]) => key === "example-filters:EX-1002")).toEqual([
      "example-filters:EX-1002",
      "synced",
    ]);
    expect(tenant.state.jobs.size).toBeGreaterThan(jobsBefore);
  }, 180_000);

  it("the sandbox npm start runs itself keeps nothing on disk and refuses --state", async () => {
    // Prepare
    const sandboxRoot = mkdtempSync(join(tmpdir(), "order-sync-state-"));

    // Act
    const run = await start([], {}, sandboxRoot);
    const withState = start(["--state", join(sandboxRoot, "x")], {}, sandboxRoot);

    // Assess
    expect(run.stateFolder).toBeNull();
    await expect(withState).rejects.toThrow(/--state and --fresh-state apply to a real tenant/);
    expect(existsSync(join(sandboxRoot, "x"))).toBe(false);
  }, 180_000);
});
