import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxClient } from "../../sandbox/client.ts";
import { seedIds } from "../../sandbox/server.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";

const ourGuid = "3f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";

interface Page<T> {
  data: T[];
}
interface Job {
  id: number;
  jobNumber: string;
  invoiceId: number;
  tagTypeIds: number[];
  appointmentCount: number;
  firstAppointmentId: number;
  priority: string;
  total: number | null;
  externalData: { key: string; value: string }[];
}
interface InvoiceItem {
  id: number;
  skuId: number;
  skuName: string | null;
  type: string;
  description: string | null;
  quantity: string | null;
  price: string | null;
  total: string | null;
  order: number;
}
interface Invoice {
  id: number;
  subTotal: string | null;
  total: string | null;
  job: { id: number; number: string | null } | null;
  /** null until a line is added (api-notes §0.3). */
  items: InvoiceItem[] | null;
}

function jobBody(orderId: string, overrides: Record<string, unknown> = {}) {
  return {
    customerId: seedIds.customers.testy,
    locationId: seedIds.locations.testyHome,
    businessUnitId: seedIds.businessUnits.filtersAndProducts,
    jobTypeId: seedIds.jobTypes.filterDelivery,
    priority: "Normal",
    campaignId: seedIds.campaigns.onlineStore,
    appointments: [
      {
        start: "2026-06-02T13:00:00Z",
        end: "2026-06-02T17:00:00Z",
        arrivalWindowStart: "2026-06-02T13:00:00Z",
        arrivalWindowEnd: "2026-06-02T17:00:00Z",
        technicianIds: [seedIds.technicians.deliveryTech],
      },
    ],
    summary: `Online order ${orderId}`,
    tagTypeIds: [seedIds.tagTypes.onlineOrderJob],
    externalData: { applicationGuid: ourGuid, externalData: [{ key: "orderId", value: orderId }] },
    ...overrides,
  };
}

describe("sandbox jobs and invoices", () => {
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

  async function readInvoice(id: number): Promise<Invoice> {
    const reply = await client.get<Page<Invoice>>("accounting", "/invoices", { ids: id });
    const invoice = reply.body.data[0];
    if (!invoice) throw new Error(`invoice ${id} not listed`);
    return invoice;
  }

  describe("jobs", () => {
    it("creates a job with its appointment and its invoice: items null, money as strings", async () => {
      // Prepare
      const body = jobBody("ord-100");
      // Act
      const reply = await client.post<Job>("jpm", "/jobs", body);
      // Assess
      expect(reply.status).toBe(200);
      const job = reply.body;
      expect(job).toMatchObject({
        priority: "Normal",
        appointmentCount: 1,
        tagTypeIds: [seedIds.tagTypes.onlineOrderJob],
        externalData: [{ key: "orderId", value: "ord-100" }],
      });
      expect(sandbox.state.appointments.get(job.firstAppointmentId)?.technicianIds).toEqual([
        seedIds.technicians.deliveryTech,
      ]);
      const invoice = await readInvoice(job.invoiceId);
      expect(invoice).toMatchObject({ subTotal: "0.00", total: "0.00", job: { id: job.id } });
      expect(invoice.items).toBeNull();
    });

    it("answers 422 when campaignId is missing (as observed live)", async () => {
      // Prepare
      const { campaignId: _omitted, ...body } = jobBody("ord-422");
      const jobsBefore = sandbox.state.jobs.size;
      // Act
      const reply = await client.post("jpm", "/jobs", body);
      // Assess
      expect(reply.status).toBe(422);
      expect(reply.body).toMatchObject({ status: 422, errors: { campaignId: expect.any(Array) } });
      expect(sandbox.state.jobs.size).toBe(jobsBefore);
      expect(sandbox.takeViolations().map((v) => v.message)).toEqual([expect.stringContaining("campaignId")]);
    });

    it("answers 400 naming every unknown reference", async () => {
      // Prepare
      const body = jobBody("ord-400", {
        customerId: 999_001,
        businessUnitId: 999_002,
        jobTypeId: 999_003,
        campaignId: 999_004,
        priority: "Whenever",
        appointments: [{ start: "2026-06-02T13:00:00Z", end: "2026-06-02T17:00:00Z", technicianIds: [999_005] }],
      });
      // Act
      const reply = await client.post("jpm", "/jobs", body);
      // Assess
      expect(reply.status).toBe(400);
      expect(Object.keys((reply.body as { errors: object }).errors).sort()).toEqual([
        "appointments[0].technicianIds",
        "businessUnitId",
        "campaignId",
        "customerId",
        "jobTypeId",
        "locationId",
        "priority",
      ]);
    });

    it("refuses a location of another customer and a merged (inactive) customer", async () => {
      // Prepare / Act
      const foreign = await client.post("jpm", "/jobs", jobBody("ord-f", { locationId: seedIds.locations.quinnHome }));
      const merged = await client.post(
        "jpm",
        "/jobs",
        jobBody("ord-m", {
          customerId: seedIds.customers.testyMerged,
          locationId: seedIds.locations.testyMergedHome,
        }),
      );
      // Assess
      expect(foreign.body).toMatchObject({ status: 400, errors: { locationId: expect.any(Array) } });
      expect(merged.body).toMatchObject({ status: 400, errors: { customerId: expect.any(Array) } });
    });

    it("finds jobs by externalData, customerId and ids; gets one", async () => {
      // Prepare
      const created = await client.post<Job>("jpm", "/jobs", jobBody("ord-find"));
      // Act
      const byStamp = await client.get<Page<Job>>("jpm", "/jobs", {
        externalDataApplicationGuid: ourGuid,
        externalDataKey: "orderId",
        externalDataValues: "ord-find",
      });
      const byCustomer = await client.get<Page<Job>>("jpm", "/jobs", { customerId: seedIds.customers.quinn });
      const byIds = await client.get<Page<Job>>("jpm", "/jobs", { ids: created.body.id });
      const one = await client.get<Job>("jpm", `/jobs/${created.body.id}`);
      const missing = await client.get("jpm", "/jobs/1");
      // Assess
      expect(byStamp.body.data.map((j) => j.id)).toEqual([created.body.id]);
      expect(byCustomer.body.data).toEqual([]);
      expect(byIds.body.data[0]?.externalData).toEqual([]);
      expect(one.body.invoiceId).toBe(created.body.invoiceId);
      expect(missing.status).toBe(404);
    });

    it("lists job types with the fixed seed ids", async () => {
      // Prepare / Act
      const reply = await client.get<Page<{ id: number; name: string; businessUnitIds: number[] }>>(
        "jpm",
        "/job-types",
        { name: "delivery" },
      );
      // Assess
      expect(reply.body.data).toEqual([
        expect.objectContaining({
          id: seedIds.jobTypes.filterDelivery,
          name: "Filter Delivery",
          businessUnitIds: [seedIds.businessUnits.filtersAndProducts],
        }),
      ]);
    });
  });

  describe("invoice items", () => {
    let job: Job;
    beforeAll(async () => {
      job = (await client.post<Job>("jpm", "/jobs", jobBody("ord-inv"))).body;
    });

    it("appends one item per PATCH and recomputes the totals (money as strings)", async () => {
      // Prepare
      const path = `/invoices/${job.invoiceId}/items`;
      // Act
      const first = await client.patch("accounting", path, {
        skuId: seedIds.materials.filter16x25x1,
        description: "Filter 16x25x1",
        quantity: 3,
        unitPrice: 14.99,
      });
      await client.patch("accounting", path, {
        skuId: seedIds.services.filterInstall,
        description: "Install",
        quantity: 1,
        unitPrice: 89,
      });
      // Assess
      expect(first.status).toBe(200);
      const invoice = await readInvoice(job.invoiceId);
      expect(invoice.items?.map((i) => [i.skuId, i.skuName, i.type, i.quantity, i.price, i.total, i.order])).toEqual([
        [seedIds.materials.filter16x25x1, "FLT-16x25x1", "Material", "3.00", "14.99", "44.97", 1],
        [seedIds.services.filterInstall, "SVC-FILTER-INSTALL", "Service", "1.00", "89.00", "89.00", 2],
      ]);
      expect(invoice).toMatchObject({ subTotal: "133.97", total: "133.97" });
      expect((await client.get<Job>("jpm", `/jobs/${job.id}`)).body.total).toBe(133.97);
    });

    it("ignores a field called price: the line is added at 0.00", async () => {
      // Prepare
      const before = (await readInvoice(job.invoiceId)).items?.length ?? 0;
      // Act
      await client.patch("accounting", `/invoices/${job.invoiceId}/items`, {
        skuId: seedIds.materials.filter20x25x1,
        description: "Wrong money field",
        quantity: 1,
        price: 15.99,
      });
      // Assess
      const invoice = await readInvoice(job.invoiceId);
      expect(invoice.items).toHaveLength(before + 1);
      expect(invoice.items?.at(-1)).toMatchObject({ price: "0.00", total: "0.00" });
      expect(sandbox.takeViolations().map((v) => v.message)).toEqual([expect.stringContaining('"price"')]);
    });

    it("answers 500 'Sku (Name:) is not found.' for an append without skuId/skuName, resolves skuName by code", async () => {
      // Prepare
      const path = `/invoices/${job.invoiceId}/items`;
      const before = (await readInvoice(job.invoiceId)).items?.length ?? 0;
      // Act
      const noSku = await client.patch("accounting", path, { description: "No sku", quantity: 1, unitPrice: 5 });
      const byName = await client.patch("accounting", path, {
        skuName: "HUM-500",
        description: "By name",
        quantity: 1,
        unitPrice: 499,
      });
      // Assess
      expect(noSku.status).toBe(500);
      expect(noSku.body).toMatchObject({ title: "Sku (Name:) is not found." });
      expect(byName.status).toBe(200);
      const invoice = await readInvoice(job.invoiceId);
      expect(invoice.items).toHaveLength(before + 1);
      expect(invoice.items?.at(-1)).toMatchObject({ skuId: seedIds.equipment.humidifier, type: "Equipment" });
    });

    it("updates an item when id is given and deletes an item", async () => {
      // Prepare
      const items = (await readInvoice(job.invoiceId)).items ?? [];
      const target = items[0];
      const victim = items[1];
      if (!target || !victim) throw new Error("expected two items");
      // Act
      await client.patch("accounting", `/invoices/${job.invoiceId}/items`, {
        id: target.id,
        description: "Filter 16x25x1 (corrected)",
        quantity: 2,
        unitPrice: 14.99,
      });
      const deleted = await client.call("DELETE", "accounting", `/invoices/${job.invoiceId}/items/${victim.id}`);
      // Assess
      expect(deleted.status).toBe(200);
      const after = await readInvoice(job.invoiceId);
      expect(after.items?.find((i) => i.id === target.id)).toMatchObject({ quantity: "2.00", total: "29.98" });
      expect(after.items?.some((i) => i.id === victim.id)).toBe(false);
    });

    it("requires description and quantity, rejects unknown skuId, 404s unknown invoices", async () => {
      // Prepare
      const path = `/invoices/${job.invoiceId}/items`;
      // Act
      const missing = await client.patch("accounting", path, { skuId: seedIds.materials.filter16x25x1 });
      const unknownSku = await client.patch("accounting", path, { skuId: 1, description: "x", quantity: 1 });
      const unknownInvoice = await client.patch("accounting", "/invoices/1/items", {
        skuId: seedIds.materials.filter16x25x1,
        description: "x",
        quantity: 1,
      });
      // Assess
      expect(Object.keys((missing.body as { errors: object }).errors).sort()).toEqual(["description", "quantity"]);
      expect(unknownSku.body).toMatchObject({ status: 400, errors: { skuId: expect.any(Array) } });
      expect(unknownInvoice.status).toBe(404);
      expect(sandbox.takeViolations()).toHaveLength(2); // the body missing description and quantity
    });

    it("lists invoices by jobId", async () => {
      // Prepare / Act
      const reply = await client.get<Page<Invoice>>("accounting", "/invoices", { jobId: job.id });
      // Assess
      expect(reply.body.data.map((i) => i.id)).toEqual([job.invoiceId]);
    });
  });
});
