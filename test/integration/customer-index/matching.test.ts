/**
 * Matching without Contact Management: candidates from the customer index, confirmed live against
 * the sandbox. The sandbox's Contact Management mirror is never asked (`contactManagement: false`),
 * so e-mail can only come from the index. Office actions after the index was built are made
 * directly on the sandbox's records.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SyncConfig } from "../../../lib/config/schema.ts";
import { createCustomer } from "../../../lib/servicetitan/endpoints/crm.ts";
import { seedContacts, seedIds } from "../../../sandbox/server.ts";
import { seedIndexFromSandbox } from "../../support/index-seed.ts";
import { buildOrderEvent as orderEvent } from "../../support/order-factory.ts";
import { exampleConfig, startWorld, type World } from "../../support/world.ts";

const withoutContactManagement = (): SyncConfig => {
  const config = exampleConfig();
  return { ...config, customerIndex: { ...config.customerIndex, contactManagement: false, catchUpIntervalSeconds: 0 } };
};

let world: World;
beforeAll(async () => {
  world = await startWorld({ config: withoutContactManagement() });
});
afterAll(async () => {
  await world?.stop();
});

const home = { street: "77 Fixture Row", city: "Springfield", state: "IL", zip: "62701", country: "USA" };

async function officeCreates(name: string, contacts: { type: "Email" | "Phone"; value: string }[], address = home) {
  return createCustomer(world.http, {
    name,
    address,
    locations: [{ name, address }],
    contacts,
  });
}

const contactOperations = (from: number) =>
  world.sandbox.log.slice(from).filter((e) => e.operationId === "Contacts_SearchContactMethods").length;

describe("matching through the customer index (no Contact Management)", () => {
  it("finds a returning customer by e-mail in another case, through the merge of its duplicate", async () => {
    // Prepare
    await seedIndexFromSandbox(world.session.customerIndex, world.sandbox.state);
    const logStart = world.sandbox.log.length;
    // Act
    const [outcome] = await world.sync([
      orderEvent({ orderId: "IDX-EMAIL-1", customer: { email: "  TESTY.McTestface@example.com", phone: undefined } }),
    ]);
    // Assess
    expect(outcome?.progress).toMatchObject({ matchedBy: "email", customerId: seedIds.customers.testy });
    expect(contactOperations(logStart)).toBe(0);
  });

  it("prefers the customer with the e-mail on record over a household member sharing the phone", async () => {
    const emailOwner = await officeCreates("Fixture Emailowner", [
      { type: "Email", value: "owner.fixture@example.test" },
    ]);
    const household = await officeCreates("Fixture Household", [{ type: "Phone", value: "555-010-0161" }]);
    await seedIndexFromSandbox(world.session.customerIndex, world.sandbox.state);
    const [outcome] = await world.sync([
      orderEvent({
        orderId: "IDX-EMAIL-OVER-PHONE",
        customer: {
          firstName: "Fixture",
          lastName: "Emailowner",
          email: "owner.fixture@example.test",
          phone: "(555) 010-0161",
        },
      }),
    ]);
    expect(outcome?.progress).toMatchObject({ matchedBy: "email", customerId: emailOwner.id });
    expect(outcome?.progress?.customerId).not.toBe(household.id);
  });

  it("follows a merge the office made after the index was built", async () => {
    const duplicate = await officeCreates("Fixture Mergee", [{ type: "Email", value: "mergee.fixture@example.test" }]);
    const survivor = await officeCreates("Fixture Mergee", [{ type: "Phone", value: "555-010-0162" }]);
    await seedIndexFromSandbox(world.session.customerIndex, world.sandbox.state);
    const record = world.sandbox.state.customers.get(duplicate.id);
    if (!record) throw new Error("sandbox lost the customer");
    Object.assign(record, { active: false, mergedToId: survivor.id, modifiedOn: new Date().toISOString() });
    const [outcome] = await world.sync([
      orderEvent({ orderId: "IDX-MERGED-LATER", customer: { email: "mergee.fixture@example.test", phone: undefined } }),
    ]);
    expect(outcome?.progress).toMatchObject({ matchedBy: "email", customerId: survivor.id });
  });

  it("never attaches an order to a customer deactivated after the index was built", async () => {
    const deactivated = await officeCreates("Fixture Inactive", [
      { type: "Email", value: "inactive.fixture@example.test" },
    ]);
    await seedIndexFromSandbox(world.session.customerIndex, world.sandbox.state);
    const record = world.sandbox.state.customers.get(deactivated.id);
    if (!record) throw new Error("sandbox lost the customer");
    record.active = false;
    const [outcome] = await world.sync([
      orderEvent({
        orderId: "IDX-DEACTIVATED",
        customer: {
          firstName: "Fixture",
          lastName: "Inactive",
          email: "inactive.fixture@example.test",
          phone: undefined,
        },
        billingAddress: { street: "5 Elsewhere Court", city: "Springfield", state: "IL", zip: "62703" },
      }),
    ]);
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.status).toBe("synced");
    expect(outcome?.progress?.customerId).not.toBe(deactivated.id);
    expect(outcome?.progress?.matchedBy).toBe("created");
  });

  it("ignores an index entry whose contact the office has since changed", async () => {
    const changed = await officeCreates("Fixture Changed", [{ type: "Email", value: "changed.fixture@example.test" }]);
    await seedIndexFromSandbox(world.session.customerIndex, world.sandbox.state);
    for (const contact of world.sandbox.state.customerContacts.values()) {
      if (contact.customerId === changed.id) contact.value = "someone.else@example.test";
    }
    const [outcome] = await world.sync([
      orderEvent({
        orderId: "IDX-STALE-CONTACT",
        customer: { firstName: "Other", lastName: "Person", email: "changed.fixture@example.test", phone: undefined },
        billingAddress: { street: "9 Unrelated Way", city: "Springfield", state: "IL", zip: "62704" },
      }),
    ]);
    expect(outcome?.progress?.customerId).not.toBe(changed.id);
    expect(outcome?.progress?.matchedBy).toBe("created");
  });

  it("matches by phone and by name + address from the index", async () => {
    await seedIndexFromSandbox(world.session.customerIndex, world.sandbox.state);
    const [byPhone, byAddress] = await world.sync([
      orderEvent({
        orderId: "IDX-PHONE",
        customer: { firstName: "Quinn", lastName: "Placeholder", email: undefined, phone: seedContacts.quinnPhone },
        billingAddress: { street: "42 Sample Street", city: "Shelbyville", state: "IL", zip: "62565" },
      }),
      orderEvent({
        orderId: "IDX-NAME-ADDRESS",
        customer: {
          firstName: "Quinn",
          lastName: "Placeholder",
          email: "quinn.elsewhere@example.test",
          phone: undefined,
        },
        billingAddress: { street: "42 Sample St", city: "Shelbyville", state: "Illinois", zip: "62565-1234" },
      }),
    ]);
    expect(byPhone?.progress).toMatchObject({ matchedBy: "phone", customerId: seedIds.customers.quinn });
    expect(byAddress?.progress).toMatchObject({ matchedBy: "name_address", customerId: seedIds.customers.quinn });
  });

  it("writes a customer it creates into the index, so the next order finds it by e-mail", async () => {
    await seedIndexFromSandbox(world.session.customerIndex, world.sandbox.state);
    const person = {
      firstName: "Fixture",
      lastName: "Newcomer",
      email: "newcomer.fixture@example.test",
      phone: undefined,
    };
    const billingAddress = { street: "3 Brandnew Lane", city: "Springfield", state: "IL", zip: "62702" };
    const [first] = await world.sync([orderEvent({ orderId: "IDX-NEW-1", customer: person, billingAddress })]);
    const [second] = await world.sync([
      orderEvent({
        orderId: "IDX-NEW-2",
        customer: person,
        billingAddress: { ...billingAddress, street: "99 Other Road" },
      }),
    ]);
    expect(first?.progress?.matchedBy).toBe("created");
    expect(second?.progress).toMatchObject({ matchedBy: "email", customerId: first?.progress?.customerId });
  });
});
