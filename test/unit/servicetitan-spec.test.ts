/**
 * Every endpoint function, checked against ServiceTitan's OpenAPI documents without a server: a
 * narrow recording `ServiceTitanHttp` turns each request into the exchange the client would send
 * (same URL builder), checks it with the contract validator (path, method, declared query
 * parameters, request body schema), looks for body fields the request model doesn't have (the spec
 * has no `additionalProperties: false`, and ServiceTitan drops unknown fields silently), and answers
 * with a sample generated from the documented response schema — which the endpoint's zod schema
 * must accept. Endpoint behaviours that need no server (empty filters, id chunking, client-side
 * filtering, 409 on tags) are covered here too.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ServiceTitanRejectedError } from "../../lib/errors.ts";
import {
  addInvoiceItem,
  createPayment,
  getInvoice,
  listInvoicePayments,
  listPaymentTypes,
  updateInvoiceSummary,
} from "../../lib/servicetitan/endpoints/accounting.ts";
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
import {
  createJob,
  createJobNote,
  listJobNotes,
  listJobs,
  listJobTypes,
  setJobTags,
} from "../../lib/servicetitan/endpoints/jpm.ts";
import {
  listCustomerMemberships,
  listDurationBillingItems,
  listMembershipTypes,
  sellMembership,
  setMembershipMemo,
} from "../../lib/servicetitan/endpoints/memberships.ts";
import { createPricebookItem, listPricebookItems } from "../../lib/servicetitan/endpoints/pricebook.ts";
import {
  listArrivalWindows,
  listBusinessUnits,
  listCampaigns,
  listTagTypes,
  listTechnicians,
} from "../../lib/servicetitan/endpoints/settings.ts";
import { ServiceTitanRequestInvalidError } from "../../lib/servicetitan/errors.ts";
import type { ServiceTitanCallStats, ServiceTitanHttp, StRequest } from "../../lib/servicetitan/types.ts";
import { buildApiUrl } from "../../lib/servicetitan/url.ts";
import {
  type OpenApiDocument,
  readOpenApiDocuments,
  readOpenApiSupplement,
} from "../../sandbox/contract/openapi-documents.ts";
import {
  defaultOpenApiSupplements,
  formatViolation,
  loadOpenApiValidator,
  type OpenApiValidator,
} from "../../sandbox/contract/openapi-validator.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const openApiDir = path.resolve(repoRoot, "../shared/servicetitan/openapi");
const docsPresent = existsSync(openApiDir);
if (!docsPresent)
  console.warn(`ServiceTitan OpenAPI documents not found at ${openApiDir}: spec conformance tests skipped`);

const tenant = "1234567";
const guid = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
type Json = Record<string, unknown>;

// ---- the documents -----------------------------------------------------------------------

let validator: OpenApiValidator;
let documents: Map<string, OpenApiDocument>;
/** Operations taken from older documents (`Payments_Create`), searched after the current ones. */
let supplements: OpenApiDocument[];

beforeAll(async () => {
  if (!docsPresent) return;
  const loaded = await loadOpenApiValidator(openApiDir);
  if (!loaded) throw new Error("contract validator did not load");
  validator = loaded;
  documents = new Map(((await readOpenApiDocuments(openApiDir)) ?? []).map((doc) => [doc.api, doc]));
  const older = await Promise.all(defaultOpenApiSupplements.map(readOpenApiSupplement));
  supplements = older.filter((doc): doc is OpenApiDocument => doc !== undefined);
});

interface Operation {
  document: OpenApiDocument;
  operationId: string;
  raw: Json;
}

function findOperation(api: string, method: string, requestPath: string): Operation | undefined {
  const current = documents.get(api);
  const candidates = [...(current ? [current] : []), ...supplements.filter((doc) => doc.api === api)];
  for (const document of candidates) {
    const found = findIn(document, method, requestPath);
    if (found) return found;
  }
  return undefined;
}

function findIn(document: OpenApiDocument, method: string, requestPath: string): Operation | undefined {
  const target = `/tenant/${tenant}${requestPath}`;
  // Literal segments win over parameters (`/contacts/contact-methods` is not `/contacts/{id}`).
  const templates = Object.entries(document.paths).sort(
    ([a], [b]) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0),
  );
  for (const [template, item] of templates) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    const operation = item[method.toLowerCase() as "get"];
    if (pattern.test(target) && operation) {
      return { document, operationId: operation.operationId, raw: operation as unknown as Json };
    }
  }
  return undefined;
}

function resolveRef(document: OpenApiDocument, schema: unknown): Json {
  let current = (schema ?? {}) as Json;
  for (let hops = 0; typeof current.$ref === "string" && hops < 20; hops++) {
    const tokens = (current.$ref as string).replace(/^#\//, "").split("/");
    current = tokens.reduce<unknown>((node, token) => (node as Json)[token], document.raw) as Json;
  }
  return current;
}

/** The non-null alternatives of `oneOf`/`anyOf`/`allOf`, resolved. */
function variants(document: OpenApiDocument, schema: Json): Json[] {
  const alternatives = [
    ...((schema.allOf as unknown[] | undefined) ?? []),
    ...((schema.oneOf as unknown[] | undefined) ?? []),
    ...((schema.anyOf as unknown[] | undefined) ?? []),
  ].map((s) => resolveRef(document, s));
  return alternatives.filter((s) => s.type !== "null");
}

function typesOf(schema: Json): string[] {
  const type = schema.type;
  return (Array.isArray(type) ? type : type === undefined ? [] : [type]).filter((t) => t !== "null") as string[];
}

/** A value valid for the schema, with every declared property present (so every field is exercised). */
function sample(document: OpenApiDocument, schemaOrRef: unknown, depth = 0): unknown {
  const schema = resolveRef(document, schemaOrRef);
  if (depth > 12) return undefined;
  const alternatives = variants(document, schema);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const types = typesOf(schema);
  if (types.length === 0 && alternatives.length > 0) {
    if (schema.allOf) return Object.assign({}, ...alternatives.map((s) => sample(document, s, depth + 1)));
    return sample(document, alternatives[0], depth + 1);
  }
  const type = types[0];
  if (type === "object" || schema.properties) {
    const out: Json = {};
    for (const [name, property] of Object.entries((schema.properties as Json | undefined) ?? {})) {
      const value = sample(document, property, depth + 1);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  if (type === "array") return [sample(document, schema.items, depth + 1)];
  if (type === "integer") return 1;
  if (type === "number") return 12.5;
  if (type === "boolean") return false;
  if (type === "string") {
    switch (schema.format) {
      case "date-time":
        return "2026-01-02T03:04:05Z";
      case "date":
        return "2026-01-02";
      case "guid":
      case "uuid":
        return guid;
      case "duration":
        return "08:00:00";
      case "email":
        return "testy@example.com";
      case "uri":
        return "https://example.test/x";
      case "decimal":
        return "12.50";
      default:
        return "Testy";
    }
  }
  return {};
}

/** JSON pointers of body fields the request model doesn't declare. */
function unknownFields(document: OpenApiDocument, schemaOrRef: unknown, value: unknown, at = ""): string[] {
  const schema = resolveRef(document, schemaOrRef);
  const shapes = [schema, ...variants(document, schema)];
  if (Array.isArray(value)) {
    const items = shapes.map((s) => s.items).find((i) => i !== undefined);
    return value.flatMap((item, index) => unknownFields(document, items, item, `${at}/${index}`));
  }
  if (value === null || typeof value !== "object") return [];
  const properties: Json = Object.assign({}, ...shapes.map((s) => (s.properties as Json | undefined) ?? {}));
  if (Object.keys(properties).length === 0 && shapes.some((s) => s.additionalProperties)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key in properties ? unknownFields(document, properties[key], child, `${at}/${key}`) : [`${at}/${key}`],
  );
}

// ---- the recording http --------------------------------------------------------------------

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  operationId: string | undefined;
  label: string | undefined;
  problems: string[];
}

type Override = (request: Recorded) => { status: number; body?: unknown } | undefined;

class SpecHttp implements ServiceTitanHttp {
  readonly tenantId = tenant;
  readonly stats: ServiceTitanCallStats = { calls: 0, tokenRequests: 0, rateLimited: 0, retries: 0 };
  readonly requests: Recorded[] = [];
  constructor(private readonly override: Override = () => undefined) {}

  async request<T>(req: StRequest<T>): Promise<T> {
    this.stats.calls += 1;
    const url = new URL(buildApiUrl("http://st.test", req.api, tenant, req.path, req.query));
    const body = req.body === undefined ? undefined : JSON.parse(JSON.stringify(req.body));
    const operation = findOperation(req.api, req.method, req.path);
    const recorded: Recorded = {
      method: req.method,
      path: req.path,
      query: Object.fromEntries(url.searchParams),
      body,
      operationId: operation?.operationId,
      label: req.operation,
      problems: [],
    };
    this.requests.push(recorded);
    if (!operation) {
      recorded.problems.push(`${req.method} ${req.api} ${req.path}: no documented operation`);
      throw new Error(recorded.problems[0]);
    }
    const responses = operation.raw.responses as Record<string, Json>;
    const successStatus = Number(Object.keys(responses).find((status) => status.startsWith("2")) ?? 200);
    const successSchema = (responses[String(successStatus)]?.content as Json | undefined)?.["application/json"] as
      | Json
      | undefined;
    const sampleBody = successSchema ? sample(operation.document, successSchema.schema) : undefined;

    const requestSchema = (
      ((operation.raw.requestBody as Json | undefined)?.content as Json | undefined)?.["application/json"] as
        | Json
        | undefined
    )?.schema;
    if (body !== undefined && requestSchema !== undefined) {
      for (const pointer of unknownFields(operation.document, requestSchema, body)) {
        recorded.problems.push(`${operation.operationId} request ${pointer}: not in the request model`);
      }
    }
    const violations = validator.validate({
      method: req.method,
      path: url.pathname,
      query: recorded.query,
      requestBody: body,
      status: successStatus,
      responseBody: sampleBody,
    });
    recorded.problems.push(...violations.map(formatViolation));

    const overridden = this.override(recorded);
    if (overridden && overridden.status >= 400) {
      throw new ServiceTitanRejectedError(`${operation.operationId}: ${overridden.status}`, overridden.status);
    }
    const reply = overridden ? overridden.body : sampleBody;
    if (!req.response) return undefined as T;
    const parsed = req.response.safeParse(reply);
    if (!parsed.success) {
      const paths = parsed.error.issues.map((issue) => issue.path.join("."));
      recorded.problems.push(
        `${operation.operationId} response rejected by the endpoint schema at ${paths.join(", ")}`,
      );
      throw new Error(recorded.problems.at(-1));
    }
    return parsed.data;
  }
}

function expectConformant(http: SpecHttp, operationIds: string[]) {
  expect(http.requests.map((r) => r.operationId)).toEqual(operationIds);
  expect(http.requests.map((r) => r.label)).toEqual(operationIds);
  expect(http.requests.flatMap((r) => r.problems)).toEqual([]);
}

const externalData = { applicationGuid: guid, key: "orderKey", values: ["store-1:1001"] };
const address = {
  street: "1 Test Street",
  unit: "Apt 2",
  city: "Testville",
  state: "TX",
  zip: "75001",
  country: "USA",
};
const stamp = { applicationGuid: guid, externalData: [{ key: "createdByOrder", value: "store-1:1001" }] };

// ---- tests ---------------------------------------------------------------------------------

describe.skipIf(!docsPresent)("endpoint modules conform to the OpenAPI documents", () => {
  it("crm: contact search, relationships, customers, locations, contacts, tags", async () => {
    // Prepare
    const http = new SpecHttp();

    // Act
    const methods = await searchContactMethods(http, { type: "Email", value: "testy@example.com" });
    const relationships = await listContactRelationships(http, guid, { typeSlug: "customer" });
    const customers = await listCustomers(http, {
      ids: [1, 2],
      name: "Testy",
      street: "1 Test Street",
      unit: "2",
      city: "Testville",
      state: "TX",
      zip: "75001",
      phone: "5550100",
      active: "Any",
      externalData,
      page: 1,
      pageSize: 50,
    });
    const customer = await getCustomer(http, 1);
    const created = await createCustomer(http, {
      name: "Testy McTestface",
      type: "Residential",
      address,
      locations: [{ name: "Testy McTestface", address, tagTypeIds: [5], externalData: stamp }],
      contacts: [
        { type: "Email", value: "testy@example.com" },
        { type: "Phone", value: "5550100", memo: "ext. 12" },
      ],
      tagTypeIds: [7],
      externalData: stamp,
    });
    const locations = await listLocations(http, {
      customerId: 1,
      ids: [3],
      name: "Testy",
      street: "1 Test Street",
      unit: "2",
      city: "Testville",
      state: "TX",
      zip: "75001",
      active: "Any",
      externalData,
      page: 2,
      pageSize: 200,
    });
    const location = await createLocation(http, {
      customerId: 1,
      name: "Testy",
      address,
      tagTypeIds: [5],
      externalData: stamp,
    });
    const customerTags = await addCustomerTag(http, 1, 7);
    const locationTags = await addLocationTag(http, 3, 5);
    const contacts = await listCustomerContacts(http, 1);

    // Assess
    expectConformant(http, [
      "Contacts_SearchContactMethods",
      "Contacts_GetContactRelationshipList",
      "Customers_GetList",
      "Customers_Get",
      "Customers_Create",
      "Locations_GetList",
      "Locations_Create",
      "Customers_CreateTag",
      "Locations_CreateTag",
      "Customers_GetContactList",
    ]);
    expect(methods[0]).toMatchObject({ id: guid, contactId: guid, type: "Phone", value: "Testy" });
    expect(relationships).toEqual([{ relatedEntityId: 1, typeSlug: "Testy" }]);
    expect(customers.data[0]).toMatchObject({ id: 1, type: "Residential", address: { zip: "Testy" } });
    expect(customers.hasMore).toBe(false);
    expect(customer.externalData).toEqual([{ key: "Testy", value: "Testy" }]);
    expect(created.locations[0]?.id).toBe(1);
    expect(created.contacts[0]).toMatchObject({ id: 1, type: "Phone" });
    expect(locations.data[0]).toMatchObject({ id: 1, customerId: 1, tagTypeIds: [1] });
    expect(location.contacts).toHaveLength(1);
    expect(customerTags).toEqual({ customerId: 1, tagTypeIds: [1] });
    expect(locationTags).toEqual({ locationId: 1, tagTypeIds: [1] });
    expect(contacts).toEqual([{ id: 1, type: "Phone", value: "Testy", memo: "Testy" }]);
    const sent = http.requests[2]?.query;
    expect(sent).toMatchObject({
      ids: "1,2",
      phone: "5550100",
      externalDataApplicationGuid: guid,
      externalDataKey: "orderKey",
      externalDataValues: "store-1:1001",
    });
  });

  it("pricebook: list and create for every kind, dropping fields a kind doesn't have", async () => {
    // Prepare
    const http = new SpecHttp();
    const accounts = { account: "Sales", costOfSaleAccount: "COGS", assetAccount: "Inventory" };

    // Act
    const items = [];
    for (const kind of ["material", "equipment", "service"] as const) {
      items.push(
        await listPricebookItems(http, kind, {
          searchText: "FLT-16",
          ids: [1],
          active: "Any",
          externalData,
          page: 1,
          pageSize: 50,
        }),
      );
    }
    const material = await createPricebookItem(http, "material", {
      code: "FLT-16",
      displayName: "Filter",
      description: "Filter 16x25",
      price: 19.99,
      cost: 5,
      active: true,
      externalData: stamp,
      ...accounts,
    });
    const equipment = await createPricebookItem(http, "equipment", {
      code: "EQ-1",
      description: "Pump",
      price: 300,
      ...accounts,
    });
    // A caller spreading material fields into a service body: they must not be sent.
    const serviceBody = { code: "SV-1", description: "Tune-up", price: 89, ...accounts };
    const service = await createPricebookItem(http, "service", serviceBody);

    // Assess
    expectConformant(http, [
      "Materials_GetList",
      "Equipment_GetList",
      "Services_GetList",
      "Materials_Create",
      "Equipment_Create",
      "Services_Create",
    ]);
    expect(items.map((page) => page.data[0]?.code)).toEqual(["Testy", "Testy", "Testy"]);
    expect(material).toMatchObject({ id: 1, price: 12.5, costOfSaleAccount: "Testy" });
    expect(equipment.id).toBe(1);
    expect(service.costOfSaleAccount).toBeUndefined();
    expect(http.requests[5]?.body).toEqual({ code: "SV-1", description: "Tune-up", price: 89, account: "Sales" });
  });

  it("jpm: create and list jobs, list job types", async () => {
    // Prepare
    const http = new SpecHttp();

    // Act
    const job = await createJob(http, {
      customerId: 1,
      locationId: 2,
      businessUnitId: 3,
      jobTypeId: 4,
      priority: "Normal",
      campaignId: 5,
      appointments: [
        {
          start: "2026-03-02T14:00:00Z",
          end: "2026-03-02T18:00:00Z",
          arrivalWindowStart: "2026-03-02T14:00:00Z",
          arrivalWindowEnd: "2026-03-02T16:00:00Z",
          technicianIds: [9],
        },
      ],
      summary: "Product order 1001",
      tagTypeIds: [11],
      externalData: { applicationGuid: guid, externalData: [{ key: "orderKey", value: "store-1:1001" }] },
    });
    const jobs = await listJobs(http, { ids: [1], customerId: 1, externalData, page: 1, pageSize: 50 });
    const jobTypes = await listJobTypes(http, { ids: [4], active: "True" });

    // Assess
    expectConformant(http, ["Jobs_Create", "Jobs_GetList", "JobTypes_GetList"]);
    expect(job).toMatchObject({ id: 1, invoiceId: 1, customerId: 1, locationId: 1, jobNumber: "Testy" });
    expect(jobs.data[0]?.externalData).toEqual([{ key: "Testy", value: "Testy" }]);
    expect(jobTypes[0]).toMatchObject({ id: 1, businessUnitIds: [1], tagTypeIds: [1] });
  });

  it("accounting: read an invoice by id and append one item", async () => {
    // Prepare
    const http = new SpecHttp();

    // Act
    const invoice = await getInvoice(http, 1);
    await addInvoiceItem(http, 1, { skuId: 7, description: "Filter", quantity: 2, unitPrice: 19.99 });

    // Assess
    expectConformant(http, ["Invoices_GetList", "Invoices_UpdateInvoiceItems"]);
    expect(http.requests[0]?.query).toMatchObject({ ids: "1" });
    expect(invoice?.items[0]).toMatchObject({ id: 1, skuId: 1, price: "Testy", type: "Service" });
    expect(http.requests[1]?.body).toEqual({ skuId: 7, description: "Filter", quantity: 2, unitPrice: 19.99 });
  });

  it("accounting: invoice summary, payments (Payments_Create per the March 2026 document), payment types", async () => {
    // Prepare
    const http = new SpecHttp();

    // Act
    await updateInvoiceSummary(http, 1, { summary: "Paid online 2026-11-20, $54.12" });
    const payments = await listInvoicePayments(http, 1);
    const created = await createPayment(http, {
      typeId: 3,
      amount: 54.12,
      customerId: 2,
      memo: "Online store payment, order store-1:1001",
      paidOn: "2026-11-20T21:04:05.000Z",
      authCode: "ch_1",
      splits: [{ invoiceId: 1, amount: 54.12 }],
    });
    const types = await listPaymentTypes(http, { ids: [3], active: "True" });

    // Assess
    expectConformant(http, ["Invoices_UpdateInvoice", "Payments_GetList", "Payments_Create", "PaymentTypes_GetList"]);
    expect(http.requests[1]?.query).toMatchObject({ appliedToInvoiceIds: "1" });
    expect(payments[0]).toMatchObject({ id: 1, active: false, appliedTo: [{ appliedTo: 1 }] });
    expect(created.id).toBe(1);
    expect(types[0]).toMatchObject({ id: 1 });
  });

  it("jpm: job notes and the job's tag list", async () => {
    // Prepare
    const http = new SpecHttp();

    // Act
    await createJobNote(http, 1, { text: "Online order store-1:1001: check the tax" });
    const notes = await listJobNotes(http, 1);
    const job = await setJobTags(http, 1, [11, 12]);

    // Assess
    expectConformant(http, ["Jobs_CreateNote", "Jobs_GetNotes", "Jobs_Update"]);
    expect(notes[0]?.text).toBe("Testy");
    expect(http.requests[2]?.body).toEqual({ tagTypeIds: [11, 12] });
    expect(job.id).toBe(1);
  });

  it("memberships: types, duration/billing options, a customer's memberships, the sale and the memo", async () => {
    // Prepare
    const http = new SpecHttp();

    // Act
    const types = await listMembershipTypes(http, { ids: [1601], active: "True" });
    const options = await listDurationBillingItems(http, 1601, { active: "True" });
    const memberships = await listCustomerMemberships(http, 42);
    const sale = await sellMembership(http, {
      customerId: 42,
      businessUnitId: 501,
      saleTaskId: 5205,
      durationBillingId: 1611,
      locationId: 43,
      recurringServiceAction: "Single",
      recurringLocationId: 43,
    });
    await setMembershipMemo(http, 7, "Sold online: order store-1:1001");

    // Assess
    expectConformant(http, [
      "MembershipTypes_GetList",
      "MembershipTypes_GetDurationBillingList",
      "CustomerMemberships_GetList",
      "CustomerMemberships_Create",
      "CustomerMemberships_Update",
    ]);
    expect(http.requests[2]?.query).toMatchObject({ customerIds: "42", active: "Any" });
    expect(http.requests[4]?.body).toEqual({ memo: "Sold online: order store-1:1001" });
    expect(types[0]?.id).toBe(1);
    expect(options[0]?.id).toBe(1);
    expect(memberships[0]?.membershipTypeId).toBe(1);
    expect(sale).toEqual({ invoiceId: 1, customerMembershipId: 1 });
  });

  it("settings, marketing, dispatch: every lookup uses only its documented filters", async () => {
    // Prepare
    const http = new SpecHttp();

    // Act
    const tagTypes = await listTagTypes(http, { ids: [1], active: "Any" });
    const businessUnits = await listBusinessUnits(http, { ids: [1], active: "True" });
    const technicians = await listTechnicians(http, { ids: [1], active: "True" });
    const campaigns = await listCampaigns(http, { ids: [1], active: "True" });
    const windows = await listArrivalWindows(http, { active: "True" });

    // Assess
    expectConformant(http, [
      "TagTypes_GetList",
      "BusinessUnits_GetList",
      "Technicians_GetList",
      "Campaigns_GetList",
      "ArrivalWindows_GetList",
    ]);
    expect(http.requests[0]?.query.ids).toBeUndefined();
    expect(tagTypes.map((t) => t.id)).toEqual([1]);
    expect(businessUnits[0]?.id).toBe(1);
    expect(technicians[0]).toEqual({ id: 1, name: "Testy", active: false, businessUnitId: 1 });
    expect(campaigns[0]?.id).toBe(1);
    expect(windows[0]).toMatchObject({ id: 1, startMinutes: 480, durationMinutes: 480 });
  });
});

describe.skipIf(!docsPresent)("endpoint module behaviour", () => {
  it("makes no call for a filter that can match nothing", async () => {
    // Prepare
    const http = new SpecHttp();

    // Act
    const customers = await listCustomers(http, { ids: [] });
    const locations = await listLocations(http, { externalData: { ...externalData, values: [] } });
    const jobTypes = await listJobTypes(http, { ids: [] });
    const tagTypes = await listTagTypes(http, { ids: [] });

    // Assess
    expect(http.requests).toHaveLength(0);
    expect(customers.data).toEqual([]);
    expect(locations.data).toEqual([]);
    expect(jobTypes).toEqual([]);
    expect(tagTypes).toEqual([]);
  });

  it("splits more than 50 ids into requests of at most 50", async () => {
    // Prepare
    const http = new SpecHttp();
    const ids = Array.from({ length: 120 }, (_, i) => i + 1);

    // Act
    await listBusinessUnits(http, { ids, active: "True" });

    // Assess
    const sent = http.requests.map((r) => r.query.ids?.split(",").map(Number) ?? []);
    expect(sent.map((chunk) => chunk.length)).toEqual([50, 50, 20]);
    expect(sent.flat().sort((a, b) => a - b)).toEqual(ids);
  });

  it("filters tag types by id client-side (the list has no ids filter)", async () => {
    // Prepare
    const http = new SpecHttp();

    // Act
    const found = await listTagTypes(http, { ids: [2] });

    // Assess
    expect(http.requests).toHaveLength(1);
    expect(http.requests[0]?.query.ids).toBeUndefined();
    expect(found).toEqual([]);
  });

  it("refuses a create body that misses a required field, before sending it", async () => {
    // Prepare
    const http = new SpecHttp();
    const body = { name: "Testy McTestface", locations: [{ name: "Testy", address }] } as unknown as Parameters<
      typeof createCustomer
    >[1];

    // Act
    const error = await createCustomer(http, body).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanRequestInvalidError);
    expect((error as ServiceTitanRequestInvalidError).fieldPaths).toEqual(["address"]);
    expect((error as Error).message).not.toContain("Testy");
    expect(http.requests).toHaveLength(0);
  });

  it("treats a 409 on adding a tag as done when the tag is already there", async () => {
    // Prepare
    const customer = (tagTypeIds: number[]) => ({
      id: 1,
      name: "Testy",
      type: "Residential",
      active: true,
      address,
      tagTypeIds,
      externalData: [],
    });
    const present = new SpecHttp((r) =>
      r.operationId === "Customers_CreateTag" ? { status: 409 } : { status: 200, body: customer([7, 8]) },
    );
    const absent = new SpecHttp((r) =>
      r.operationId === "Customers_CreateTag" ? { status: 409 } : { status: 200, body: customer([8]) },
    );

    // Act
    const result = await addCustomerTag(present, 1, 7);
    const error = await addCustomerTag(absent, 1, 7).catch((e: unknown) => e);

    // Assess
    expect(result).toEqual({ customerId: 1, tagTypeIds: [7, 8] });
    expect(present.requests.map((r) => r.operationId)).toEqual(["Customers_CreateTag", "Customers_Get"]);
    expect(error).toBeInstanceOf(ServiceTitanRejectedError);
    expect((error as ServiceTitanRejectedError).status).toBe(409);
  });
});
