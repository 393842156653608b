/**
 * Creating a customer: a company order keeps the person in the contacts' memo, and a create reply
 * without the location sent with it is a permanent ServiceTitan reply error (a retry would find the
 * customer by its stamp but no location, and create a second one). Narrow: ServiceTitan is a stub
 * that answers every search with nothing and the create with the reply under test.
 */
import { describe, expect, it } from "vitest";
import { PermanentError, ReasonCode } from "../../lib/errors.ts";
import type { CreationLock } from "../../lib/ledger/creation-lock.ts";
import { parseOrderMessage } from "../../lib/order/parse-message.ts";
import { customerContacts, syncCustomerAndLocation } from "../../lib/pipeline/sync-customer.ts";
import { ServiceTitanResponseInvalidError } from "../../lib/servicetitan/errors.ts";
import type { ServiceTitanHttp, StRequest } from "../../lib/servicetitan/types.ts";
import { buildOrderBody } from "../support/order-factory.ts";
import { exampleConfig } from "../support/world.ts";

function stubServiceTitan(createdReply: unknown): ServiceTitanHttp & { posted: unknown[] } {
  const posted: unknown[] = [];
  return {
    tenantId: "1",
    stats: { calls: 0, tokenRequests: 0, rateLimited: 0, retries: 0 },
    posted,
    async request<T>(req: StRequest<T>): Promise<T> {
      if (req.method === "POST") posted.push(req.body);
      const reply = req.method === "POST" ? createdReply : { page: 1, pageSize: 50, hasMore: false, data: [] };
      return (req.response ? req.response.parse(reply) : reply) as T;
    },
  };
}

const lockAlwaysFree = { acquire: async () => ({ acquired: true, heldBefore: false }) } as unknown as CreationLock;
const address = { street: "1 Test Way", city: "Springfield", state: "IL", zip: "62704", country: "USA" };

describe("creating a customer", () => {
  it("fails permanently when ServiceTitan's reply lacks the location sent with the customer", async () => {
    // Prepare
    const order = parseOrderMessage(buildOrderBody());
    const http = stubServiceTitan({
      id: 42,
      name: "Test customer",
      type: "Residential",
      active: true,
      address,
      locations: [],
      contacts: [],
    });

    // Act
    const attempt = syncCustomerAndLocation(
      { http, config: exampleConfig(), creationLock: lockAlwaysFree },
      order,
      "default:1",
      { reconcile: false, payloadHash: "a".repeat(64) },
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ServiceTitanResponseInvalidError);
    await expect(attempt).rejects.toBeInstanceOf(PermanentError);
    await expect(attempt).rejects.toMatchObject({
      reason: ReasonCode.ServiceTitanRejected,
      fieldPaths: ["locations"],
    });
    expect(http.posted).toHaveLength(1);
  });

  it("puts the person of a company order in each contact's memo, and only for a company", () => {
    // Prepare
    const customer = {
      firstName: "Testa",
      lastName: "Companycontact",
      email: "t.c@example.com",
      phone: "555-010-0199",
    };
    const companyOrder = parseOrderMessage(buildOrderBody({ customer: { ...customer, company: "Test Dental PC" } }));
    const personOrder = parseOrderMessage(buildOrderBody({ customer: { ...customer, phone: "555-010-0199 ext 7" } }));

    // Act
    const forCompany = customerContacts(companyOrder);
    const forPerson = customerContacts(personOrder);

    // Assess
    expect(forCompany).toEqual([
      { type: "Email", value: "t.c@example.com", memo: "Testa Companycontact" },
      { type: "Phone", value: "5550100199", memo: "Testa Companycontact" },
    ]);
    expect(forPerson).toEqual([
      { type: "Email", value: "t.c@example.com" },
      { type: "Phone", value: "5550100199", memo: "ext. 7" },
    ]);
  });
});
