/**
 * Every endpoint function through the real client against the sandbox over loopback, with each
 * exchange checked against ServiceTitan's OpenAPI documents (`useTestSandbox` fails the file on any
 * violation). Assertions read the sandbox's state: a call "worked" when the tenant changed as it
 * should, not when the function returned.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ServiceTitanRejectedError, ServiceTitanUnavailableError } from "../../lib/errors.ts";
import { createServiceTitanClient } from "../../lib/servicetitan/client.ts";
import { addInvoiceItem, getInvoice, stDecimalToCents } from "../../lib/servicetitan/endpoints/accounting.ts";
import {
  addCustomerTag,
  addLocationTag,
  createCustomer,
  createLocation,
  getCustomer,
  listContactRelationships,
  listCustomerContacts,
  listCustomers,
  listLocations,
  searchContactMethods,
} from "../../lib/servicetitan/endpoints/crm.ts";
import { createJob, type Job, listJobs, listJobTypes } from "../../lib/servicetitan/endpoints/jpm.ts";
import { createPricebookItem, listPricebookItems } from "../../lib/servicetitan/endpoints/pricebook.ts";
import {
  listArrivalWindows,
  listBusinessUnits,
  listCampaigns,
  listTagTypes,
  listTechnicians,
} from "../../lib/servicetitan/endpoints/settings.ts";
import type { ServiceTitanHttp } from "../../lib/servicetitan/types.ts";
import { seedIds } from "../../sandbox/server.ts";
import { useTestSandbox } from "../support/sandbox.ts";

// Contact Management on: e-mail matching still goes through contact-methods; the customer-index work switches this.
const sandbox = useTestSandbox({ contactManagement: true });

/** Our application GUID for externalData stamps (any GUID the app chooses). */
const appGuid = "5e7a1c2d-0000-4000-8000-0000000000a1";
const otherGuid = seedIds.otherAppGuid;
const address = { street: "9 Fixture Road", city: "Testville", state: "IL", zip: "62704", country: "USA" };

let http: ServiceTitanHttp;

beforeAll(() => {
  http = createServiceTitanClient({
    settings: {
      apiUrl: sandbox.apiUrl,
      authUrl: sandbox.authUrl,
      tenantId: sandbox.tenantId,
      ...sandbox.credentials,
    },
  });
});

function stamp(key: string, value: string) {
  return { applicationGuid: appGuid, externalData: [{ key, value }] };
}

function byStamp(key: string, value: string) {
  return { applicationGuid: appGuid, key, values: [value] };
}

describe("crm", () => {
  it("finds a customer from an e-mail through contact methods and relationships", async () => {
    // Act
    const methods = await searchContactMethods(http, { type: "Email", value: "quinn.placeholder@example.com" });
    const relationships = await Promise.all(
      methods.map((m) => listContactRelationships(http, m.contactId, { typeSlug: "customer" })),
    );

    // Assess
    expect(methods.length).toBeGreaterThan(0);
    expect(methods.every((m) => m.type === "Email")).toBe(true);
    expect(relationships.flat()).toContainEqual({ relatedEntityId: seedIds.customers.quinn, typeSlug: "customer" });
  });

  it("lists customers by phone, by ids (including merged ones) and reads one by id", async () => {
    // Act
    const byPhone = await listCustomers(http, { phone: "5550100103", active: "Any" });
    const byIds = await listCustomers(http, {
      ids: [seedIds.customers.testy, seedIds.customers.testyMerged],
      active: "Any",
    });
    const activeOnly = await listCustomers(http, { ids: [seedIds.customers.testy, seedIds.customers.testyMerged] });
    const customer = await getCustomer(http, seedIds.customers.testy);
    const missing = await getCustomer(http, 999_999).catch((e: unknown) => e);

    // Assess
    expect(byPhone.data.map((c) => c.id)).toContain(seedIds.customers.quinn);
    const merged = byIds.data.find((c) => c.id === seedIds.customers.testyMerged);
    expect(merged).toMatchObject({ active: false, mergedToId: seedIds.customers.testy });
    expect(activeOnly.data.map((c) => c.id)).toEqual([seedIds.customers.testy]);
    expect(customer).toMatchObject({ id: seedIds.customers.testy, name: "Testy McTestface", type: "Residential" });
    expect(customer.address).toMatchObject({ street: "18 Orchard Lane", zip: "62701" });
    expect(missing).toBeInstanceOf(ServiceTitanRejectedError);
    expect((missing as ServiceTitanRejectedError).status).toBe(404);
  });

  it("lists the legacy contacts of a customer", async () => {
    // Act
    const contacts = await listCustomerContacts(http, seedIds.customers.testy);

    // Assess
    expect(contacts.map((c) => c.type).sort()).toEqual(["Email", "MobilePhone", "Phone"]);
    expect(contacts.every((c) => Number.isInteger(c.id))).toBe(true);
  });

  it("creates a customer with its location and contacts, findable by our stamp only", async () => {
    // Prepare
    const orderKey = "store-1:crm-create";

    // Act
    const created = await createCustomer(http, {
      name: "Testy Fixture",
      type: "Residential",
      address,
      locations: [
        {
          name: "Testy Fixture",
          address: { ...address, unit: "Unit 5" },
          tagTypeIds: [seedIds.tagTypes.onlineStoreLocation],
          externalData: stamp("createdByOrder", orderKey),
        },
      ],
      contacts: [
        { type: "Email", value: "testy.fixture@example.com" },
        { type: "Phone", value: "5550100199", memo: "ext. 7" },
      ],
      tagTypeIds: [seedIds.tagTypes.productOneTime],
      externalData: stamp("createdByOrder", orderKey),
    });
    const found = await listCustomers(http, { externalData: byStamp("createdByOrder", orderKey), active: "Any" });
    const foundLocations = await listLocations(http, {
      customerId: created.id,
      externalData: byStamp("createdByOrder", orderKey),
      active: "Any",
    });
    const otherApp = await listCustomers(http, {
      externalData: { applicationGuid: otherGuid, key: "createdByOrder", values: [orderKey] },
    });

    // Assess
    const record = sandbox.state.customers.get(created.id);
    expect(record).toMatchObject({ name: "Testy Fixture", tagTypeIds: [seedIds.tagTypes.productOneTime] });
    expect(record?.externalData).toContainEqual({ applicationGuid: appGuid, key: "createdByOrder", value: orderKey });
    const locationId = created.locations[0]?.id ?? -1;
    expect(sandbox.state.locations.get(locationId)).toMatchObject({
      customerId: created.id,
      address: { unit: "Unit 5" },
    });
    expect(created.contacts.map((c) => c.type).sort()).toEqual(["Email", "Phone"]);
    expect(found.data.map((c) => c.id)).toEqual([created.id]);
    expect(found.data[0]?.externalData).toEqual([{ key: "createdByOrder", value: orderKey }]);
    expect(foundLocations.data.map((l) => l.id)).toEqual([locationId]);
    expect(otherApp.data).toEqual([]);
  });

  it("creates a location for an existing customer and tags customer and location additively", async () => {
    // Prepare
    const customerId = seedIds.customers.quinn;
    const before = [...(sandbox.state.customers.get(customerId)?.tagTypeIds ?? [])];

    // Act
    const location = await createLocation(http, {
      customerId,
      name: "Quinn Placeholder - Cabin",
      address,
      externalData: stamp("createdByOrder", "store-1:crm-location"),
    });
    const customerTags = await addCustomerTag(http, customerId, seedIds.tagTypes.productSubscription);
    const again = await addCustomerTag(http, customerId, seedIds.tagTypes.productSubscription);
    const locationTags = await addLocationTag(http, location.id, seedIds.tagTypes.subscriberLocation);
    const listed = await listLocations(http, { customerId, active: "Any", pageSize: 200 });

    // Assess
    expect(sandbox.state.locations.get(location.id)).toMatchObject({ customerId, name: "Quinn Placeholder - Cabin" });
    expect(sandbox.state.customers.get(customerId)?.tagTypeIds).toEqual([
      ...before,
      seedIds.tagTypes.productSubscription,
    ]);
    expect(customerTags.tagTypeIds).toContain(seedIds.tagTypes.productSubscription);
    expect(again.tagTypeIds).toEqual(customerTags.tagTypeIds);
    expect(sandbox.state.locations.get(location.id)?.tagTypeIds).toEqual([seedIds.tagTypes.subscriberLocation]);
    expect(locationTags).toEqual({ locationId: location.id, tagTypeIds: [seedIds.tagTypes.subscriberLocation] });
    expect(listed.data.map((l) => l.id)).toEqual(expect.arrayContaining([seedIds.locations.quinnHome, location.id]));
  });

  it("reports a location for an unknown customer as a permanent rejection", async () => {
    // Act
    const error = await createLocation(http, { customerId: 999_999, name: "Nobody", address }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanRejectedError);
    expect((error as ServiceTitanRejectedError).status).toBe(409);
    expect([...sandbox.state.locations.values()].some((l) => l.customerId === 999_999)).toBe(false);
  });
});

describe("pricebook", () => {
  it("searches by text (a contains match) and by id", async () => {
    // Act
    const search = await listPricebookItems(http, "material", { searchText: "FLT-16x25x1", active: "Any" });
    const byId = await listPricebookItems(http, "equipment", { ids: [seedIds.equipment.humidifier] });

    // Assess
    expect(search.data.map((i) => i.code).sort()).toEqual(["FLT-16x25x1", "FLT-16x25x1-M11"]);
    expect(search.data.find((i) => i.code === "FLT-16x25x1")).toMatchObject({
      id: seedIds.materials.filter16x25x1,
      price: 14.99,
    });
    expect(byId.data).toMatchObject([{ id: seedIds.equipment.humidifier, code: "HUM-500" }]);
  });

  it("creates a material and a service with the accounts each kind has", async () => {
    // Prepare
    const accounts = { account: "Product Sales", costOfSaleAccount: "Cost of Goods", assetAccount: "Inventory" };

    // Act
    const material = await createPricebookItem(http, "material", {
      code: "FLT-TEST-1",
      displayName: "Fixture Filter",
      description: "Fixture filter for tests",
      price: 21.5,
      active: true,
      externalData: stamp("createdByOrder", "store-1:pb"),
      ...accounts,
    });
    const service = await createPricebookItem(http, "service", {
      code: "SVC-TEST-1",
      description: "Fixture service",
      price: 75,
      ...accounts,
    });
    const stamped = await listPricebookItems(http, "material", {
      externalData: byStamp("createdByOrder", "store-1:pb"),
      active: "Any",
    });

    // Assess
    expect(sandbox.state.materials.get(material.id)).toMatchObject({
      code: "FLT-TEST-1",
      price: 21.5,
      account: "Product Sales",
      costOfSaleAccount: "Cost of Goods",
      assetAccount: "Inventory",
    });
    expect(sandbox.state.services.get(service.id)).toMatchObject({
      code: "SVC-TEST-1",
      account: "Product Sales",
      costOfSaleAccount: null,
    });
    expect(stamped.data.map((i) => i.id)).toEqual([material.id]);
    expect(stamped.data[0]?.externalData).toEqual([{ key: "createdByOrder", value: "store-1:pb" }]);
  });
});

describe("jobs and invoices", () => {
  let job: Job;

  beforeAll(async () => {
    job = await createJob(http, {
      customerId: seedIds.customers.testy,
      locationId: seedIds.locations.testyHome,
      businessUnitId: seedIds.businessUnits.filtersAndProducts,
      jobTypeId: seedIds.jobTypes.filterDelivery,
      priority: "Normal",
      campaignId: seedIds.campaigns.onlineStore,
      appointments: [
        {
          start: "2026-03-02T14:00:00Z",
          end: "2026-03-02T18:00:00Z",
          arrivalWindowStart: "2026-03-02T14:00:00Z",
          arrivalWindowEnd: "2026-03-02T18:00:00Z",
          technicianIds: [seedIds.technicians.deliveryTech],
        },
      ],
      summary: "Product order 1001 from online store",
      tagTypeIds: [seedIds.tagTypes.onlineOrderJob],
      externalData: stamp("orderKey", "store-1:1001"),
    });
  });

  it("creates a job whose invoice exists, findable by the order stamp", async () => {
    // Act
    const found = await listJobs(http, { externalData: byStamp("orderKey", "store-1:1001") });
    const none = await listJobs(http, { externalData: byStamp("orderKey", "store-1:nope") });

    // Assess
    expect(sandbox.state.jobs.get(job.id)).toMatchObject({
      customerId: seedIds.customers.testy,
      locationId: seedIds.locations.testyHome,
      campaignId: seedIds.campaigns.onlineStore,
      tagTypeIds: [seedIds.tagTypes.onlineOrderJob],
    });
    expect(sandbox.state.invoices.has(job.invoiceId)).toBe(true);
    expect(found.data.map((j) => j.id)).toEqual([job.id]);
    expect(found.data[0]?.externalData).toEqual([{ key: "orderKey", value: "store-1:1001" }]);
    expect(none.data).toEqual([]);
  });

  it("appends invoice items one per call and reads them back with their money", async () => {
    // Act
    await addInvoiceItem(http, job.invoiceId, {
      skuId: seedIds.materials.filter16x25x1,
      description: "Pleated air filter 16x25x1",
      quantity: 2,
      unitPrice: 14.99,
    });
    await addInvoiceItem(http, job.invoiceId, {
      skuId: seedIds.services.filterInstall,
      description: "Filter installation",
      quantity: 1,
      unitPrice: 89,
    });
    const invoice = await getInvoice(http, job.invoiceId);
    const missing = await getInvoice(http, 999_999);

    // Assess
    const stored = sandbox.state.invoices.get(job.invoiceId)?.items ?? [];
    expect(stored.map((i) => [i.skuId, i.quantity, i.unitPriceCents])).toEqual([
      [seedIds.materials.filter16x25x1, 2, 1499],
      [seedIds.services.filterInstall, 1, 8900],
    ]);
    expect(invoice?.job?.id).toBe(job.id);
    expect(invoice?.items.map((i) => [i.skuId, Number(i.quantity), stDecimalToCents(i.price), i.type])).toEqual([
      [seedIds.materials.filter16x25x1, 2, 1499, "Material"],
      [seedIds.services.filterInstall, 1, 8900, "Service"],
    ]);
    expect(stDecimalToCents(invoice?.subTotal ?? "")).toBe(2 * 1499 + 8900);
    expect(missing).toBeUndefined();
  });

  it("lists job types by id", async () => {
    // Act
    const jobTypes = await listJobTypes(http, {
      ids: [seedIds.jobTypes.filterDelivery, seedIds.jobTypes.serviceVisit],
    });

    // Assess
    expect(jobTypes.map((t) => t.id).sort()).toEqual([seedIds.jobTypes.filterDelivery, seedIds.jobTypes.serviceVisit]);
    expect(jobTypes.find((t) => t.id === seedIds.jobTypes.filterDelivery)?.businessUnitIds).toEqual([
      seedIds.businessUnits.filtersAndProducts,
    ]);
  });
});

describe("reference data", () => {
  it("reads tag types, business units, technicians, campaigns and arrival windows", async () => {
    // Act
    const tagTypes = await listTagTypes(http, {
      ids: [seedIds.tagTypes.productOneTime, seedIds.tagTypes.onlineOrderJob],
    });
    const businessUnits = await listBusinessUnits(http, { ids: [seedIds.businessUnits.residentialService] });
    const technicians = await listTechnicians(http, { ids: [seedIds.technicians.deliveryTech], active: "True" });
    const activeCampaigns = await listCampaigns(http, {});
    const allCampaigns = await listCampaigns(http, { active: "Any" });
    const windows = await listArrivalWindows(http, { active: "True" });

    // Assess
    expect(tagTypes.map((t) => t.id).sort()).toEqual([
      seedIds.tagTypes.productOneTime,
      seedIds.tagTypes.onlineOrderJob,
    ]);
    expect(businessUnits).toMatchObject([
      { id: seedIds.businessUnits.residentialService, name: "Residential Service" },
    ]);
    expect(technicians).toEqual([
      {
        id: seedIds.technicians.deliveryTech,
        name: "Delivery Tech",
        active: true,
        businessUnitId: seedIds.businessUnits.filtersAndProducts,
      },
    ]);
    expect(activeCampaigns.map((c) => c.id)).not.toContain(seedIds.campaigns.retiredMailer);
    expect(allCampaigns.map((c) => c.id)).toContain(seedIds.campaigns.retiredMailer);
    expect(windows.find((w) => w.id === seedIds.arrivalWindows.morning)).toMatchObject({
      startMinutes: 8 * 60,
      durationMinutes: 4 * 60,
    });
  });
});

describe("client behaviour against the sandbox", () => {
  it("renews an expired token after a 401 and carries on", async () => {
    // Prepare
    await listTagTypes(http);
    const tokensBefore = http.stats.tokenRequests;
    for (const issued of sandbox.state.tokens.values()) issued.expiresAt = Date.now() - 1;

    // Act
    const campaigns = await listCampaigns(http, { ids: [seedIds.campaigns.onlineStore] });

    // Assess
    expect(campaigns.map((c) => c.id)).toEqual([seedIds.campaigns.onlineStore]);
    expect(http.stats.tokenRequests).toBe(tokensBefore + 1);
  });

  it("waits out a 429 and retries", async () => {
    // Prepare
    sandbox.faults.add({
      operationId: "BusinessUnits_GetList",
      action: { type: "status", status: 429, retryAfterSeconds: 1 },
    });
    const rateLimitedBefore = http.stats.rateLimited;

    // Act
    const units = await listBusinessUnits(http, { ids: [seedIds.businessUnits.filtersAndProducts] });

    // Assess
    expect(units.map((u) => u.id)).toEqual([seedIds.businessUnits.filtersAndProducts]);
    expect(http.stats.rateLimited).toBe(rateLimitedBefore + 1);
  });

  it("retries a read after a 503", async () => {
    // Prepare
    sandbox.faults.add({ operationId: "Technicians_GetList", action: { type: "status", status: 503 } });
    const sentBefore = sandbox.log.filter((e) => e.operationId === "Technicians_GetList").length;

    // Act
    const technicians = await listTechnicians(http, { ids: [seedIds.technicians.deliveryTech] });

    // Assess
    expect(technicians).toHaveLength(1);
    expect(sandbox.log.filter((e) => e.operationId === "Technicians_GetList").length).toBe(sentBefore + 2);
  });

  it("does not resend a write whose reply was lost; the record exists once", async () => {
    // Prepare
    sandbox.faults.add({ operationId: "Jobs_Create", action: { type: "commit-then-fail", status: 502 } });
    const sentBefore = sandbox.log.filter((e) => e.operationId === "Jobs_Create").length;

    // Act
    const error = await createJob(http, {
      customerId: seedIds.customers.quinn,
      locationId: seedIds.locations.quinnHome,
      businessUnitId: seedIds.businessUnits.residentialService,
      jobTypeId: seedIds.jobTypes.serviceVisit,
      priority: "High",
      campaignId: seedIds.campaigns.onlineStore,
      appointments: [{ start: "2026-03-03T14:00:00Z", end: "2026-03-03T16:00:00Z" }],
      externalData: stamp("orderKey", "store-1:lost-reply"),
    }).catch((e: unknown) => e);
    const reconciled = await listJobs(http, { externalData: byStamp("orderKey", "store-1:lost-reply") });

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanUnavailableError);
    expect(sandbox.log.filter((e) => e.operationId === "Jobs_Create").length).toBe(sentBefore + 1);
    expect(reconciled.data).toHaveLength(1);
  });
});
