import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxClient } from "../../sandbox/client.ts";
import { seedIds } from "../../sandbox/server.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";

const ourGuid = "3f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";

interface Page<T> {
  hasMore: boolean;
  totalCount: number | null;
  data: T[];
}
interface Sku {
  id: number;
  code: string;
  active: boolean;
  price: number;
  externalData: { key: string; value: string }[] | null;
}

describe("sandbox pricebook", () => {
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

  it("searchText is a case-insensitive partial match, so codes that prefix others return both", async () => {
    // Prepare: seeded FLT-16x25x1 and FLT-16x25x1-M11.
    // Act
    const reply = await client.get<Page<Sku>>("pricebook", "/materials", { searchText: "flt-16x25x1" });
    const byDescription = await client.get<Page<Sku>>("pricebook", "/materials", { searchText: "MERV 11" });
    // Assess
    expect(reply.body.data.map((s) => s.code)).toEqual(["FLT-16x25x1", "FLT-16x25x1-M11"]);
    expect(byDescription.body.data.map((s) => s.id)).toEqual([seedIds.materials.filter16x25x1Merv11]);
  });

  it("lists active items by default and inactive ones with active=Any", async () => {
    // Prepare / Act
    const active = await client.get<Page<Sku>>("pricebook", "/materials", { searchText: "14x20" });
    const any = await client.get<Page<Sku>>("pricebook", "/materials", { searchText: "14x20", active: "Any" });
    // Assess
    expect(active.body.data).toEqual([]);
    expect(any.body.data.map((s) => s.id)).toEqual([seedIds.materials.retiredFilter]);
  });

  it("rejects a searchText outside the spec's 2–200 characters, naming the field", async () => {
    // Prepare / Act
    const short = await client.get("pricebook", "/materials", { searchText: "F" });
    const long = await client.get("pricebook", "/services", { searchText: "F".repeat(201) });
    const longest = await client.get("pricebook", "/equipment", { searchText: "F".repeat(200) });
    // Assess
    expect([short.status, long.status, longest.status]).toEqual([400, 400, 200]);
    expect(short.body).toMatchObject({ errors: { searchText: expect.any(Array) } });
    expect(long.body).toMatchObject({ errors: { searchText: expect.any(Array) } });
  });

  it("creates materials, equipment and services with 201 and ids distinct across kinds", async () => {
    // Prepare
    const stamp = (code: string) => ({ applicationGuid: ourGuid, externalData: [{ key: "sku", value: code }] });
    // Act
    const material = await client.post<Sku>("pricebook", "/materials", {
      code: "FLT-NEW-1",
      description: "New filter",
      price: 12.5,
      costOfSaleAccount: "Cost of Goods",
      externalData: stamp("FLT-NEW-1"),
    });
    const equipment = await client.post<Sku>("pricebook", "/equipment", {
      code: "FLT-NEW-1",
      description: "Same code, other kind",
    });
    const service = await client.post<Sku>("pricebook", "/services", { code: "SVC-NEW-1", description: "Visit" });
    // Assess
    expect([material.status, equipment.status, service.status]).toEqual([201, 201, 201]);
    expect(material.body).toMatchObject({ code: "FLT-NEW-1", price: 12.5, active: true });
    expect(material.body.externalData).toEqual([{ key: "sku", value: "FLT-NEW-1" }]);
    expect(new Set([material.body.id, equipment.body.id, service.body.id]).size).toBe(3);
    expect(sandbox.state.materials.get(material.body.id)?.costOfSaleAccount).toBe("Cost of Goods");
  });

  it("accepts a duplicate code by default: that live ServiceTitan refuses one is undocumented", async () => {
    // Prepare: FLT-16x25x1 is seeded.
    // Act
    const reply = await client.post<Sku>("pricebook", "/materials", { code: "FLT-16x25x1", description: "Dup" });
    // Assess
    expect(reply.status).toBe(201);
    const sameCode = [...sandbox.state.materials.values()].filter((s) => s.code === "FLT-16x25x1");
    expect(sameCode).toHaveLength(2);
    sandbox.state.materials.delete(reply.body.id);
  });

  it("refuses a duplicate code of the same kind with a 400 naming code when switched to unique codes", async () => {
    // Prepare: FLT-16x25x1 is seeded.
    const unique = await startTestSandbox({ uniquePricebookCodes: true });
    try {
      // Act
      const reply = await new SandboxClient(unique).post("pricebook", "/materials", {
        code: "flt-16x25x1",
        description: "Dup",
      });
      // Assess
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ errors: { code: expect.any(Array) } });
    } finally {
      await unique.stop();
      unique.assertContract();
    }
  });

  it("requires code and description", async () => {
    // Prepare / Act
    const reply = await client.post("pricebook", "/services", { displayName: "No code" });
    // Assess
    expect(reply.status).toBe(400);
    expect(Object.keys((reply.body as { errors: object }).errors).sort()).toEqual(["code", "description"]);
    expect(sandbox.takeViolations()).toHaveLength(2);
  });

  it("finds our items by externalData and by ids, gets and patches them", async () => {
    // Prepare
    const created = await client.post<Sku>("pricebook", "/services", {
      code: "SVC-STAMPED",
      description: "Stamped service",
      externalData: { applicationGuid: ourGuid, externalData: [{ key: "sku", value: "SVC-STAMPED" }] },
    });
    // Act
    const byStamp = await client.get<Page<Sku>>("pricebook", "/services", {
      externalDataApplicationGuid: ourGuid,
      externalDataKey: "sku",
      externalDataValues: "SVC-STAMPED",
    });
    const byIds = await client.get<Page<Sku>>("pricebook", "/services", {
      ids: `${created.body.id},${seedIds.services.tuneUp}`,
    });
    const patched = await client.patch<Sku>("pricebook", `/services/${created.body.id}`, { price: 99, active: false });
    const fetched = await client.get<Sku>("pricebook", `/services/${created.body.id}`);
    const missing = await client.get("pricebook", "/equipment/1");
    // Assess
    expect(byStamp.body.data.map((s) => s.id)).toEqual([created.body.id]);
    expect(byIds.body.data.map((s) => s.id)).toEqual([seedIds.services.tuneUp, created.body.id]);
    expect(patched.body).toMatchObject({ price: 99, active: false });
    expect(fetched.body).toMatchObject({ price: 99, active: false });
    expect(missing.status).toBe(404);
  });

  it("pages and sorts by code", async () => {
    // Prepare / Act
    const page1 = await client.get<Page<Sku>>("pricebook", "/materials", { sort: "-Code", pageSize: 2 });
    const page2 = await client.get<Page<Sku>>("pricebook", "/materials", { sort: "-Code", pageSize: 2, page: 2 });
    // Assess
    const codes = [...page1.body.data, ...page2.body.data].map((s) => s.code);
    expect(codes).toEqual([...codes].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? 1 : -1)));
    expect(page1.body.hasMore).toBe(true);
  });
});
