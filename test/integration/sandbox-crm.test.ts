import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxClient } from "../../sandbox/client.ts";
import { defaultSeed, seedIds } from "../../sandbox/server.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";

const ourGuid = "3f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";

interface Page<T> {
  page: number;
  pageSize: number;
  hasMore: boolean;
  totalCount: number | null;
  data: T[];
}
interface Customer {
  id: number;
  active: boolean;
  name: string;
  mergedToId: number | null;
  tagTypeIds: number[];
  externalData: { key: string; value: string }[];
}
interface CreatedCustomer extends Customer {
  locations: { id: number; customerId: number; tagTypeIds: number[]; contacts: { id: number; value: string }[] }[];
  contacts: { id: number; type: string; value: string }[];
}

const address = { street: "9 Fixture Ct", city: "Testville", state: "IL", zip: "62703", country: "USA" };

function newCustomerBody(email: string) {
  return {
    name: "Newton Fixture",
    address,
    contacts: [
      { type: "Email", value: email },
      { type: "MobilePhone", value: "555-010-0150" },
    ],
    locations: [
      {
        name: "Newton Fixture",
        address: { ...address, unit: "Unit 4" },
        contacts: [{ type: "Phone", value: "(555) 010-0151" }],
        tagTypeIds: [seedIds.tagTypes.onlineStoreLocation],
        externalData: { applicationGuid: ourGuid, externalData: [{ key: "orderId", value: "ord-1" }] },
      },
    ],
    tagTypeIds: [seedIds.tagTypes.productOneTime],
    externalData: { applicationGuid: ourGuid, externalData: [{ key: "email", value: email }] },
  };
}

describe("sandbox CRM", () => {
  let sandbox: TestSandbox;
  let client: SandboxClient;

  beforeAll(async () => {
    const seed = defaultSeed();
    // Extra customers so paging has more than one page.
    for (let i = 0; i < 5; i++) {
      seed.customers.push({
        id: 2100 + i,
        name: `Paging Example ${i}`,
        address: { street: `${i} Paging Way`, city: "Pageton", state: "IL", zip: "62704" },
      });
    }
    // Functional tests fire calls back to back; the 60/s limit has its own test.
    sandbox = await startTestSandbox({ seed, rateLimitPerSecond: 10_000 });
    client = new SandboxClient(sandbox);
  });
  afterAll(async () => {
    await sandbox.stop();
    sandbox.assertContract();
  });

  describe("customer list filters", () => {
    it("matches phone on national digits whatever the stored or queried format", async () => {
      // Prepare: 2001 stores "+1 (555) 010-0101 ext. 3" and "555.010.0102".
      const queries = ["5550100101", "(555) 010-0101", "+1 555-010-0101", "555.010.0102", "1-555-010-0102"];
      for (const phone of queries) {
        // Act
        const reply = await client.get<Page<Customer>>("crm", "/customers", { phone });
        // Assess
        expect(
          reply.body.data.map((c) => c.id),
          phone,
        ).toEqual([seedIds.customers.testy]);
      }
    });

    it("matches phones of the customer's location contacts too", async () => {
      // Prepare: 2002's location stores "(555) 010-0104".
      // Act
      const reply = await client.get<Page<Customer>>("crm", "/customers", { phone: "555-010-0104" });
      // Assess
      expect(reply.body.data.map((c) => c.id)).toEqual([seedIds.customers.quinn]);
    });

    it("returns only active customers by default and the merged duplicate with active=Any", async () => {
      // Prepare / Act
      const activeOnly = await client.get<Page<Customer>>("crm", "/customers", { name: "mctestface" });
      const any = await client.get<Page<Customer>>("crm", "/customers", { name: "mctestface", active: "Any" });
      const inactive = await client.get<Page<Customer>>("crm", "/customers", { active: "False" });
      // Assess
      expect(activeOnly.body.data.map((c) => c.id)).toEqual([seedIds.customers.testy]);
      expect(any.body.data.map((c) => c.id)).toEqual([seedIds.customers.testy, seedIds.customers.testyMerged]);
      const merged = any.body.data.find((c) => c.id === seedIds.customers.testyMerged);
      expect(merged).toMatchObject({ active: false, mergedToId: seedIds.customers.testy });
      expect(inactive.body.data.map((c) => c.id)).toEqual([seedIds.customers.testyMerged, seedIds.customers.dormant]);
    });

    it("filters by ids and by bill-to address parts (case-insensitive contains)", async () => {
      // Prepare / Act
      const byIds = await client.get<Page<Customer>>("crm", "/customers", {
        ids: `${seedIds.customers.quinn},${seedIds.customers.testy}`,
      });
      const byAddress = await client.get<Page<Customer>>("crm", "/customers", {
        street: "orchard lane",
        unit: "apt 2",
        zip: "62701",
        city: "SPRINGFIELD",
        state: "il",
      });
      // Assess
      expect(byIds.body.data.map((c) => c.id)).toEqual([seedIds.customers.testy, seedIds.customers.quinn]);
      expect(byAddress.body.data.map((c) => c.id)).toEqual([seedIds.customers.testy]);
    });

    it("silently ignores unknown query parameters (as ServiceTitan does)", async () => {
      // Prepare
      const all = await client.get<Page<Customer>>("crm", "/customers", { includeTotal: true });
      // Act: `email` is not a customer filter.
      const reply = await client.get<Page<Customer>>("crm", "/customers", {
        email: "nobody@example.com",
        includeTotal: true,
      });
      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.totalCount).toBe(all.body.totalCount);
      expect(sandbox.takeViolations().map((v) => v.pointer)).toEqual(["/email"]);
    });

    it("rejects a known parameter with a malformed value with a field-named 400", async () => {
      // Prepare / Act
      const badIds = await client.get("crm", "/customers", { ids: "12,abc" });
      const badActive = await client.get("crm", "/customers", { active: "Sometimes" });
      // Assess
      expect(badIds.status).toBe(400);
      expect(badIds.body).toMatchObject({ status: 400, errors: { ids: expect.any(Array) } });
      expect(badActive.body).toMatchObject({ errors: { active: expect.any(Array) } });
      expect(sandbox.takeViolations().map((v) => v.pointer)).toEqual(["/active"]);
    });

    it("pages with page/pageSize/includeTotal and hasMore", async () => {
      // Prepare: 7 active customers (3 seeded active + 5 paging - merged/dormant inactive ones).
      // Act
      const first = await client.get<Page<Customer>>("crm", "/customers", { pageSize: 3, includeTotal: true });
      const last = await client.get<Page<Customer>>("crm", "/customers", { pageSize: 3, page: 3 });
      const beyond = await client.get<Page<Customer>>("crm", "/customers", { pageSize: 3, page: 4 });
      // Assess
      expect(first.body).toMatchObject({ page: 1, pageSize: 3, hasMore: true, totalCount: 7 });
      expect(first.body.data).toHaveLength(3);
      expect(last.body).toMatchObject({ page: 3, hasMore: false, totalCount: null });
      expect(last.body.data).toHaveLength(1);
      expect(beyond.body.data).toHaveLength(0);
    });

    it("sorts with sort=-Id", async () => {
      // Prepare / Act
      const reply = await client.get<Page<Customer>>("crm", "/customers", { sort: "-Id", pageSize: 2 });
      // Assess
      expect(reply.body.data.map((c) => c.id)).toEqual([2104, 2103]);
    });

    it("scopes externalData to the GUID passed", async () => {
      // Prepare: 2002 carries externalData of another application.
      // Act
      const without = await client.get<Page<Customer>>("crm", "/customers", { ids: seedIds.customers.quinn });
      const other = await client.get<Page<Customer>>("crm", "/customers", {
        ids: seedIds.customers.quinn,
        externalDataApplicationGuid: seedIds.otherAppGuid,
      });
      const ours = await client.get<Page<Customer>>("crm", "/customers", {
        ids: seedIds.customers.quinn,
        externalDataApplicationGuid: ourGuid,
      });
      // Assess
      expect(without.body.data[0]?.externalData).toEqual([]);
      expect(other.body.data[0]?.externalData).toEqual([{ key: "crmRef", value: "Q-42" }]);
      expect(ours.body.data[0]?.externalData).toEqual([]);
    });
  });

  describe("customer create", () => {
    it("creates customer, location and contacts, all findable afterwards", async () => {
      // Prepare
      const body = { ...newCustomerBody("newton.fixture@example.com"), somethingUnknown: true };
      // Act
      const created = await client.post<CreatedCustomer>("crm", "/customers", body);
      // Assess: the reply
      expect(created.status).toBe(200);
      const customer = created.body;
      expect(customer).toMatchObject({
        active: true,
        name: "Newton Fixture",
        tagTypeIds: [seedIds.tagTypes.productOneTime],
        externalData: [{ key: "email", value: "newton.fixture@example.com" }],
      });
      expect(sandbox.takeViolations().map((v) => v.message)).toEqual([expect.stringContaining("somethingUnknown")]);
      expect(customer.locations).toHaveLength(1);
      expect(customer.locations[0]).toMatchObject({
        customerId: customer.id,
        tagTypeIds: [seedIds.tagTypes.onlineStoreLocation],
      });
      // A new location's contact is copied onto the customer.
      expect(customer.contacts.map((c) => c.value).sort()).toEqual(
        ["(555) 010-0151", "555-010-0150", "newton.fixture@example.com"].sort(),
      );
      // Assess: the state and lookups
      expect(sandbox.state.customers.get(customer.id)?.name).toBe("Newton Fixture");
      const byStamp = await client.get<Page<Customer>>("crm", "/customers", {
        externalDataApplicationGuid: ourGuid,
        externalDataKey: "email",
        externalDataValues: "newton.fixture@example.com",
      });
      expect(byStamp.body.data.map((c) => c.id)).toEqual([customer.id]);
      const byPhone = await client.get<Page<Customer>>("crm", "/customers", { phone: "5550100151" });
      expect(byPhone.body.data.map((c) => c.id)).toEqual([customer.id]);
    });

    it("answers 400 naming the spec fields of an invalid create body", async () => {
      // Prepare
      const body = {
        name: "",
        address: { street: "1 Nowhere", city: "X", state: "IL", zip: "1" },
        locations: [{ name: "L", address, tagTypeIds: [999_999] }],
      };
      // Act
      const reply = await client.post("crm", "/customers", body);
      // Assess
      expect(reply.status).toBe(400);
      expect(Object.keys((reply.body as { errors: object }).errors).sort()).toEqual(["address.country", "name"]);
      const tagReply = await client.post("crm", "/customers", { ...body, name: "Ok Name", address });
      expect(tagReply.body).toMatchObject({ errors: { "locations[0].tagTypeIds": expect.any(Array) } });
      expect(sandbox.takeViolations().map((v) => v.pointer)).toEqual(["/address"]);
    });
    it("answers 400 naming `locations` for a customer without locations (missing, empty or null)", async () => {
      // Prepare: ServiceTitan requires at least one location (api-notes §0.6).
      const { locations: _dropped, ...withoutLocations } = newCustomerBody("no.location@example.com");
      const before = sandbox.state.customers.size;
      // Act
      const replies = [
        await client.post("crm", "/customers", withoutLocations),
        await client.post("crm", "/customers", { ...withoutLocations, locations: [] }),
        await client.post("crm", "/customers", { ...withoutLocations, locations: null }),
      ];
      // Assess
      for (const reply of replies) {
        expect(reply.status).toBe(400);
        expect(Object.keys((reply.body as { errors: object }).errors)).toEqual(["locations"]);
      }
      expect(sandbox.state.customers.size).toBe(before);
      // Two requests break the documented contract on purpose (`locations` is a required array); [] does not.
      expect(sandbox.takeViolations().map((v) => v.pointer)).toEqual(["", "/locations"]);
    });
  });

  describe("customer record operations", () => {
    it("gets, patches (tags replace, externalData merge) and tags a customer", async () => {
      // Prepare
      const id = seedIds.customers.quinn;
      // Act
      const patched = await client.patch<Customer>("crm", `/customers/${id}`, {
        tagTypeIds: [seedIds.tagTypes.productSubscription],
        externalData: { applicationGuid: ourGuid, patchMode: "Merge", externalData: [{ key: "k", value: "v" }] },
      });
      const tagged = await client.post<{ customerId: number; tagTypeIds: number[] }>(
        "crm",
        `/customers/${id}/tags/${seedIds.tagTypes.serviceOneTime}`,
      );
      const again = await client.post<{ tagTypeIds: number[] }>(
        "crm",
        `/customers/${id}/tags/${seedIds.tagTypes.serviceOneTime}`,
      );
      const bulk = await client.put("crm", "/tags", {
        customerIds: [id, seedIds.customers.testy],
        tagTypeIds: [seedIds.tagTypes.serviceSubscription],
      });
      const fetched = await client.get<Customer>("crm", `/customers/${id}`);
      // Assess
      expect(patched.body.externalData).toEqual([{ key: "k", value: "v" }]);
      expect(tagged.body).toEqual({
        customerId: id,
        tagTypeIds: [seedIds.tagTypes.productSubscription, seedIds.tagTypes.serviceOneTime],
      });
      expect(again.body.tagTypeIds).toHaveLength(2);
      expect(bulk.status).toBe(200);
      expect(fetched.body.tagTypeIds).toEqual([
        seedIds.tagTypes.productSubscription,
        seedIds.tagTypes.serviceOneTime,
        seedIds.tagTypes.serviceSubscription,
      ]);
      expect(sandbox.state.customers.get(seedIds.customers.testy)?.tagTypeIds).toContain(
        seedIds.tagTypes.serviceSubscription,
      );
      // Other applications' externalData survives our Merge.
      expect(sandbox.state.customers.get(id)?.externalData).toHaveLength(2);
    });

    it("answers 404 for unknown customers and tag types, 409 for bulk tags on unknown customers", async () => {
      // Prepare / Act
      const missing = await client.get("crm", "/customers/999999");
      const badTag = await client.post("crm", `/customers/${seedIds.customers.testy}/tags/999`);
      const bulk = await client.put("crm", "/tags", { customerIds: [999999], tagTypeIds: [1101] });
      // Assess
      expect(missing.status).toBe(404);
      expect(badTag.status).toBe(404);
      expect(bulk.status).toBe(409);
    });

    it("lists and adds customer contacts, and lists contacts of several customers", async () => {
      // Prepare
      const id = seedIds.customers.testy;
      // Act
      const added = await client.post<{ id: number; phoneSettings: { phoneNumber: string } }>(
        "crm",
        `/customers/${id}/contacts`,
        { type: "Phone", value: "+1 555 010 0199" },
      );
      const list = await client.get<Page<{ id: number }>>("crm", `/customers/${id}/contacts`);
      const several = await client.get<Page<{ customerId: number }>>("crm", "/customers/contacts", {
        customerIds: `${id},${seedIds.customers.quinn}`,
      });
      const unfiltered = await client.get("crm", "/customers/contacts");
      // Assess
      expect(added.body.phoneSettings.phoneNumber).toBe("5550100199");
      expect(list.body.data.map((c) => c.id)).toContain(added.body.id);
      expect(new Set(several.body.data.map((c) => c.customerId))).toEqual(new Set([id, seedIds.customers.quinn]));
      expect(unfiltered.status).toBe(400);
    });

    it("exports customer contacts with a continuation token, recent changes once they are 15 minutes old", async () => {
      // Prepare
      const first = await client.get<{ hasMore: boolean; continueFrom: string; data: { id: number }[] }>(
        "crm",
        "/export/customers/contacts",
      );
      await client.post("crm", `/customers/${seedIds.customers.quinn}/contacts`, {
        type: "Email",
        value: "quinn.second@example.com",
      });
      sandbox.clock.advance(16 * 60_000);
      // Act
      const next = await client.get<{ data: { id: number; value: string }[] }>("crm", "/export/customers/contacts", {
        from: first.body.continueFrom,
      });
      // Assess: the first read stopped before this file's recent writes; the next one delivers them, ours last.
      const firstIds = new Set(first.body.data.map((c) => c.id));
      expect(first.body.data.length).toBeGreaterThan(0);
      expect(next.body.data.length).toBeGreaterThan(1);
      expect(next.body.data.filter((c) => firstIds.has(c.id))).toEqual([]);
      expect(next.body.data.at(-1)?.value).toBe("quinn.second@example.com");
    });
  });

  describe("locations", () => {
    it("filters locations by customer, address and externalData", async () => {
      // Prepare
      const created = await client.post<CreatedCustomer>(
        "crm",
        "/customers",
        newCustomerBody("loc.filter@example.com"),
      );
      // Act
      const byCustomer = await client.get<Page<{ id: number }>>("crm", "/locations", { customerId: created.body.id });
      const byStreet = await client.get<Page<{ id: number }>>("crm", "/locations", {
        street: "orchard ln, apt 2",
        zip: "62701",
      });
      const byStamp = await client.get<Page<{ id: number; externalData: unknown[] }>>("crm", "/locations", {
        externalDataApplicationGuid: ourGuid,
        externalDataKey: "orderId",
        externalDataValues: "ord-x,ord-1",
        customerId: created.body.id,
      });
      const keyWithoutGuid = await client.get("crm", "/locations", {
        externalDataKey: "orderId",
        externalDataValues: "ord-1",
      });
      // Assess
      expect(byCustomer.body.data.map((l) => l.id)).toEqual([created.body.locations[0]?.id]);
      expect(byStreet.body.data.map((l) => l.id)).toEqual([seedIds.locations.testyHome]);
      expect(byStamp.body.data[0]?.externalData).toEqual([{ key: "orderId", value: "ord-1" }]);
      expect(keyWithoutGuid.status).toBe(400);
    });

    it("lists contacts of customers and of locations only with one of the filters the spec requires", async () => {
      // Prepare
      const recent = new Date(sandbox.clock.now() - 60 * 60_000).toISOString();
      // Act
      const customersNone = await client.get<{ errors: object }>("crm", "/customers/contacts", {
        createdOnOrAfter: recent,
      });
      const customersModified = await client.get<Page<{ modifiedOn: string }>>("crm", "/customers/contacts", {
        modifiedOnOrAfter: recent,
      });
      const customersBefore = await client.get<Page<{ customerId: number }>>("crm", "/customers/contacts", {
        modifiedBefore: "2024-03-02T00:00:00Z",
        pageSize: 100,
      });
      const locationsNone = await client.get<{ errors: object }>("crm", "/locations/contacts", { pageSize: 10 });
      const locationsById = await client.get<Page<{ locationId: number; value: string }>>(
        "crm",
        "/locations/contacts",
        {
          locationIds: String(seedIds.locations.quinnHome),
        },
      );
      const locationsCreated = await client.get<Page<{ locationId: number }>>("crm", "/locations/contacts", {
        createdBefore: "2024-03-02T00:00:00Z",
      });
      // Assess
      expect(customersNone.status).toBe(400);
      expect(Object.keys(customersNone.body.errors)).toEqual(["customerIds"]);
      expect(customersModified.status).toBe(200);
      expect(customersModified.body.data.length).toBeGreaterThan(0);
      expect(customersModified.body.data.every((c) => c.modifiedOn >= recent)).toBe(true);
      expect(new Set(customersBefore.body.data.map((c) => c.customerId))).toEqual(
        new Set(Object.values(seedIds.customers)),
      );
      expect(locationsNone.status).toBe(400);
      expect(Object.keys(locationsNone.body.errors)).toEqual(["locationIds"]);
      expect(locationsById.body.data.map((c) => [c.locationId, c.value])).toEqual([
        [seedIds.locations.quinnHome, "(555) 010-0104"],
      ]);
      expect(locationsCreated.body.data.map((c) => c.locationId)).toEqual([seedIds.locations.quinnHome]);
    });

    it("creates a location (409 for an unknown customer), patches, tags and adds contacts", async () => {
      // Prepare
      const customerId = seedIds.customers.testy;
      // Act
      const unknown = await client.post("crm", "/locations", { customerId: 999999, name: "X", address });
      const created = await client.post<{ id: number; contacts: { value: string }[] }>("crm", "/locations", {
        customerId,
        name: "Testy Cabin",
        address: { ...address, street: "77 Lakeside Dr" },
        contacts: [{ type: "Email", value: "cabin.contact@example.com" }],
      });
      const id = created.body.id;
      const patched = await client.patch<{ tagTypeIds: number[]; name: string }>("crm", `/locations/${id}`, {
        name: "Testy Lake Cabin",
        tagTypeIds: [seedIds.tagTypes.subscriberLocation],
      });
      const tagged = await client.post<{ locationId: number; tagTypeIds: number[] }>(
        "crm",
        `/locations/${id}/tags/${seedIds.tagTypes.onlineStoreLocation}`,
      );
      const contact = await client.post<{ id: number }>("crm", `/locations/${id}/contacts`, {
        type: "Phone",
        value: "555-010-0177",
      });
      const contacts = await client.get<Page<{ id: number }>>("crm", `/locations/${id}/contacts`);
      const fetched = await client.get<{ name: string; tagTypeIds: number[] }>("crm", `/locations/${id}`);
      // Assess
      expect(unknown.status).toBe(409);
      expect(created.body.contacts.map((c) => c.value)).toEqual(["cabin.contact@example.com"]);
      expect(patched.body.name).toBe("Testy Lake Cabin");
      expect(tagged.body).toEqual({
        locationId: id,
        tagTypeIds: [seedIds.tagTypes.subscriberLocation, seedIds.tagTypes.onlineStoreLocation],
      });
      expect(contacts.body.data.map((c) => c.id)).toContain(contact.body.id);
      expect(fetched.body).toMatchObject({ name: "Testy Lake Cabin", tagTypeIds: tagged.body.tagTypeIds });
    });
  });
});
