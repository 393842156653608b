/**
 * Keeping the index fresh, against the sandbox's export feeds (no Contact Management): the catch-up
 * a missing batch makes before it trusts a miss, and a feed whose stored position ServiceTitan no
 * longer accepts. Office changes go through `sandbox.office` (ServiceTitan's own screens, stamped
 * by the tenant clock), so the feeds deliver them exactly as a real tenant's would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SyncConfig } from "../../../lib/config/schema.ts";
import { refreshCustomerIndex } from "../../../lib/customer-index/refresh.ts";
import { readCustomerIndexStatus } from "../../../lib/customer-index/status.ts";
import { Feed, feeds, RecordKind } from "../../../lib/customer-index/table.ts";
import { createLogger, memorySink } from "../../../lib/observability/logger.ts";
import { buildOrderEvent as orderEvent } from "../../support/order-factory.ts";
import { startWorld, type World, worldConfig } from "../../support/world.ts";

const withoutContactManagement = (): SyncConfig => {
  const config = worldConfig();
  return { ...config, customerIndex: { ...config.customerIndex, contactManagement: false } };
};

let world: World;
beforeAll(async () => {
  world = await startWorld({ config: withoutContactManagement() });
});
afterAll(async () => {
  await world?.stop();
  world?.sandbox.assertContract();
});

const exportCalls = (from: number) => world.sandbox.log.slice(from).filter((e) => e.path.includes("/export/"));

describe("customer index freshness (sandbox export feeds, no Contact Management)", () => {
  it("finds by e-mail a customer the office created 30 seconds ago", async () => {
    // Prepare: the index was backfilled when the world started; then the office enters a customer,
    // which the feeds hide for 15 minutes unless asked with includeRecentChanges=true.
    expect(world.sandbox.state.contactManagement).toBe(false);
    expect((await readCustomerIndexStatus(world.session.customerIndex.store)).backfillComplete).toBe(true);
    const address = { street: "14 Recent Lane", city: "Springfield", state: "IL", zip: "62702" };
    const office = world.sandbox.office.createCustomer({
      name: "Fixture Recentoffice",
      address,
      contacts: [{ type: "Email", value: "recent.office.fixture@example.test" }],
    });
    world.sandbox.clock.advance(30_000);
    const customersBefore = world.sandbox.state.customers.size;
    const logStart = world.sandbox.log.length;
    // Act
    const [outcome] = await world.sync([
      orderEvent({
        orderId: "IDX-RECENT-OFFICE",
        customer: {
          firstName: "Fixture",
          lastName: "Recentoffice",
          email: "  Recent.Office.FIXTURE@Example.test ",
          phone: undefined,
        },
        billingAddress: address,
      }),
    ]);
    // Assess
    expect(outcome?.status).toBe("synced");
    expect(outcome?.progress).toMatchObject({ matchedBy: "email", customerId: office.customer.id });
    expect(world.sandbox.state.customers.size).toBe(customersBefore);
    const job = world.sandbox.state.jobs.get(outcome?.progress?.jobId ?? -1);
    expect(job?.customerId).toBe(office.customer.id);
    // The batch caught up (one read per feed, recent changes included) before trusting its miss.
    const reads = exportCalls(logStart);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((e) => e.query.includeRecentChanges === "true")).toBe(true);
  });

  it("restarts a feed whose position ServiceTitan rejects, and the index is complete afterwards", async () => {
    // Prepare: the customer-contacts feed holds a token this tenant never handed out, and the office
    // enters a customer the restarted feed must deliver.
    const { store, keys } = world.session.customerIndex;
    const stored = await store.getFeedState(Feed.CustomerContacts);
    await store.advanceFeed(Feed.CustomerContacts, {
      from: stored.position,
      to: "bm90LWEtdG9rZW4tZnJvbS10aGlzLWZlZWQ",
      readAt: new Date().toISOString(),
      reachedEnd: false,
      newRecords: 0,
      skippedRows: 0,
    });
    const office = world.sandbox.office.createCustomer({
      name: "Fixture Restartfeed",
      address: { street: "8 Restart Road", city: "Springfield", state: "IL", zip: "62703" },
      contacts: [{ type: "Email", value: "restart.feed.fixture@example.test" }],
    });
    world.sandbox.clock.advance(30_000);
    const logs = memorySink();
    const before = await readCustomerIndexStatus(store);
    const contactIds = [...world.sandbox.state.customerContacts.keys()];
    const unindexed: number[] = [];
    for (const id of contactIds) if (!(await store.getRecord(RecordKind.CustomerContact, id))) unindexed.push(id);
    // Act
    const result = await refreshCustomerIndex(
      { http: world.http, store, keys, logger: createLogger({ level: "DEBUG", sink: logs.sink }) },
      {},
    );
    // Assess: only that feed restarted, with one warning naming the feed (never the token), and counted
    expect(result.feeds.filter((f) => f.restarted).map((f) => f.feed)).toEqual([Feed.CustomerContacts]);
    expect(result.caughtUp).toBe(true);
    const warnings = logs.records().filter((r) => r.level === "WARN");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ feed: Feed.CustomerContacts, status: 400 });
    expect(logs.lines.join("\n")).not.toContain("bm90LWEtdG9rZW4");
    const after = await readCustomerIndexStatus(store);
    for (const feed of feeds) {
      const restarts = after.feeds.find((f) => f.feed === feed)?.restarts;
      expect({ feed, restarts }).toEqual({ feed, restarts: feed === Feed.CustomerContacts ? 1 : 0 });
    }
    expect(after.backfillComplete).toBe(true);
    // Re-reading the whole feed counted only the contacts it had not seen (the new one), not all again.
    expect(unindexed).toContain(office.contacts[0]?.id);
    const contactRecords = (s: typeof after) => s.feeds.find((f) => f.feed === Feed.CustomerContacts)?.records;
    expect(contactRecords(after)).toBe((contactRecords(before) ?? 0) + unindexed.length);
    // Every e-mail ServiceTitan holds is in the index, on its customer.
    const emails = [...world.sandbox.state.customerContacts.values()].filter((c) => c.type === "Email");
    for (const contact of emails) {
      const hits = await store.lookup(keys.email(contact.value) ?? "");
      const owners = hits.map((h) => (h.kind === "customerContact" ? h.customerId : undefined));
      expect({ contact: contact.id, found: owners.includes(contact.customerId ?? -1) }).toEqual({
        contact: contact.id,
        found: true,
      });
    }
    // And an order with the new e-mail attaches from the index alone (no catch-up read needed).
    const customersBefore = world.sandbox.state.customers.size;
    const logStart = world.sandbox.log.length;
    const [outcome] = await world.sync([
      orderEvent({
        orderId: "IDX-AFTER-RESTART",
        customer: { email: "Restart.Feed.Fixture@example.test", phone: undefined },
      }),
    ]);
    expect(outcome?.progress).toMatchObject({ matchedBy: "email", customerId: office.customer.id });
    expect(world.sandbox.state.customers.size).toBe(customersBefore);
    expect(exportCalls(logStart)).toHaveLength(0);
  });
});
