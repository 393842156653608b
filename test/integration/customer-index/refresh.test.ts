import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CustomerIndex, createCustomerIndex } from "../../../lib/customer-index/environment.ts";
import { refreshCustomerIndex } from "../../../lib/customer-index/refresh.ts";
import { readCustomerIndexStatus } from "../../../lib/customer-index/status.ts";
import { type LocalAws, startLocalAws } from "../../../local/aws.ts";
import { createFeedStub, type FeedStub } from "../../support/feed-stub.ts";

const hmacKey = "test-key-".padEnd(40, "x");
let aws: LocalAws;
let tableCount = 0;

beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws.stop();
});

const at = (minute: number) => `2026-11-01T10:${String(minute).padStart(2, "0")}:00Z`;
const address = (street: string, zip = "62701") => ({ street, city: "Springfield", state: "IL", zip, country: "USA" });

function customer(id: number, street: string, extra: Record<string, unknown> = {}) {
  return { id, active: true, name: `Fixture Person ${id}`, address: address(street), modifiedOn: at(1), ...extra };
}
function contact(id: number, customerId: number, type: string, value: string, extra: Record<string, unknown> = {}) {
  return { id, customerId, type, value, active: true, modifiedOn: at(1), phoneSettings: null, ...extra };
}

/** Each test gets its own table (same layout) so positions and counts start at zero. */
async function freshIndex(): Promise<CustomerIndex> {
  const { CreateTableCommand } = await import("@aws-sdk/client-dynamodb");
  const { customerIndexTableKeySchema } = await import("../../../lib/customer-index/table.ts");
  const tableName = `index-test-${++tableCount}`;
  await aws.dynamo.send(
    new CreateTableCommand({ TableName: tableName, BillingMode: "PAY_PER_REQUEST", ...customerIndexTableKeySchema }),
  );
  return createCustomerIndex({ dynamo: aws.dynamo, tableName, hmacKey });
}

describe("customer index refresh (real dynalite, feeds stubbed)", () => {
  let index: CustomerIndex;
  let feeds: FeedStub;
  beforeEach(async () => {
    index = await freshIndex();
    feeds = createFeedStub(2);
  });

  it("backfills every feed across pages, resumes where time ran out, and then reports complete", async () => {
    // Prepare
    feeds.rows.customers = [1, 2, 3, 4, 5].map((id) => customer(id, `${id} Elm Street`));
    feeds.rows.customerContacts = [contact(11, 1, "Email", "first.fixture@example.test")];
    let budget = 2; // pages this "invocation" may start
    // Act: the first invocation runs out of time after two pages of the customers feed
    const first = await refreshCustomerIndex(
      { http: feeds, ...index },
      { remainingMs: () => (budget-- > 0 ? 60_000 : 0), reserveMs: 1_000 },
    );
    const second = await refreshCustomerIndex({ http: feeds, ...index });
    // Assess
    expect(first.backfillComplete).toBe(false);
    expect(second.caughtUp).toBe(true);
    expect(second.backfillComplete).toBe(true);
    const customerReads = feeds.requests.filter((r) => r.path === "/export/customers").map((r) => r.from);
    expect(customerReads.slice(-2)).toEqual(["2", "4"]); // resumed from the checkpoint, not from the start
    const status = await readCustomerIndexStatus(index.store);
    expect(status.feeds.find((f) => f.feed === "customers")?.records).toBe(5);
    expect(status.lagSeconds).toBeDefined();
    const hits = await index.store.lookup(index.keys.email("First.Fixture@Example.test ") ?? "");
    expect(hits.map((h) => h.kind === "customerContact" && h.customerId)).toEqual([1]);
  });

  it("skips and counts unusable e-mails, phones and malformed rows without failing", async () => {
    feeds.rows.customerContacts = [
      contact(21, 2, "Email", "n/a"),
      contact(22, 2, "Phone", "call the office"),
      { id: "not-a-number", type: "Email" },
      contact(23, 2, "Phone", "(555) 010-0199"),
      contact(24, 2, "Fax", "whatever"),
    ];
    const result = await refreshCustomerIndex({ http: feeds, ...index });
    const contactsFeed = result.feeds.find((f) => f.feed === "customer-contacts");
    expect(contactsFeed?.skippedRows).toBe(3);
    expect(contactsFeed?.reachedEnd).toBe(true);
    expect(await index.store.lookup(index.keys.phone("555-010-0199") ?? "")).toHaveLength(1);
    expect((await readCustomerIndexStatus(index.store)).skippedRows).toBe(3);
  });

  it("restarts a feed from the beginning when ServiceTitan rejects its position", async () => {
    feeds.rows.customers = [1, 2, 3].map((id) => customer(id, `${id} Oak Avenue`));
    await refreshCustomerIndex({ http: feeds, ...index });
    const warnings: string[] = [];
    feeds.rejectedTokens.add("3");
    feeds.rows.customers.push(customer(4, "4 Oak Avenue"));
    const result = await refreshCustomerIndex({
      http: feeds,
      ...index,
      logger: { info: () => {}, warn: (message: string) => warnings.push(message) },
    });
    const feed = result.feeds.find((f) => f.feed === "customers");
    expect(feed?.restarted).toBe(true);
    expect(feed?.reachedEnd).toBe(true);
    expect(warnings.some((w) => /rejected/.test(w))).toBe(true);
    expect(feeds.requests.filter((r) => r.path === "/export/customers").map((r) => r.from)).toEqual([
      undefined,
      "2",
      "3",
      undefined,
      "2",
    ]);
    const status = await readCustomerIndexStatus(index.store);
    expect(status.feeds.find((f) => f.feed === "customers")).toMatchObject({ restarts: 1, records: 4 });
  });

  it("stops an edited or deactivated contact's old value pointing at the customer; an older repeat changes nothing", async () => {
    feeds.rows.customerContacts = [
      contact(31, 3, "Email", "old.value@example.test"),
      contact(32, 3, "Phone", "555-010-0131"),
    ];
    await refreshCustomerIndex({ http: feeds, ...index });
    // The office edits the e-mail and deletes the phone: both rows appear again later in the feed.
    feeds.rows.customerContacts.push(
      contact(31, 3, "Email", "new.value@example.test", { modifiedOn: at(5) }),
      contact(32, 3, "Phone", "555-010-0131", { active: false, modifiedOn: at(5) }),
      contact(31, 3, "Email", "old.value@example.test", { modifiedOn: at(1) }), // a late repeat
    );
    await refreshCustomerIndex({ http: feeds, ...index });
    expect(await index.store.lookup(index.keys.email("old.value@example.test") ?? "")).toHaveLength(0);
    expect(await index.store.lookup(index.keys.email("new.value@example.test") ?? "")).toHaveLength(1);
    expect(await index.store.lookup(index.keys.phone("5550100131") ?? "")).toHaveLength(0);
  });

  it("holds no readable e-mail, phone, name or address anywhere in the table", async () => {
    const personal = {
      email: "distinctive.person@example.test",
      phone: "(555) 010-0177",
      street: "1234 Distinctive Boulevard",
      name: "Fixture Person 7",
    };
    feeds.rows.customers = [customer(7, personal.street, { name: personal.name })];
    feeds.rows.customerContacts = [contact(71, 7, "Email", personal.email), contact(72, 7, "Phone", personal.phone)];
    feeds.rows.locations = [
      {
        id: 70,
        customerId: 7,
        active: true,
        name: personal.name,
        address: address(personal.street),
        tagTypeIds: [],
        modifiedOn: at(1),
      },
    ];
    feeds.rows.locationContacts = [
      {
        id: 73,
        locationId: 70,
        type: "Email",
        value: personal.email,
        active: true,
        modifiedOn: at(1),
        phoneSettings: null,
      },
    ];
    await refreshCustomerIndex({ http: feeds, ...index });
    const doc = DynamoDBDocumentClient.from(aws.dynamo);
    const scan = await doc.send(new ScanCommand({ TableName: index.store.tableName }));
    const text = JSON.stringify(scan.Items).toLowerCase();
    expect(scan.Items?.length).toBeGreaterThanOrEqual(6);
    for (const needle of [
      "distinctive",
      "person",
      "boulevard",
      "blvd",
      "example.test",
      "5550100177",
      "010-0177",
      "springfield",
    ]) {
      expect(text).not.toContain(needle);
    }
  });
});
