/**
 * The large generated tenant for the customer-index backfill benchmark: the sizes issue 10 names,
 * deterministic records, nothing that looks like a real person, and readable through the export
 * feeds like any other tenant.
 */
import { describe, expect, it } from "vitest";
import { SandboxClient } from "../../sandbox/client.ts";
import { addPopulation } from "../../sandbox/large-seed.ts";
import { stateFromSeed } from "../../sandbox/seed.ts";
import { defaultSeed, largeTenantSize, seedIds } from "../../sandbox/server.ts";
import { startTestSandbox } from "../support/sandbox.ts";

const size = { customers: 2_000, customerContacts: 3_000, locations: 2_200 };

function populated() {
  const state = stateFromSeed(defaultSeed(), seedIds.tenantId);
  const seeded = {
    customers: state.customers.size,
    contacts: state.customerContacts.size,
    locations: state.locations.size,
  };
  addPopulation(state, size);
  return { state, seeded };
}

describe("sandbox large seed", () => {
  it("adds exactly the population asked for, the same records on every build", () => {
    // Act
    const first = populated();
    const second = populated();
    // Assess
    expect(first.state.customers.size - first.seeded.customers).toBe(size.customers);
    expect(first.state.customerContacts.size - first.seeded.contacts).toBe(size.customerContacts);
    expect(first.state.locations.size - first.seeded.locations).toBe(size.locations);
    expect(JSON.stringify([...second.state.customers.values()])).toBe(
      JSON.stringify([...first.state.customers.values()]),
    );
    expect(JSON.stringify([...second.state.customerContacts.values()])).toBe(
      JSON.stringify([...first.state.customerContacts.values()]),
    );
    expect(JSON.stringify([...second.state.locations.values()])).toBe(
      JSON.stringify([...first.state.locations.values()]),
    );
  });

  it("uses only data that can't be real: @example.test e-mails, 555-01xx phones, invented streets", () => {
    // Prepare
    const { state } = populated();
    const generated = [...state.customerContacts.values()].filter(
      (c) => c.customerId !== undefined && c.customerId > 100_000,
    );
    // Act
    const emails = generated.filter((c) => c.type === "Email").map((c) => c.value);
    const phones = generated.filter((c) => c.type !== "Email").map((c) => c.value);
    const streets = [...state.locations.values()].filter((l) => l.id > 100_000).map((l) => l.address.street);
    // Assess
    expect(emails.length).toBe(size.customers);
    expect(emails.every((e) => /^[a-z-]+\.[a-z-]+\.\d+@example\.test$/.test(e))).toBe(true);
    expect(phones.length).toBe(size.customerContacts - size.customers);
    expect(phones.every((p) => /^\(\d{3}\) 555-01\d{2}$/.test(p))).toBe(true);
    expect(new Set(phones).size).toBe(phones.length);
    expect(
      streets.every((s) =>
        /^\d+ (Testbed|Placeholder|Sampleton|Fixturewood|Mockup|Stubbington|Dummyvale|Exemplar|Seedling|Fauxmont|Trialbrook|Pseudo|Quibble|Zettle|Wibble|Norbly) /.test(
          s,
        ),
      ),
    ).toBe(true);
    // A few households share an e-mail across two customer records (a case the index must handle).
    expect(new Set(emails).size).toBe(emails.length - Math.floor((size.customers - 1) / 997));
  });

  it('serves `seed: "large"` (100,000 customers, 150,000 contacts, 110,000 locations) through the export feeds', async () => {
    // Prepare
    const sandbox = await startTestSandbox({
      seed: "large",
      exportFeeds: { pageSize: 1000 },
      rateLimitPerSecond: 10_000,
    });
    const client = new SandboxClient(sandbox);
    try {
      // Act
      const page = await client.get<{ hasMore: boolean; data: { id: number }[] }>("crm", "/export/customers/contacts");
      // Assess
      const base = stateFromSeed(defaultSeed(), seedIds.tenantId);
      expect(sandbox.state.customers.size - base.customers.size).toBe(largeTenantSize.customers);
      expect(sandbox.state.customerContacts.size - base.customerContacts.size).toBe(largeTenantSize.customerContacts);
      expect(sandbox.state.locations.size - base.locations.size).toBe(largeTenantSize.locations);
      expect(page.status).toBe(200);
      expect(page.body.data).toHaveLength(1000);
      expect(page.body.hasMore).toBe(true);
    } finally {
      await sandbox.stop();
    }
    sandbox.assertContract();
  }, 180_000);
});
