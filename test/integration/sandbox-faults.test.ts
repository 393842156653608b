import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { requestToken, SandboxClient } from "../../sandbox/client.ts";
import { type Exchange, seedIds } from "../../sandbox/server.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";

interface Page<T> {
  data: T[];
}

const customerBody = (name: string) => ({
  name,
  address: { street: "5 Fault Ln", city: "Testville", state: "IL", zip: "62703", country: "USA" },
  locations: [
    {
      name,
      address: { street: "5 Fault Ln", city: "Testville", state: "IL", zip: "62703", country: "USA" },
    },
  ],
});

describe("sandbox rate limit, latency and faults", () => {
  let sandbox: TestSandbox;
  let client: SandboxClient;
  const hooked: Exchange[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox({ rateLimitPerSecond: 10_000, onExchange: (e) => hooked.push(e) });
    client = new SandboxClient(sandbox);
    await client.accessToken();
  });
  afterEach(() => {
    sandbox.faults.clear();
    sandbox.setLatency(0);
  });
  afterAll(async () => {
    await sandbox.stop();
    sandbox.assertContract();
  });

  it("answers 429 with Retry-After beyond the per-second limit, then serves again after waiting", async () => {
    // Prepare: a sandbox of its own, so no earlier call sits in the 1 s window.
    const limitedSandbox = await startTestSandbox({ rateLimitPerSecond: 3 });
    const limitedClient = new SandboxClient(limitedSandbox);
    await limitedClient.accessToken();
    try {
      // Act
      const burst = await Promise.all(Array.from({ length: 6 }, () => limitedClient.get("settings", "/tag-types")));
      const limited = burst.filter((r) => r.status === 429);
      const retryAfter = Number(limited[0]?.headers.get("retry-after"));
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      const after = await limitedClient.get("settings", "/tag-types");
      // Assess
      expect(burst.filter((r) => r.status === 200)).toHaveLength(3);
      expect(limited).toHaveLength(3);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(limited[0]?.body).toMatchObject({ status: 429, title: "Too Many Requests", errors: {}, data: {} });
      expect(after.status).toBe(200);
    } finally {
      await limitedSandbox.stop();
    }
    limitedSandbox.assertContract();
  });

  it("does not count token requests against the API limit", async () => {
    // Prepare
    const limitedSandbox = await startTestSandbox({ rateLimitPerSecond: 1 });
    const fresh = new SandboxClient(limitedSandbox);
    try {
      // Act
      const tokens = await Promise.all([1, 2, 3].map(() => requestToken(limitedSandbox)));
      const first = await fresh.get("settings", "/tag-types");
      const second = await fresh.get("settings", "/tag-types");
      // Assess
      expect(tokens.map((t) => t.status)).toEqual([200, 200, 200]);
      expect(first.status).toBe(200);
      expect(second.status).toBe(429);
    } finally {
      await limitedSandbox.stop();
    }
  });

  it("status fault: answers the status with Retry-After and has no effect", async () => {
    // Prepare
    const customersBefore = sandbox.state.customers.size;
    sandbox.faults.add({
      method: "POST",
      path: "/customers",
      action: { type: "status", status: 503, retryAfterSeconds: 2 },
    });
    // Act
    const failed = await client.post("crm", "/customers", customerBody("Status Fault"));
    const next = await client.post("crm", "/customers", customerBody("Status Fault"));
    // Assess
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("2");
    expect(failed.body).toMatchObject({ status: 503 });
    expect(next.status).toBe(200);
    expect(sandbox.state.customers.size).toBe(customersBefore + 1);
  });

  it("commit-then-fail fault: the write is visible in state although the reply is a 500", async () => {
    // Prepare
    sandbox.faults.add({ operationId: "Jobs_Create", action: { type: "commit-then-fail" } });
    const jobsBefore = sandbox.state.jobs.size;
    // Act
    const reply = await client.post("jpm", "/jobs", {
      customerId: seedIds.customers.testy,
      locationId: seedIds.locations.testyHome,
      businessUnitId: seedIds.businessUnits.filtersAndProducts,
      jobTypeId: seedIds.jobTypes.filterDelivery,
      priority: "Normal",
      campaignId: seedIds.campaigns.onlineStore,
      appointments: [{ start: "2026-06-03T13:00:00Z", end: "2026-06-03T17:00:00Z" }],
      externalData: {
        applicationGuid: "3f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b",
        externalData: [{ key: "orderId", value: "lost-reply" }],
      },
    });
    // Assess
    expect(reply.status).toBe(500);
    expect(sandbox.state.jobs.size).toBe(jobsBefore + 1);
    const found = await client.get<Page<{ id: number }>>("jpm", "/jobs", {
      externalDataApplicationGuid: "3f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b",
      externalDataKey: "orderId",
      externalDataValues: "lost-reply",
    });
    expect(found.body.data).toHaveLength(1);
  });

  it("drop fault: destroys the connection and performs nothing", async () => {
    // Prepare
    sandbox.faults.add({ path: /^\/materials$/, method: "POST", action: { type: "drop" } });
    const before = sandbox.state.materials.size;
    // Act
    const attempt = client.post("pricebook", "/materials", { code: "DROP-1", description: "Dropped" });
    // Assess
    await expect(attempt).rejects.toThrow();
    expect(sandbox.state.materials.size).toBe(before);
    expect(sandbox.log.at(-1)).toMatchObject({ status: 0, operationId: "Materials_Create" });
  });

  it("delay fault and latency: the request is still served", async () => {
    // Prepare
    sandbox.setLatency(20);
    sandbox.faults.add({ operationId: "TagTypes_GetList", action: { type: "delay", ms: 30 } });
    // Act
    const reply = await client.get("settings", "/tag-types");
    // Assess
    expect(reply.status).toBe(200);
    expect(sandbox.faults.list()).toHaveLength(0);
  });

  it("times and removal: a rule fires the given number of times, remove() disarms it", async () => {
    // Prepare
    sandbox.faults.add({ operationId: "Campaigns_GetList", times: 2, action: { type: "status", status: 502 } });
    const forever = sandbox.faults.add({
      operationId: "Technicians_GetList",
      times: Number.POSITIVE_INFINITY,
      action: { type: "status", status: 500 },
    });
    // Act
    const campaigns = [];
    for (let i = 0; i < 3; i++) campaigns.push((await client.get("marketing", "/campaigns")).status);
    const techsBefore = (await client.get("settings", "/technicians")).status;
    const removed = sandbox.faults.remove(forever);
    const techsAfter = (await client.get("settings", "/technicians")).status;
    // Assess
    expect(campaigns).toEqual([502, 502, 200]);
    expect(techsBefore).toBe(500);
    expect(removed).toBe(true);
    expect(techsAfter).toBe(200);
  });

  it("probability faults fire in a reproducible pattern for a given random seed", async () => {
    // Prepare
    const pattern = async () => {
      const sb = await startTestSandbox({ randomSeed: 7, rateLimitPerSecond: 10_000 });
      const c = new SandboxClient(sb);
      sb.faults.add({
        path: "/settings/v2/tenant/1234567/tag-types",
        probability: 0.5,
        times: Number.POSITIVE_INFINITY,
        action: { type: "status", status: 503 },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await c.get("settings", "/tag-types")).status);
      await sb.stop();
      return statuses;
    };
    // Act
    const first = await pattern();
    const second = await pattern();
    // Assess
    expect(first).toEqual(second);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it("reports every exchange to onExchange after the response", async () => {
    // Prepare
    const before = hooked.length;
    // Act
    await client.get("crm", "/customers", { ids: seedIds.customers.testy });
    // Assess
    expect(hooked.length).toBe(before + 1);
    expect(hooked.at(-1)).toMatchObject({
      operationId: "Customers_GetList",
      status: 200,
      responseBody: { data: [expect.objectContaining({ id: seedIds.customers.testy })] },
    });
  });
});
