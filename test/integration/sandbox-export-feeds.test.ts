/**
 * The CRM export feeds as a typical tenant serves them (api-notes §0.2): continuation tokens, fixed
 * server pages, the last 15 minutes hidden unless `includeRecentChanges=true` (which may repeat rows),
 * changed records coming round again, and a 400 for a `from` the sandbox can't read. Every exchange
 * is checked against the OpenAPI documents.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SandboxClient } from "../../sandbox/client.ts";
import { seedIds } from "../../sandbox/server.ts";
import { useTestSandbox } from "../support/sandbox.ts";

const minutes = (n: number) => n * 60_000;

interface FeedReply<T> {
  hasMore: boolean;
  continueFrom: string;
  data: T[];
}
interface CustomerRow {
  id: number;
  active: boolean;
  name: string;
  mergedToId: number | null;
  tagTypeIds: number[];
  modifiedOn: string;
}
interface ContactRow {
  id: number;
  value: string;
  active: boolean;
  modifiedOn: string;
  customerId?: number;
  locationId?: number;
}

/** Reads a feed until `hasMore` is false; fails on a runaway feed. */
async function readToEnd<T>(
  client: SandboxClient,
  path: string,
  options: { from?: string; includeRecentChanges?: boolean } = {},
): Promise<{ rows: T[]; token: string; calls: number }> {
  const rows: T[] = [];
  let token = options.from;
  for (let calls = 1; calls <= 1000; calls++) {
    const reply = await client.get<FeedReply<T>>("crm", path, {
      from: token,
      includeRecentChanges: options.includeRecentChanges,
    });
    if (reply.status !== 200) throw new Error(`${path} answered ${reply.status}`);
    rows.push(...reply.body.data);
    token = reply.body.continueFrom;
    if (!reply.body.hasMore) return { rows, token, calls };
  }
  throw new Error(`${path} never ended`);
}

const officeAddress = { street: "11 Fixture Ct", city: "Testville", state: "IL", zip: "62703" };

describe("sandbox export feeds", () => {
  const sandbox = useTestSandbox({
    rateLimitPerSecond: 10_000,
    population: { customers: 40, customerContacts: 60, locations: 44 },
    exportFeeds: { pageSize: 7 },
  });
  let client: SandboxClient;
  beforeAll(() => {
    client = new SandboxClient(sandbox);
  });

  it("pages each feed from the beginning to its end, every record once, in modification order", async () => {
    // Act
    const customers = await readToEnd<CustomerRow>(client, "/export/customers");
    const locations = await readToEnd<{ id: number }>(client, "/export/locations");
    const contacts = await readToEnd<ContactRow>(client, "/export/customers/contacts");
    const locationContacts = await readToEnd<ContactRow>(client, "/export/locations/contacts");
    // Assess
    expect(customers.rows.map((c) => c.id).sort()).toEqual([...sandbox.state.customers.keys()].sort());
    expect(locations.rows.map((l) => l.id).sort()).toEqual([...sandbox.state.locations.keys()].sort());
    expect(contacts.rows.map((c) => c.id).sort()).toEqual([...sandbox.state.customerContacts.keys()].sort());
    expect(locationContacts.rows.map((c) => c.id).sort()).toEqual([...sandbox.state.locationContacts.keys()].sort());
    expect(customers.calls).toBe(Math.ceil(sandbox.state.customers.size / 7));
    const order = customers.rows.map((c) => `${c.modifiedOn}#${String(c.id).padStart(12, "0")}`);
    expect(order).toEqual([...order].sort());
    // The population is modified out of id order, so this ordering is not just the id order.
    expect(customers.rows.map((c) => c.id)).not.toEqual(customers.rows.map((c) => c.id).sort((a, b) => a - b));
  });

  it("hides changes of the last 15 minutes, then delivers them once they are old enough", async () => {
    // Prepare
    const { token } = await readToEnd<CustomerRow>(client, "/export/customers");
    const { customer } = sandbox.office.createCustomer({ name: "Recentia Fixture", address: officeAddress });
    // Act
    const atOnce = await client.get<FeedReply<CustomerRow>>("crm", "/export/customers", { from: token });
    sandbox.clock.advance(minutes(14));
    const after14 = await client.get<FeedReply<CustomerRow>>("crm", "/export/customers", { from: token });
    sandbox.clock.advance(minutes(2));
    const after16 = await readToEnd<CustomerRow>(client, "/export/customers", { from: token });
    // Assess
    expect(atOnce.body).toEqual({ hasMore: false, continueFrom: token, data: [] });
    expect(after14.body.data).toEqual([]);
    expect(after16.rows.map((c) => c.id)).toEqual([customer.id]);
  });

  it("with includeRecentChanges=true delivers recent changes at once, and again on the next read", async () => {
    // Prepare
    const { token } = await readToEnd<CustomerRow>(client, "/export/customers");
    const { customer } = sandbox.office.createCustomer({ name: "Repeata Fixture", address: officeAddress });
    // Act
    const first = await readToEnd<CustomerRow>(client, "/export/customers", {
      from: token,
      includeRecentChanges: true,
    });
    const second = await readToEnd<CustomerRow>(client, "/export/customers", {
      from: first.token,
      includeRecentChanges: true,
    });
    sandbox.clock.advance(minutes(16));
    const settled = await readToEnd<CustomerRow>(client, "/export/customers", { from: second.token });
    const done = await readToEnd<CustomerRow>(client, "/export/customers", { from: settled.token });
    // Assess
    expect(first.rows.map((c) => c.id)).toEqual([customer.id]);
    expect(second.rows.map((c) => c.id)).toEqual([customer.id]);
    expect(settled.rows.map((c) => c.id)).toEqual([customer.id]);
    expect(done.rows).toEqual([]);
  });

  it("delivers a changed record again, in its new state: tags, contacts, merge, deactivation", async () => {
    // Prepare
    const a = sandbox.office.createCustomer({
      name: "Mergea Fixture",
      address: officeAddress,
      contacts: [
        { type: "Email", value: "mergea.old@example.test" },
        { type: "Phone", value: "(555) 010-0177" },
      ],
      locations: [{ contacts: [{ type: "Email", value: "mergea.site@example.test" }] }],
    });
    const b = sandbox.office.createCustomer({ name: "Survivor Fixture", address: officeAddress });
    const c = sandbox.office.createCustomer({ name: "Dormanta Fixture", address: officeAddress });
    sandbox.clock.advance(minutes(16));
    const customersAt = (await readToEnd<CustomerRow>(client, "/export/customers")).token;
    const contactsAt = (await readToEnd<ContactRow>(client, "/export/customers/contacts")).token;
    const locationContactsAt = (await readToEnd<ContactRow>(client, "/export/locations/contacts")).token;
    const [email, phone] = a.contacts.filter((x) => x.value !== "mergea.site@example.test");
    const siteContact = [...sandbox.state.locationContacts.values()].find((x) => x.locationId === a.locations[0]?.id);
    // Act
    await client.post("crm", `/customers/${b.customer.id}/tags/${seedIds.tagTypes.productOneTime}`);
    sandbox.office.editContact(email?.id ?? 0, { value: "mergea.new@example.test" });
    sandbox.office.removeContact(phone?.id ?? 0);
    sandbox.office.editContact(siteContact?.id ?? 0, { value: "mergea.site2@example.test" });
    sandbox.office.mergeCustomers(a.customer.id, b.customer.id);
    sandbox.office.deactivateCustomer(c.customer.id);
    sandbox.clock.advance(minutes(16));
    const customers = await readToEnd<CustomerRow>(client, "/export/customers", { from: customersAt });
    const contacts = await readToEnd<ContactRow>(client, "/export/customers/contacts", { from: contactsAt });
    const siteRows = await readToEnd<ContactRow>(client, "/export/locations/contacts", { from: locationContactsAt });
    // Assess
    const byId = new Map(customers.rows.map((row) => [row.id, row]));
    expect([...byId.keys()].sort()).toEqual([a.customer.id, b.customer.id, c.customer.id].sort());
    expect(byId.get(a.customer.id)).toMatchObject({ active: false, mergedToId: b.customer.id });
    expect(byId.get(b.customer.id)).toMatchObject({ active: true, tagTypeIds: [seedIds.tagTypes.productOneTime] });
    expect(byId.get(c.customer.id)).toMatchObject({ active: false, mergedToId: null });
    expect(contacts.rows.map((row) => [row.id, row.value, row.active, row.customerId])).toEqual([
      [email?.id, "mergea.new@example.test", true, a.customer.id],
      [phone?.id, "(555) 010-0177", false, a.customer.id],
    ]);
    expect(siteRows.rows.map((row) => [row.value, row.active, row.locationId])).toEqual([
      ["mergea.site2@example.test", true, a.locations[0]?.id],
    ]);
  });

  it("starts from a date string: rows modified on or after it", async () => {
    // Prepare: the default seed is stamped 2024-03-01, the population 2019–2020, this file's records now.
    const since = new Date(sandbox.clock.now() - minutes(60 * 24)).toISOString().slice(0, 10);
    sandbox.clock.advance(minutes(16));
    // Act
    const fromDate = await readToEnd<CustomerRow>(client, "/export/customers", { from: since });
    const from2024 = await readToEnd<CustomerRow>(client, "/export/customers", { from: "2024-03-01" });
    // Assess
    const runtime = [...sandbox.state.customers.values()].filter((c) => c.modifiedOn >= since).map((c) => c.id);
    expect(fromDate.rows.map((c) => c.id).sort()).toEqual(runtime.sort());
    expect(fromDate.rows.length).toBeGreaterThan(0);
    expect(from2024.rows.map((c) => c.id)).toEqual(expect.arrayContaining([seedIds.customers.testy]));
    expect(from2024.rows.length).toBe(runtime.length + Object.keys(seedIds.customers).length);
  });

  it("answers 400 ApiErrorResponse naming `from` for a token it can't read", async () => {
    // Act
    const replies = await Promise.all(
      ["not-a-token", "eyJ2IjoyfQ", "2024-13-45"].map((from) =>
        client.get<{ status: number; errors: Record<string, string[]> }>("crm", "/export/customers/contacts", { from }),
      ),
    );
    // Assess
    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expect(Object.keys(reply.body.errors)).toEqual(["from"]);
    }
  });
});

describe("sandbox export feeds: a contact's `active` following its customer too", () => {
  const sandbox = useTestSandbox({
    rateLimitPerSecond: 10_000,
    exportFeeds: { contactActive: "contact-and-owner" },
  });
  let client: SandboxClient;
  beforeAll(() => {
    client = new SandboxClient(sandbox);
  });

  it("delivers a merged customer's contacts again, inactive", async () => {
    // Prepare
    const a = sandbox.office.createCustomer({
      name: "Ownera Fixture",
      address: officeAddress,
      contacts: [{ type: "Email", value: "ownera@example.test" }],
    });
    sandbox.clock.advance(minutes(16));
    const before = await readToEnd<ContactRow>(client, "/export/customers/contacts");
    // Act
    sandbox.office.mergeCustomers(a.customer.id, seedIds.customers.testy);
    sandbox.clock.advance(minutes(16));
    const after = await readToEnd<ContactRow>(client, "/export/customers/contacts", { from: before.token });
    // Assess
    expect(before.rows.find((row) => row.value === "ownera@example.test")?.active).toBe(true);
    expect(after.rows.map((row) => [row.value, row.active])).toEqual([["ownera@example.test", false]]);
  });
});
