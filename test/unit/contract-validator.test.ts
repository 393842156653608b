/**
 * The OpenAPI contract check itself, on exchanges built by hand from ServiceTitan's documents (the
 * documents' own `example`s do not validate — e.g. `"type": {}` for an enum — so the fixtures follow the
 * schemas). No sandbox involved: each case feeds one exchange to the validator.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ContractExchange,
  type ContractViolation,
  defaultOpenApiDir,
  formatViolation,
  loadOpenApiValidator,
  type OpenApiValidator,
} from "../../sandbox/contract/openapi-validator.ts";

const docsPresent = existsSync(defaultOpenApiDir);
if (!docsPresent)
  console.warn(`ServiceTitan OpenAPI documents not found at ${defaultOpenApiDir}: contract validator tests skipped`);

const tenant = "/tenant/1234567";
const personalValue = "Testy McTestface";

const address = { street: "123 Test Street", unit: null, city: "Testville", state: "TX", zip: "75001", country: "USA" };

const customer = {
  id: 101,
  active: true,
  name: personalValue,
  type: "Residential",
  address,
  customFields: [],
  balance: 0,
  taxExempt: false,
  tagTypeIds: [7],
  doNotMail: false,
  doNotService: false,
  nationalAccount: false,
  createdOn: "2026-01-02T03:04:05Z",
  createdById: 1,
  modifiedOn: "2026-01-02T03:04:05Z",
  mergedToId: null,
  externalData: [{ key: "orderId", value: "ord-1" }],
};

const customerPage = { page: 1, pageSize: 50, hasMore: false, totalCount: null, data: [customer] };

const problem = {
  type: "https://example.test/problems/throttled",
  title: "Too Many Requests",
  status: 429,
  traceId: "t-1",
};

function exchange(overrides: Partial<ContractExchange> & Pick<ContractExchange, "method" | "path">): ContractExchange {
  return { query: {}, status: 200, ...overrides };
}

function messages(violations: readonly ContractViolation[]): string[] {
  return violations.map(formatViolation);
}

describe.skipIf(!docsPresent)("OpenAPI contract validator", () => {
  let validator: OpenApiValidator;

  beforeAll(async () => {
    const loaded = await loadOpenApiValidator();
    if (loaded === undefined) throw new Error("documents vanished between the existence check and loading");
    validator = loaded;
  });

  describe("accepts valid exchanges", () => {
    it("a customer search with documented filters and a schema-conforming page", () => {
      // Prepare
      const listCustomers = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers`,
        query: { active: "Any", phone: "5550100", page: "1", pageSize: "50", includeTotal: "true" },
        responseBody: customerPage,
        api: "crm",
        operationId: "Customers_GetList",
      });

      // Act
      const violations = validator.validate(listCustomers);

      // Assess
      expect(messages(violations)).toEqual([]);
    });

    it("a customer create with a valid body", () => {
      // Prepare
      const createCustomer = exchange({
        method: "POST",
        path: `/crm/v2${tenant}/customers`,
        requestBody: {
          name: personalValue,
          type: "Residential",
          address,
          locations: [{ name: personalValue, address }],
          contacts: [{ type: "Email", value: "testy@example.test" }],
          tagTypeIds: [7],
          externalData: {
            applicationGuid: "2f7e8a3c-1b2d-4c5e-8f90-a1b2c3d4e5f6",
            externalData: [{ key: "orderId", value: "ord-1" }],
          },
        },
        status: 400,
        responseBody: { ...problem, status: 400, title: "Bad Request", errors: {}, data: {} },
      });

      // Act
      const violations = validator.validate(createCustomer);

      // Assess
      expect(messages(violations)).toEqual([]);
    });

    it("an invoice item PATCH answered 200 without a body (the spec documents none)", () => {
      // Prepare
      const addItem = exchange({
        method: "PATCH",
        path: `/accounting/v2${tenant}/invoices/555/items`,
        requestBody: { skuId: 9, description: "Test widget", quantity: 2, unitPrice: 12.5 },
      });

      // Act
      const violations = validator.validate(addItem);

      // Assess
      expect(messages(violations)).toEqual([]);
    });

    it("literal path segments win over parameters (/customers/contacts is not /customers/{id})", () => {
      // Prepare
      const modifiedContacts = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers/contacts`,
        query: { customerIds: "101,102" },
        responseBody: { page: 1, pageSize: 50, hasMore: false, data: [] },
      });

      // Act
      const violations = validator.validate(modifiedContacts);

      // Assess
      expect(messages(violations)).toEqual([]);
      expect(validator.coverage()).toContain("Customers_GetModifiedContactsList");
    });

    it("the accounting schema that uses `nullable` without `type` (compiles, and null items are allowed)", () => {
      // Prepare
      const splits = exchange({
        method: "POST",
        path: `/accounting/v2${tenant}/credit-memos/77/splits`,
        requestBody: { splits: [null] },
        status: 404,
        responseBody: { ...problem, status: 404, title: "Not Found", errors: {}, data: {} },
      });

      // Act
      const violations = validator.validate(splits);

      // Assess
      expect(messages(violations)).toEqual([]);
    });

    it("an undocumented 429 with an RFC 7807 body, and the token endpoint is not checked", () => {
      // Prepare
      const throttled = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers`,
        status: 429,
        responseBody: problem,
      });
      const token = exchange({ method: "POST", path: "/connect/token", requestBody: "grant_type=client_credentials" });

      // Act
      const violations = [...validator.validate(throttled), ...validator.validate(token)];

      // Assess
      expect(messages(violations)).toEqual([]);
    });
  });

  describe("catches", () => {
    it("an undeclared query parameter, by name and without its value", () => {
      // Prepare
      const misspelled = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers`,
        query: { nmae: personalValue, active: "Any" },
        responseBody: customerPage,
      });

      // Act
      const violations = validator.validate(misspelled);

      // Assess
      expect(violations).toEqual([
        expect.objectContaining({ operation: "Customers_GetList", where: "query", pointer: "/nmae" }),
      ]);
      expect(violations[0]?.message).toContain('"nmae"');
      expect(messages(violations).join("\n")).not.toContain(personalValue);
    });

    it("query values of the wrong type and missing required query parameters", () => {
      // Prepare
      const badTypes = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers`,
        query: { page: "first", includeTotal: "yes", active: "any" },
        responseBody: customerPage,
      });
      const missingRequired = exchange({
        method: "GET",
        path: `/dispatch/v2${tenant}/technician-tracking`,
        query: { technicianId: "5" },
        responseBody: {},
      });

      // Act
      const typeViolations = validator.validate(badTypes);
      const requiredViolations = validator.validate(missingRequired).filter((v) => v.where === "query");

      // Assess
      expect(typeViolations.map((v) => v.pointer).sort()).toEqual(["/active", "/includeTotal", "/page"]);
      expect(requiredViolations).toEqual([expect.objectContaining({ pointer: "/appointmentId" })]);
    });

    it("a request body field of the wrong type, without echoing the value", () => {
      // Prepare
      const wrongType = exchange({
        method: "POST",
        path: `/crm/v2${tenant}/customers`,
        requestBody: { name: 42, address: { ...address, zip: 75001 }, locations: [{ name: personalValue, address }] },
        status: 200,
        responseBody: undefined,
      });

      // Act
      const violations = validator.validate(wrongType).filter((v) => v.where === "request");

      // Assess
      expect(violations.map((v) => [v.pointer, v.message])).toEqual([
        ["/name", "must be string"],
        ["/address/zip", "must be string"],
      ]);
      expect(messages(violations).join("\n")).not.toContain(personalValue);
    });

    it("a body field the schema does not have (ServiceTitan would drop it: `price` instead of `unitPrice`)", () => {
      // Prepare
      const dropped = exchange({
        method: "PATCH",
        path: `/accounting/v2${tenant}/invoices/555/items`,
        requestBody: { skuId: 9, description: "Test widget", quantity: 1, price: 12.5 },
      });

      // Act
      const violations = validator.validate(dropped);

      // Assess
      expect(violations).toEqual([expect.objectContaining({ where: "request", pointer: "" })]);
      expect(violations[0]?.message).toContain('"price"');
    });

    it("a response missing a required field", () => {
      // Prepare
      const { name: _omitted, ...nameless } = customer;
      const incomplete = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers`,
        responseBody: { ...customerPage, data: [nameless] },
      });

      // Act
      const violations = validator.validate(incomplete);

      // Assess
      expect(violations).toEqual([
        expect.objectContaining({
          operation: "Customers_GetList",
          where: "response",
          pointer: "/data/0",
          message: "must have required property 'name'",
        }),
      ]);
    });

    it("a wrong path, a wrong method and an unknown API", () => {
      // Prepare
      const typo = exchange({ method: "GET", path: `/crm/v2${tenant}/customer/testy@example.test` });
      const wrongMethod = exchange({ method: "PUT", path: `/crm/v2${tenant}/customers` });
      const unknownApi = exchange({ method: "GET", path: `/crm/v3${tenant}/customers` });

      // Act
      const violations = [typo, wrongMethod, unknownApi].map((e) => validator.validate(e));

      // Assess
      expect(violations.map((list) => list.map((v) => v.where))).toEqual([["route"], ["route"], ["route"]]);
      expect(violations[0]?.[0]?.operation).toBe("/crm/v2/tenant/{…}/customer/{…}");
      expect(violations[1]?.[0]?.message).toContain("GET, POST");
    });

    it("an undocumented error status whose body is not RFC 7807-shaped", () => {
      // Prepare
      const crash = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers`,
        status: 500,
        responseBody: { message: "boom" },
      });
      const mismatched = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers`,
        status: 503,
        responseBody: { ...problem, status: 500 },
      });

      // Act
      const crashViolations = validator.validate(crash);
      const mismatchViolations = validator.validate(mismatched);

      // Assess
      expect(crashViolations.map((v) => v.message).sort()).toEqual([
        "error body must have required property 'status'",
        "error body must have required property 'title'",
        "error body must have required property 'traceId'",
        "error body must have required property 'type'",
      ]);
      expect(mismatchViolations).toEqual([expect.objectContaining({ where: "response", pointer: "/status" })]);
    });

    it("an undocumented success status and a body where the spec documents none", () => {
      // Prepare
      const created = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers`,
        status: 201,
        responseBody: customerPage,
      });
      const chatty = exchange({
        method: "PATCH",
        path: `/accounting/v2${tenant}/invoices/555/items`,
        requestBody: { skuId: 9, description: "Test widget", quantity: 1 },
        responseBody: { ok: true },
      });

      // Act
      const violations = [...validator.validate(created), ...validator.validate(chatty)];

      // Assess
      expect(violations.map((v) => [v.where, v.message])).toEqual([
        ["response", "status 201 is not documented (documented: 200, 400)"],
        ["response", "status 200 is documented without a response body"],
      ]);
    });

    it("a sandbox routing label that disagrees with the spec", () => {
      // Prepare
      const mislabelled = exchange({
        method: "GET",
        path: `/crm/v2${tenant}/customers`,
        responseBody: customerPage,
        api: "crm",
        operationId: "Locations_GetList",
      });

      // Act
      const violations = validator.validate(mislabelled);

      // Assess
      expect(violations).toEqual([expect.objectContaining({ where: "route", operation: "Customers_GetList" })]);
    });
  });

  it("records every documented operation it saw in coverage()", async () => {
    // Prepare
    const fresh = await loadOpenApiValidator();
    if (fresh === undefined) throw new Error("documents vanished");

    // Act
    fresh.validate(exchange({ method: "GET", path: `/crm/v2${tenant}/customers`, responseBody: customerPage }));
    fresh.validate(exchange({ method: "DELETE", path: `/crm/v2${tenant}/customers/101/tags/7` }));
    fresh.validate(exchange({ method: "GET", path: `/crm/v2${tenant}/nowhere` }));

    // Assess
    expect([...fresh.coverage()].sort()).toEqual(["Customers_DeleteTag", "Customers_GetList"]);
    expect(fresh.knownOperations().size).toBeGreaterThan(300);
  });
});

describe("OpenAPI contract validator without documents", () => {
  it("loads to undefined when the folder is absent", async () => {
    // Prepare
    const missing = path.join(defaultOpenApiDir, "does-not-exist");

    // Act
    const validator = await loadOpenApiValidator(missing);

    // Assess
    expect(validator).toBeUndefined();
  });
});
