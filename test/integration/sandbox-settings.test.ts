import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxClient } from "../../sandbox/client.ts";
import { seedIds } from "../../sandbox/server.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";

interface Page<T> {
  page: number;
  hasMore: boolean;
  totalCount: number | null;
  data: T[];
}
interface Named {
  id: number;
  name: string;
  active: boolean;
}

describe("sandbox settings, marketing and dispatch lookups", () => {
  let sandbox: TestSandbox;
  let client: SandboxClient;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ rateLimitPerSecond: 10_000 });
    client = new SandboxClient(sandbox);
  });
  afterAll(async () => {
    await sandbox.stop();
    sandbox.assertContract();
  });

  it("serves the fixed tag types", async () => {
    // Prepare / Act
    const reply = await client.get<Page<Named>>("settings", "/tag-types", { pageSize: 100 });
    // Assess
    expect(reply.body.data.map((t) => [t.id, t.name])).toEqual([
      [1101, "Online - Product One-Time"],
      [1102, "Online - Product Subscription"],
      [1103, "Online - Service One-Time"],
      [1104, "Online - Service Subscription"],
      [1105, "Online Store Location"],
      [1106, "Online Order Job"],
      [1107, "Subscriber Location"],
      [1108, "Online - Check Invoice Total"],
      [1109, "Online - Paid"],
      [1110, "Online - Cancelled, Check"],
      [1111, "Online - Refunded"],
    ]);
  });

  it("serves business units, filterable by ids and name", async () => {
    // Prepare / Act
    const all = await client.get<Page<Named>>("settings", "/business-units");
    const byName = await client.get<Page<Named>>("settings", "/business-units", { name: "residential" });
    const byIds = await client.get<Page<Named>>("settings", "/business-units", { ids: "501" });
    // Assess
    expect(all.body.data.map((b) => [b.id, b.name])).toEqual([
      [501, "Filters & Products"],
      [502, "Residential Service"],
    ]);
    expect(byName.body.data.map((b) => b.id)).toEqual([502]);
    expect(byIds.body.data.map((b) => b.id)).toEqual([501]);
  });

  it("serves the technician", async () => {
    // Prepare / Act
    const reply = await client.get<Page<Named & { businessUnitId: number }>>("settings", "/technicians", {
      ids: seedIds.technicians.deliveryTech,
    });
    // Assess
    expect(reply.body.data).toEqual([
      expect.objectContaining({ id: 801, name: "Delivery Tech", businessUnitId: 501, active: true }),
    ]);
  });

  it("serves campaigns, the inactive one only with active=Any", async () => {
    // Prepare / Act
    const active = await client.get<Page<Named>>("marketing", "/campaigns");
    const any = await client.get<Page<Named>>("marketing", "/campaigns", { active: "Any" });
    // Assess
    expect(active.body.data.map((c) => [c.id, c.name])).toEqual([[701, "Online Store"]]);
    expect(any.body.data.map((c) => c.id)).toEqual([701, 702]);
  });

  it("serves arrival windows with time-of-day start and duration", async () => {
    // Prepare / Act
    const reply = await client.get<Page<{ id: number; start: string; duration: string }>>(
      "dispatch",
      "/arrival-windows",
    );
    // Assess
    expect(reply.body.data.map((a) => [a.id, a.start, a.duration])).toEqual([
      [901, "08:00:00", "04:00:00"],
      [902, "12:00:00", "04:00:00"],
    ]);
  });

  it("pages reference data", async () => {
    // Prepare / Act
    const first = await client.get<Page<Named>>("settings", "/tag-types", { pageSize: 5, includeTotal: true });
    const second = await client.get<Page<Named>>("settings", "/tag-types", { pageSize: 5, page: 3 });
    // Assess
    expect(first.body).toMatchObject({ page: 1, hasMore: true, totalCount: 11 });
    expect(second.body.data.map((t) => t.id)).toEqual([1111]);
    expect(second.body.hasMore).toBe(false);
  });

  it("reflects records a test writes straight into state", async () => {
    // Prepare
    const bu = sandbox.state.businessUnits.get(502);
    if (!bu) throw new Error("seed missing");
    sandbox.state.businessUnits.set(599, { ...bu, id: 599, name: "Test-Only Unit", active: false });
    // Act
    const reply = await client.get<Page<Named>>("settings", "/business-units", { active: "False" });
    // Assess
    expect(reply.body.data.map((b) => b.id)).toEqual([599]);
  });
});
