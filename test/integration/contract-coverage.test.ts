/**
 * Drives every operation the sandbox implements over real HTTP (loopback) with requests that follow
 * ServiceTitan's OpenAPI documents, and requires zero contract violations and full coverage. If the
 * sandbox grows an operation, this file fails until a request recipe for it is added below — so no
 * sandbox route ships without its responses having been checked against the official schema.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultOpenApiDir, formatViolation } from "../../sandbox/contract/openapi-validator.ts";
import { implementedOperations, seedContacts, seedIds } from "../../sandbox/server.ts";
import { type TestSandbox, useTestSandbox } from "../support/sandbox.ts";

const docsPresent = existsSync(defaultOpenApiDir);
if (!docsPresent)
  console.warn(`ServiceTitan OpenAPI documents not found at ${defaultOpenApiDir}: contract coverage test skipped`);

const applicationGuid = "7c0ffee0-0000-4000-8000-00000000c0de";
const address = { street: "123 Test Street", unit: null, city: "Testville", state: "TX", zip: "75001", country: "USA" };

type Query = Record<string, string | readonly string[]>;

/** A minimal ServiceTitan client: token once, then bearer + ST-App-Key; any non-2xx fails the recipe. */
class Client {
  #token = "";

  constructor(private readonly sandbox: TestSandbox) {}

  async connect(): Promise<void> {
    const response = await fetch(`${this.sandbox.authUrl}/connect/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: this.sandbox.credentials.clientId,
        client_secret: this.sandbox.credentials.clientSecret,
      }),
    });
    const body = (await response.json()) as { access_token?: unknown };
    if (!response.ok || typeof body.access_token !== "string")
      throw new Error(`token request failed: ${response.status}`);
    this.#token = body.access_token;
  }

  async call<T = Record<string, unknown>>(
    method: string,
    api: string,
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const url = new URL(`${this.sandbox.apiUrl}/${api}/v2/tenant/${this.sandbox.tenantId}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      for (const item of typeof value === "string" ? [value] : value) url.searchParams.append(name, item);
    }
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.#token}`,
        "st-app-key": this.sandbox.credentials.appKey,
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${api}${path} answered ${response.status}`);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }
}

interface Paged {
  data: Record<string, unknown>[];
}

/** Records the recipes need, created through the API on first use (each creation is itself checked). */
class World {
  readonly #memo = new Map<string, Promise<unknown>>();

  constructor(readonly client: Client) {}

  #once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let pending = this.#memo.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = make();
      this.#memo.set(key, pending);
    }
    return pending;
  }

  customer(): Promise<{ id: number; locationId: number }> {
    return this.#once("customer", async () => {
      const created = await this.client.call<{ id: number; locations: { id: number }[] }>("POST", "crm", "/customers", {
        body: {
          name: "Testy McTestface",
          type: "Residential",
          address,
          locations: [{ name: "Testy McTestface", address }],
          contacts: [
            { type: "Email", value: "testy.coverage@example.test" },
            { type: "Phone", value: "5550100123" },
          ],
          externalData: { applicationGuid, externalData: [{ key: "orderId", value: "cov-1" }] },
        },
      });
      return { id: created.id, locationId: created.locations[0]?.id ?? Number.NaN };
    });
  }

  location(): Promise<number> {
    return this.#once("location", async () => {
      const { id: customerId } = await this.customer();
      const created = await this.client.call<{ id: number }>("POST", "crm", "/locations", {
        body: {
          customerId,
          name: "Testy McTestface second home",
          address: { ...address, street: "125 Test Street" },
          contacts: [{ type: "Phone", value: "5550100124" }],
          externalData: { applicationGuid, externalData: [{ key: "orderId", value: "cov-1" }] },
        },
      });
      return created.id;
    });
  }

  sku(kind: "materials" | "equipment" | "services"): Promise<number> {
    return this.#once(`sku:${kind}`, async () => {
      const created = await this.client.call<{ id: number }>("POST", "pricebook", `/${kind}`, {
        body: {
          code: `COV-${kind.toUpperCase()}-1`,
          displayName: `Coverage ${kind}`,
          description: `Coverage test ${kind}`,
          price: 19.99,
          active: true,
          externalData: { applicationGuid, externalData: [{ key: "sku", value: `COV-${kind}` }] },
        },
      });
      return created.id;
    });
  }

  job(): Promise<{ id: number; invoiceId: number }> {
    return this.#once("job", () => this.newJob("cov-1"));
  }

  /** A job of its own (e.g. to cancel, without cancelling the one the other recipes share). */
  async newJob(orderId: string): Promise<{ id: number; invoiceId: number }> {
    const { id: customerId, locationId } = await this.customer();
    const created = await this.client.call<{ id: number; invoiceId: number }>("POST", "jpm", "/jobs", {
      body: {
        customerId,
        locationId,
        businessUnitId: seedIds.businessUnits.filtersAndProducts,
        jobTypeId: seedIds.jobTypes.filterDelivery,
        priority: "Normal",
        campaignId: seedIds.campaigns.onlineStore,
        appointments: [
          {
            start: "2030-01-07T15:00:00Z",
            end: "2030-01-07T17:00:00Z",
            arrivalWindowStart: "2030-01-07T15:00:00Z",
            arrivalWindowEnd: "2030-01-07T17:00:00Z",
            technicianIds: [seedIds.technicians.deliveryTech],
          },
        ],
        summary: `Online order ${orderId}`,
        tagTypeIds: [seedIds.tagTypes.onlineOrderJob],
        externalData: { applicationGuid, externalData: [{ key: "orderId", value: orderId }] },
      },
    });
    return { id: created.id, invoiceId: created.invoiceId };
  }

  /** Adds one line to the job's invoice and returns its item id, read back from the invoice. */
  invoiceItem(): Promise<{ invoiceId: number; itemId: number }> {
    return this.#once("invoice-item", async () => {
      const { invoiceId } = await this.job();
      const skuId = await this.sku("materials");
      await this.client.call("PATCH", "accounting", `/invoices/${invoiceId}/items`, {
        body: { skuId, description: "Coverage filter", quantity: 2, unitPrice: 19.99 },
      });
      const page = await this.client.call<{ data: { items: { id: number; skuId: number }[] }[] }>(
        "GET",
        "accounting",
        "/invoices",
        { query: { ids: String(invoiceId) } },
      );
      const item = page.data[0]?.items.find((candidate) => candidate.skuId === skuId);
      if (item === undefined) throw new Error("the added invoice item was not read back");
      return { invoiceId, itemId: item.id };
    });
  }

  /** A Filter Club membership sold to the coverage customer at its location (`POST /memberships/sale`). */
  membership(): Promise<{ invoiceId: number; customerMembershipId: number }> {
    return this.#once("membership", async () => {
      const { id: customerId, locationId } = await this.customer();
      return this.client.call<{ invoiceId: number; customerMembershipId: number }>(
        "POST",
        "memberships",
        "/memberships/sale",
        {
          body: {
            customerId,
            businessUnitId: seedIds.businessUnits.filtersAndProducts,
            saleTaskId: seedIds.services.filterClubSale,
            durationBillingId: seedIds.durationBilling.filterClubMonthly,
            locationId,
            recurringServiceAction: "Single",
            recurringLocationId: locationId,
          },
        },
      );
    });
  }

  /** A payment applied to the job's invoice (`Payments_Create`, the March 2026 accounting document). */
  payment(): Promise<{ id: number; invoiceId: number }> {
    return this.#once("payment", async () => {
      const { invoiceId } = await this.invoiceItem();
      const { id: customerId } = await this.customer();
      const created = await this.client.call<{ id: number }>("POST", "accounting", "/payments", {
        body: {
          typeId: seedIds.paymentTypes.onlineStore,
          amount: 39.98,
          customerId,
          memo: "Online store payment, order cov-1",
          paidOn: "2026-11-20T15:04:05Z",
          authCode: "ch_coverage_1",
          splits: [{ invoiceId, amount: 39.98 }],
        },
      });
      return { id: created.id, invoiceId };
    });
  }

  /** A booking filed under the seeded Booking Provider tag. */
  booking(): Promise<number> {
    return this.#once("booking", async () => {
      const provider = seedIds.bookingProviderTags.onlineStore;
      const created = await this.client.call<{ id: number }>("POST", "crm", `/booking-provider/${provider}/bookings`, {
        body: {
          source: "coverage-store",
          name: "Testy McTestface",
          address: { street: "123 Test Street", city: "Testville", state: "TX", zip: "75001", country: "USA" },
          contacts: [{ type: "Email", value: "testy.coverage@example.test" }],
          customerType: "Residential",
          start: "2026-11-20T14:00:00Z",
          summary: "Service order cov-1<br/>1 × Diagnostic visit",
          campaignId: seedIds.campaigns.onlineStore,
          businessUnitId: seedIds.businessUnits.residentialService,
          jobTypeId: seedIds.jobTypes.serviceVisit,
          priority: "High",
          isFirstTimeClient: true,
          isSendConfirmationEmail: false,
          externalId: "coverage-store:cov-1",
        },
      });
      return created.id;
    });
  }

  /** Reads an export feed twice: from the beginning, then from the token with recent changes; both must have rows. */
  async exportFeed(path: string): Promise<void> {
    await this.customer();
    await this.location();
    const first = await this.client.call<{ continueFrom: string; data: unknown[] }>("GET", "crm", path);
    const next = await this.client.call<{ data: unknown[] }>("GET", "crm", path, {
      query: { from: first.continueFrom, includeRecentChanges: "true" },
    });
    if (first.data.length === 0 || next.data.length === 0) throw new Error(`${path}: no rows to check`);
  }

  /** A GUID contact of the newer contacts model (seeded customers are mirrored into it). */
  contactId(): Promise<string> {
    return this.#once("contact", async () => {
      const page = await this.client.call<Paged>("GET", "crm", "/contacts/contact-methods", {
        query: { type: "Email", value: seedContacts.testyEmail },
      });
      const contactId = page.data[0]?.contactId;
      if (typeof contactId !== "string") throw new Error("no seeded contact found by email");
      return contactId;
    });
  }
}

const tag = seedIds.tagTypes.productOneTime;
const seededCustomer = seedIds.customers.testy;
const seededLocation = seedIds.locations.testyHome;
const paging = { page: "1", pageSize: "10", includeTotal: "true" } as const;

type Recipe = (world: World) => Promise<unknown>;

/** One valid request per operationId (plus whatever it depends on, made through the API). */
const recipes: Record<string, Recipe> = {
  // CRM customers
  Customers_GetModifiedContactsList: (w) =>
    w.client.call("GET", "crm", "/customers/contacts", {
      query: { customerIds: `${seededCustomer},${seedIds.customers.quinn}` },
    }),
  Locations_GetLocationsContactsList: async (w) =>
    w.client.call("GET", "crm", "/locations/contacts", {
      query: { ...paging, locationIds: `${await w.location()},${seedIds.locations.quinnHome}` },
    }),

  // CRM export feeds: from the start, then on from the token, with recent changes.
  ExportCustomers_GetCustomers: (w) => w.exportFeed("/export/customers"),
  ExportContacts_CustomersContacts: (w) => w.exportFeed("/export/customers/contacts"),
  ExportLocations_Locations: (w) => w.exportFeed("/export/locations"),
  ExportContacts_LocationsContacts: (w) => w.exportFeed("/export/locations/contacts"),
  Customers_GetList: (w) =>
    w.client.call("GET", "crm", "/customers", { query: { ...paging, phone: seedContacts.testyPhone, active: "Any" } }),
  Customers_Create: (w) => w.customer(),
  Customers_Get: (w) => w.client.call("GET", "crm", `/customers/${seededCustomer}`),
  Customers_Update: async (w) => {
    const { id } = await w.customer();
    return w.client.call("PATCH", "crm", `/customers/${id}`, {
      body: {
        doNotMail: true,
        externalData: { applicationGuid, patchMode: "Merge", externalData: [{ key: "email", value: "testy" }] },
      },
    });
  },
  Customers_CreateTag: async (w) => w.client.call("POST", "crm", `/customers/${(await w.customer()).id}/tags/${tag}`),
  Customers_DeleteTag: async (w) => {
    const { id } = await w.customer();
    await w.client.call("POST", "crm", `/customers/${id}/tags/${tag}`);
    return w.client.call("DELETE", "crm", `/customers/${id}/tags/${tag}`);
  },
  BulkTags_AddTags: async (w) =>
    w.client.call("PUT", "crm", "/tags", { body: { customerIds: [(await w.customer()).id], tagTypeIds: [tag] } }),
  BulkTags_RemoveTags: async (w) =>
    w.client.call("DELETE", "crm", "/tags", { body: { customerIds: [(await w.customer()).id], tagTypeIds: [tag] } }),
  Customers_GetContactList: (w) =>
    w.client.call("GET", "crm", `/customers/${seededCustomer}/contacts`, { query: paging }),
  Customers_CreateContact: async (w) =>
    w.client.call("POST", "crm", `/customers/${(await w.customer()).id}/contacts`, {
      body: { type: "MobilePhone", value: "5550100125", memo: "coverage" },
    }),

  // CRM locations
  Locations_GetList: (w) =>
    w.client.call("GET", "crm", "/locations", {
      query: { ...paging, customerId: String(seededCustomer), active: "Any" },
    }),
  Locations_Create: (w) => w.location(),
  Locations_Get: (w) => w.client.call("GET", "crm", `/locations/${seededLocation}`),
  Locations_Update: async (w) =>
    w.client.call("PATCH", "crm", `/locations/${await w.location()}`, {
      body: { tagTypeIds: [seedIds.tagTypes.onlineStoreLocation] },
    }),
  Locations_CreateTag: async (w) => w.client.call("POST", "crm", `/locations/${await w.location()}/tags/${tag}`),
  Locations_DeleteTag: async (w) => {
    const id = await w.location();
    await w.client.call("POST", "crm", `/locations/${id}/tags/${tag}`);
    return w.client.call("DELETE", "crm", `/locations/${id}/tags/${tag}`);
  },
  Locations_GetContactList: (w) => w.client.call("GET", "crm", `/locations/${seedIds.locations.quinnHome}/contacts`),
  Locations_CreateContact: async (w) =>
    w.client.call("POST", "crm", `/locations/${await w.location()}/contacts`, {
      body: { type: "Email", value: "testy.site@example.test" },
    }),

  // CRM contacts model
  Contacts_SearchContactMethods: (w) =>
    w.client.call("GET", "crm", "/contacts/contact-methods", {
      query: { type: "Email", value: seedContacts.testyEmail },
    }),
  Contacts_GetContactRelationshipList: async (w) =>
    w.client.call("GET", "crm", `/contacts/${await w.contactId()}/relationships`, { query: { typeSlug: "customer" } }),
  Contacts_Get: async (w) => w.client.call("GET", "crm", `/contacts/${await w.contactId()}`),

  // Pricebook
  ...pricebookRecipes("materials", "Materials", seedIds.materials.filter16x25x1),
  ...pricebookRecipes("equipment", "Equipment", seedIds.equipment.humidifier),
  ...pricebookRecipes("services", "Services", seedIds.services.filterInstall),

  // Jobs
  Jobs_GetList: (w) =>
    w.client.call("GET", "jpm", "/jobs", {
      query: {
        ...paging,
        externalDataApplicationGuid: applicationGuid,
        externalDataKey: "orderId",
        externalDataValues: "cov-1",
      },
    }),
  Jobs_Create: (w) => w.job(),
  Jobs_Get: async (w) => w.client.call("GET", "jpm", `/jobs/${(await w.job()).id}`),
  Jobs_Update: async (w) =>
    w.client.call("PATCH", "jpm", `/jobs/${(await w.job()).id}`, {
      body: {
        summary: "Online order cov-1 (updated)",
        externalData: { applicationGuid, patchMode: "Merge", externalData: [{ key: "lines", value: "1" }] },
      },
    }),
  JobTypes_GetList: (w) => w.client.call("GET", "jpm", "/job-types", { query: { ...paging, active: "True" } }),

  // Accounting
  Invoices_GetList: async (w) =>
    w.client.call("GET", "accounting", "/invoices", { query: { ids: String((await w.job()).invoiceId) } }),
  Invoices_UpdateInvoiceItems: (w) => w.invoiceItem(),
  Invoices_UpdateInvoice: async (w) =>
    w.client.call("PATCH", "accounting", `/invoices/${(await w.job()).invoiceId}`, {
      body: { summary: "Online order cov-1<br/>Paid online 2026-11-20, $19.99 (card)" },
    }),
  // Payments_Create is checked against the March 2026 accounting document (openapi-history).
  Payments_Create: async (w) => w.payment(),
  Payments_GetList: async (w) =>
    w.client.call("GET", "accounting", "/payments", {
      query: { ...paging, appliedToInvoiceIds: String((await w.payment()).invoiceId) },
    }),
  PaymentTypes_GetList: (w) =>
    w.client.call("GET", "accounting", "/payment-types", {
      query: { ...paging, ids: String(seedIds.paymentTypes.onlineStore), active: "True" },
    }),
  Jobs_CreateNote: async (w) =>
    w.client.call("POST", "jpm", `/jobs/${(await w.job()).id}/notes`, {
      body: { text: "Paid online", pinToTop: false },
    }),
  // Booking-provider bookings and tags
  BookingProviderTags_GetList: (w) =>
    w.client.call("GET", "crm", "/booking-provider-tags", {
      query: { ...paging, ids: String(seedIds.bookingProviderTags.onlineStore) },
    }),
  BookingProviderTags_Get: (w) =>
    w.client.call("GET", "crm", `/booking-provider-tags/${seedIds.bookingProviderTags.onlineStore}`),
  Bookings_Create: (w) => w.booking(),
  Bookings_GetList2: async (w) => {
    await w.booking();
    return w.client.call("GET", "crm", `/booking-provider/${seedIds.bookingProviderTags.onlineStore}/bookings`, {
      query: { ...paging, externalId: "coverage-store:cov-1" },
    });
  },
  Bookings_GetForProvider: async (w) =>
    w.client.call(
      "GET",
      "crm",
      `/booking-provider/${seedIds.bookingProviderTags.onlineStore}/bookings/${await w.booking()}`,
    ),
  Bookings_DismissBooking: async (w) =>
    w.client.call(
      "POST",
      "crm",
      `/booking-provider/${seedIds.bookingProviderTags.onlineStore}/bookings/${await w.booking()}/dismiss`,
      { body: { dismissingMemo: "Duplicate request" } },
    ),
  Jobs_GetNotes: async (w) => w.client.call("GET", "jpm", `/jobs/${(await w.job()).id}/notes`, { query: paging }),
  JobCancelReasons_GetList: (w) =>
    w.client.call("GET", "jpm", "/job-cancel-reasons", { query: { ...paging, active: "True" } }),
  Jobs_Cancel: async (w) =>
    w.client.call("PUT", "jpm", `/jobs/${(await w.newJob("cov-cancel")).id}/cancel`, {
      body: { reasonId: seedIds.jobCancelReasons.cancelledOnline, memo: "Cancelled in online store s, order 1" },
    }),
  Invoices_DeleteInvoiceItem: async (w) => {
    const { invoiceId, itemId } = await w.invoiceItem();
    return w.client.call("DELETE", "accounting", `/invoices/${invoiceId}/items/${itemId}`);
  },

  // Memberships: types with their duration/billing options, the sale (with its invoice), the customer's memberships
  MembershipTypes_GetList: (w) =>
    w.client.call("GET", "memberships", "/membership-types", {
      query: { ...paging, ids: String(seedIds.membershipTypes.filterClub), includeDurationBilling: "true" },
    }),
  MembershipTypes_Get: (w) =>
    w.client.call("GET", "memberships", `/membership-types/${seedIds.membershipTypes.filterClub}`),
  MembershipTypes_GetDurationBillingList: (w) =>
    w.client.call(
      "GET",
      "memberships",
      `/membership-types/${seedIds.membershipTypes.filterClub}/duration-billing-items`,
      {
        query: { active: "True" },
      },
    ),
  CustomerMemberships_Create: (w) => w.membership(),
  CustomerMemberships_GetList: async (w) =>
    w.client.call("GET", "memberships", "/memberships", {
      query: { ...paging, customerIds: String((await w.customer()).id), active: "Any", status: "Active" },
    }),
  CustomerMemberships_Get: async (w) =>
    w.client.call("GET", "memberships", `/memberships/${(await w.membership()).customerMembershipId}`),
  CustomerMemberships_Update: async (w) =>
    w.client.call("PATCH", "memberships", `/memberships/${(await w.membership()).customerMembershipId}`, {
      body: { memo: "Sold online: order cov-1" },
    }),

  // Settings, marketing, dispatch lookups
  TagTypes_GetList: (w) => w.client.call("GET", "settings", "/tag-types", { query: { ...paging, active: "Any" } }),
  BusinessUnits_GetList: (w) =>
    w.client.call("GET", "settings", "/business-units", { query: { ...paging, active: "True" } }),
  Technicians_GetList: (w) =>
    w.client.call("GET", "settings", "/technicians", { query: { ...paging, active: "True" } }),
  Campaigns_GetList: (w) => w.client.call("GET", "marketing", "/campaigns", { query: { ...paging, active: "Any" } }),
  ArrivalWindows_GetList: (w) =>
    w.client.call("GET", "dispatch", "/arrival-windows", { query: { ...paging, active: "True" } }),
};

function pricebookRecipes(
  kind: "materials" | "equipment" | "services",
  prefix: string,
  seededId: number,
): Record<string, Recipe> {
  return {
    [`${prefix}_GetList`]: (w) =>
      w.client.call("GET", "pricebook", `/${kind}`, { query: { ...paging, searchText: "filter", active: "Any" } }),
    [`${prefix}_Create`]: (w) => w.sku(kind),
    [`${prefix}_Get`]: (w) => w.client.call("GET", "pricebook", `/${kind}/${seededId}`),
    [`${prefix}_Update`]: async (w) =>
      w.client.call("PATCH", "pricebook", `/${kind}/${await w.sku(kind)}`, {
        body: { displayName: `Coverage ${kind} v2` },
      }),
  };
}

describe.skipIf(!docsPresent)("sandbox ⇄ ServiceTitan OpenAPI contract", () => {
  // Contact Management on: the contacts-model operations need a tenant whose contacts are in that model.
  // The recipes call every operation back to back: on a fast machine that is over the tenant's 60 calls/s, and
  // a 429 is not what this test is about (sandbox-faults and the client tests cover rate limiting).
  const sandbox = useTestSandbox({ contactManagement: true, rateLimitPerSecond: 100_000 });

  it("serves every implemented operation within the documented contract", async () => {
    // Prepare
    const client = new Client(sandbox);
    await client.connect();
    const world = new World(client);
    const withoutRecipe = implementedOperations.filter((operationId) => recipes[operationId] === undefined);
    const undocumented = implementedOperations.filter(
      (operationId) => !sandbox.contract?.knownOperations().has(operationId),
    );

    // Act
    const failures: string[] = [];
    for (const operationId of implementedOperations) {
      const recipe = recipes[operationId];
      if (recipe === undefined) continue;
      await recipe(world).catch((error: unknown) => failures.push(`${operationId}: ${(error as Error).message}`));
    }

    // Assess
    expect(undocumented, "operationIds the documents do not declare").toEqual([]);
    expect(withoutRecipe, "implemented operations without a request recipe in this test").toEqual([]);
    expect(failures, "recipes whose requests were not answered 2xx").toEqual([]);
    expect(sandbox.takeViolations().map(formatViolation)).toEqual([]);
    const coverage = sandbox.contract?.coverage() ?? new Set<string>();
    expect(implementedOperations.filter((operationId) => !coverage.has(operationId))).toEqual([]);
  });

  it("reports a request the contract does not allow, through the test-sandbox hook", async () => {
    // Prepare
    const client = new Client(sandbox);
    await client.connect();

    // Act
    await client.call("GET", "crm", "/customers", { query: { nmae: "Testy McTestface" } });
    const violations = sandbox.takeViolations();

    // Assess
    expect(violations.map(formatViolation)).toEqual([
      'GET Customers_GetList query /nmae: query parameter "nmae" is not declared by the operation (ServiceTitan ignores it silently)',
    ]);
  });

  it("checks Payments_Create against the March 2026 accounting document (gone from the current one)", async () => {
    // Prepare
    const client = new Client(sandbox);
    await client.connect();
    const invoiceId = (await new World(client).job()).invoiceId;

    // Act: a field PaymentCreateRequest doesn't have, next to the required typeId
    await client.call("POST", "accounting", "/payments", {
      body: { typeId: seedIds.paymentTypes.onlineStore, amount: 5, reference: "x", splits: [{ invoiceId, amount: 5 }] },
    });
    const violations = sandbox.takeViolations();

    // Assess
    expect(violations.map(formatViolation)).toEqual([
      'POST Payments_Create request (root): must NOT have additional properties: "reference" is not in the schema',
    ]);
  });
});
