/**
 * Contact Management is a per-tenant switch (api-notes §0.1). Off, the default and the typical tenant:
 * contacts written through the legacy model never reach `/contacts/contact-methods` or relationships.
 * On: they are mirrored there, and switching it on migrates the contacts already written.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SandboxClient } from "../../sandbox/client.ts";
import { seedContacts, seedIds } from "../../sandbox/server.ts";
import { startTestSandbox, useTestSandbox } from "../support/sandbox.ts";

interface Page<T> {
  data: T[];
}

const address = { street: "9 Fixture Ct", city: "Testville", state: "IL", zip: "62703", country: "USA" };

function customerBody(email: string) {
  return {
    name: "Newton Fixture",
    address,
    contacts: [{ type: "Email", value: email }],
    locations: [{ name: "Newton Fixture", address, contacts: [{ type: "Phone", value: "(555) 010-0151" }] }],
  };
}

async function customersByEmail(client: SandboxClient, email: string): Promise<number[]> {
  const methods = await client.get<Page<{ contactId: string }>>("crm", "/contacts/contact-methods", {
    type: "Email",
    value: email,
  });
  const ids: number[] = [];
  for (const m of methods.body.data) {
    const relationships = await client.get<Page<{ relatedEntityId: number }>>(
      "crm",
      `/contacts/${m.contactId}/relationships`,
      { typeSlug: "customer" },
    );
    ids.push(...relationships.body.data.map((r) => r.relatedEntityId));
  }
  return ids.sort((a, b) => a - b);
}

describe("sandbox Contact Management switch", () => {
  describe("off (the default, a typical tenant)", () => {
    const sandbox = useTestSandbox({ rateLimitPerSecond: 10_000 });
    let client: SandboxClient;
    beforeAll(() => {
      client = new SandboxClient(sandbox);
    });

    it("keeps legacy contacts (POST /customers, location and /customers|locations/{id}/contacts) out of the contacts model", async () => {
      // Prepare
      const created = await client.post<{ id: number; locations: { id: number }[] }>(
        "crm",
        "/customers",
        customerBody("off.tenant@example.com"),
      );
      const locationId = created.body.locations[0]?.id ?? 0;
      await client.post("crm", `/customers/${created.body.id}/contacts`, {
        type: "Email",
        value: "off.two@example.com",
      });
      await client.post("crm", `/locations/${locationId}/contacts`, { type: "Email", value: "off.three@example.com" });
      // Act
      const all = await client.get<Page<unknown>>("crm", "/contacts/contact-methods", {});
      const seeded = await customersByEmail(client, "testy.mctestface@example.com");
      const legacy = await client.get<Page<{ value: string }>>("crm", `/customers/${created.body.id}/contacts`);
      // Assess
      expect(created.status).toBe(200);
      expect(all.body.data).toEqual([]);
      expect(seeded).toEqual([]);
      expect(sandbox.state.contactMethods.size).toBe(0);
      expect(sandbox.state.contactRelationships.size).toBe(0);
      expect(legacy.body.data.map((c) => c.value)).toEqual(
        expect.arrayContaining(["off.tenant@example.com", "off.two@example.com", "(555) 010-0151"]),
      );
    });

    it("keeps office-entered contacts out of it too", async () => {
      // Prepare
      sandbox.office.createCustomer({
        name: "Officia Fixture",
        address: { street: "3 Fixture Ct", city: "Testville", state: "IL", zip: "62703" },
        contacts: [{ type: "Email", value: "office.off@example.com" }],
      });
      // Act
      const ids = await customersByEmail(client, "office.off@example.com");
      // Assess
      expect(ids).toEqual([]);
    });
  });

  describe("on", () => {
    const sandbox = useTestSandbox({ rateLimitPerSecond: 10_000, contactManagement: true });
    let client: SandboxClient;
    beforeAll(() => {
      client = new SandboxClient(sandbox);
    });

    it("finds customers by email through contact methods and relationships (exact, case-insensitive, trimmed)", async () => {
      // Prepare
      const created = await client.post<{ id: number }>("crm", "/customers", customerBody("Mixed.Case@Example.com"));
      // Act
      const methods = await client.get<Page<{ contactId: string }>>("crm", "/contacts/contact-methods", {
        type: "Email",
        value: "  mixed.case@example.COM ",
      });
      const partial = await client.get<Page<unknown>>("crm", "/contacts/contact-methods", {
        type: "Email",
        value: "mixed.case@example",
      });
      const ids = await customersByEmail(client, "mixed.case@example.com");
      // Assess
      expect(methods.body.data).toHaveLength(1);
      expect(partial.body.data).toHaveLength(0);
      expect(ids).toEqual([created.body.id]);
    });

    it("finds seeded messy emails, the merged duplicate's too", async () => {
      // Prepare: 2001 stores "  Testy.McTestface@Example.COM ", merged 2003 the lower-case form.
      // Act
      const ids = await customersByEmail(client, "testy.mctestface@example.com");
      // Assess
      expect(ids).toEqual([seedIds.customers.testy, seedIds.customers.testyMerged]);
      expect(seedContacts.testyEmail).not.toBe("testy.mctestface@example.com");
    });

    it("follows office edits and removals of contacts", async () => {
      // Prepare
      const { customer, contacts } = sandbox.office.createCustomer({
        name: "Editha Fixture",
        address: { street: "5 Fixture Ct", city: "Testville", state: "IL", zip: "62703" },
        contacts: [
          { type: "Email", value: "editha.before@example.com" },
          { type: "Email", value: "editha.gone@example.com" },
        ],
      });
      const [edited, removed] = contacts;
      // Act
      sandbox.office.editContact(edited?.id ?? 0, { value: "editha.after@example.com" });
      sandbox.office.removeContact(removed?.id ?? 0);
      // Assess
      expect(await customersByEmail(client, "editha.after@example.com")).toEqual([customer.id]);
      expect(await customersByEmail(client, "editha.before@example.com")).toEqual([]);
      expect(await customersByEmail(client, "editha.gone@example.com")).toEqual([]);
    });
  });

  it("migrates the contacts already written when switched on later", async () => {
    // Prepare
    const sandbox = await startTestSandbox({ rateLimitPerSecond: 10_000 });
    const client = new SandboxClient(sandbox);
    try {
      const created = await client.post<{ id: number }>("crm", "/customers", customerBody("later.on@example.com"));
      const before = await customersByEmail(client, "later.on@example.com");
      // Act
      sandbox.setContactManagement(true);
      const after = await customersByEmail(client, "later.on@example.com");
      // Assess
      expect(before).toEqual([]);
      expect(after).toEqual([created.body.id]);
      expect(sandbox.state.contactManagement).toBe(true);
    } finally {
      await sandbox.stop();
    }
    sandbox.assertContract();
  });
});
