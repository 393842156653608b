/**
 * `npm run status` (`runStatusCli`) against dynalite over loopback, reading ledger records written
 * through `OrderLedger` itself: one order as a table and as JSON, the failed list, a missing order,
 * and usage errors; and the customer index's state, written through `CustomerIndexStore` itself.
 */
import { randomUUID } from "node:crypto";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerIndexStore } from "../../lib/customer-index/store.ts";
import { customerIndexTableKeySchema, Feed, feeds } from "../../lib/customer-index/table.ts";
import { ServiceTitanRejectedError } from "../../lib/errors.ts";
import { type OrderKey, OrderLedger } from "../../lib/ledger/ledger.ts";
import { type LocalAws, startLocalAws } from "../../local/aws.ts";
import { runStatusCli } from "../../local/status-cli.ts";

let aws: LocalAws;
let ledger: OrderLedger;
const runId = randomUUID().slice(0, 8);
const completedKey: OrderKey = { store: "acme-filters", orderId: `S-${runId}-done` };
const failedKey: OrderKey = { store: "test-store", orderId: `S-${runId}-failed` };
const membershipKey: OrderKey = { store: "acme-filters", orderId: `S-${runId}-member` };
const bookingKey: OrderKey = { store: "acme-filters", orderId: `S-${runId}-booking` };

beforeAll(async () => {
  aws = await startLocalAws();
  ledger = new OrderLedger({ dynamo: aws.dynamo, tableName: aws.tableName });
  // A completed order, step by step as the pipeline records it.
  const owner = `owner-${runId}`;
  await ledger.claim(completedKey, "a".repeat(64), { ownerToken: owner, leaseMs: 60_000 });
  await ledger.checkpoint(completedKey, owner, {
    customerId: 5101,
    customerCreated: false,
    matchedBy: "email",
    locationId: 6202,
    locationCreated: true,
    pricebookItemIds: { "TEST-FLT-16x25x1": 7303 },
  });
  await ledger.complete(completedKey, owner, {
    jobId: 8404,
    invoiceId: 9505,
    invoiceLinesAdded: 2,
    invoiceVerified: true,
    invoiceTotalCents: 5412,
    totalMismatch: true,
    paymentId: 9606,
    tagged: true,
  });
  // A membership order: one line sold a membership, another renewed one (no job).
  await ledger.claim(membershipKey, "c".repeat(64), { ownerToken: "owner-3", leaseMs: 60_000 });
  await ledger.complete(membershipKey, "owner-3", {
    customerId: 5102,
    locationId: 6203,
    memberships: {
      "PLAN-FILTER-CLUB": { membershipTypeId: 1601, membershipId: 7701, outcome: "sold", invoiceId: 7702, noted: true },
      "PLAN-COMFORT-CLUB": { membershipTypeId: 1602, membershipId: 7703, outcome: "renewed", noted: true },
    },
    tagged: true,
  });
  // An order filed as a booking, which a CSR had converted into a job when the worker read it.
  await ledger.claim(bookingKey, "d".repeat(64), { ownerToken: "owner-4", leaseMs: 60_000 });
  await ledger.complete(bookingKey, "owner-4", {
    firstTimeClient: true,
    bookingId: 104233,
    bookingStatus: "Converted",
    bookingJobId: 8405,
    bookingReadAt: "2026-11-18T18:00:00.000Z",
  });
  // A permanently failed order.
  await ledger.claim(failedKey, "b".repeat(64), { ownerToken: "owner-2", leaseMs: 60_000 });
  await ledger.fail(
    failedKey,
    "owner-2",
    new ServiceTitanRejectedError("ServiceTitan refused the job: businessUnitId", 400),
    {
      permanent: true,
    },
  );
});
afterAll(async () => {
  await aws?.stop();
});

function textStream(): { write: (text: string) => boolean; text: () => string } {
  let buffer = "";
  return {
    write: (text: string) => {
      buffer += text;
      return true;
    },
    text: () => buffer,
  };
}

function deps(stdout = textStream(), stderr = textStream()) {
  return { dynamo: aws.dynamo, env: { LEDGER_TABLE_NAME: aws.tableName }, stdout, stderr };
}

describe("runStatusCli", () => {
  it("shows an order's cancellation: cancelled, or left alone and why", async () => {
    // Prepare: the completed order's cancellation, recorded as the pipeline records it.
    const key = { ...completedKey, followUp: "cancellation" };
    await ledger.claim(key, "order.cancelled", { ownerToken: "owner-cxl", leaseMs: 60_000 });
    await ledger.complete(key, "owner-cxl", {
      jobId: 8404,
      followUpOutcome: "left_alone",
      followUpReason: "Dispatched",
      tagged: true,
      jobNoteAdded: true,
    });
    const table = textStream();
    const json = textStream();

    // Act
    const codes = [
      await runStatusCli([completedKey.orderId, "--store", completedKey.store], deps(table)),
      await runStatusCli([completedKey.orderId, "--store", completedKey.store, "--json"], deps(json)),
    ];

    // Assess
    expect(codes).toEqual([0, 0]);
    expect(table.text()).toContain("left alone (Dispatched): job tagged and noted for the office");
    expect(JSON.parse(json.text())).toMatchObject({
      cancellation: { status: "completed", outcome: "left_alone", reason: "Dispatched", lastError: null },
    });
  });

  it("prints one order's status, ServiceTitan ids, matched-by and attempts as a table", async () => {
    // Prepare
    const stdout = textStream();
    // Act
    const code = await runStatusCli([completedKey.orderId, "--store", completedKey.store], deps(stdout));
    // Assess
    expect(code).toBe(0);
    const text = stdout.text();
    for (const expected of [
      `acme-filters:${completedKey.orderId}`,
      "completed",
      "5101 (existing)",
      "6202 (created)",
      "TEST-FLT-16x25x1 → 7303",
      "8404",
      "9505",
      "email",
      "54.12 — DIFFERS from the order total (flagged: job tag and note)",
      "recorded (payment 9606)",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("shows the memberships an order sold or renewed, with the sale invoice", async () => {
    // Prepare
    const stdout = textStream();
    const json = textStream();
    // Act
    const code = await runStatusCli([membershipKey.orderId, "--store", membershipKey.store], deps(stdout));
    await runStatusCli([membershipKey.orderId, "--store", membershipKey.store, "--json"], deps(json));
    // Assess
    expect(code).toBe(0);
    expect(stdout.text()).toContain("PLAN-FILTER-CLUB → membership 7701 sold (sale invoice 7702)");
    expect(stdout.text()).toContain("PLAN-COMFORT-CLUB → membership 7703 renewed");
    const view = JSON.parse(json.text()) as Record<string, unknown>;
    expect(view).toMatchObject({ jobId: null, memberships: { "PLAN-COMFORT-CLUB": { outcome: "renewed" } } });
  });

  it("prints a booking order's booking id, its status as last read and the CSR's job", async () => {
    // Prepare
    const stdout = textStream();
    const json = textStream();
    // Act
    const code = await runStatusCli([bookingKey.orderId, "--store", bookingKey.store], deps(stdout));
    await runStatusCli([bookingKey.orderId, "--store", bookingKey.store, "--json"], deps(json));
    // Assess
    expect(code).toBe(0);
    expect(stdout.text()).toContain("104233 — Converted (read 2026-11-18T18:00:00.000Z), job 8405");
    expect(stdout.text()).toContain("First-time client");
    expect(JSON.parse(json.text())).toMatchObject({ bookingId: 104233, bookingStatus: "Converted", jobId: null });
  });

  it("prints JSON for scripts, with the last error of a failed order", async () => {
    // Prepare
    const stdout = textStream();
    // Act
    const code = await runStatusCli([failedKey.orderId, "--store", failedKey.store, "--json"], deps(stdout));
    // Assess
    expect(code).toBe(0);
    const view = JSON.parse(stdout.text()) as Record<string, unknown>;
    expect(view).toMatchObject({
      orderKey: `test-store:${failedKey.orderId}`,
      status: "failed",
      attempts: 1,
      jobId: null,
      lastError: { reason: "ST_REJECTED", kind: "permanent", message: "ServiceTitan refused the job: businessUnitId" },
    });
  });

  it("lists failed orders with --failed", async () => {
    // Prepare
    const stdout = textStream();
    // Act
    const code = await runStatusCli(["--failed", "--json"], deps(stdout));
    // Assess
    expect(code).toBe(0);
    const views = JSON.parse(stdout.text()) as { orderKey: string; status: string }[];
    expect(views.map((view) => view.orderKey)).toEqual([`test-store:${failedKey.orderId}`]);
  });

  it("says so (exit 1) for an order the ledger doesn't know, and exit 2 for bad usage", async () => {
    // Prepare
    const missingErr = textStream();
    const usageErr = textStream();
    // Act
    const missing = await runStatusCli([`S-${runId}-never`], deps(textStream(), missingErr));
    const usage = await runStatusCli([], deps(textStream(), usageErr));
    const noEnv = await runStatusCli(["1042"], { env: {}, stdout: textStream(), stderr: textStream() });
    // Assess
    expect(missing).toBe(1);
    expect(missingErr.text()).toContain(`No ledger record for default:S-${runId}-never`);
    expect(usage).toBe(2);
    expect(usageErr.text()).toContain("Usage:");
    expect(noEnv).toBe(2);
  });

  describe("with CUSTOMER_INDEX_TABLE_NAME", () => {
    /** A table of the index's layout whose feeds in `readToEnd` were read to their end once. */
    async function indexTable(readToEnd: readonly Feed[], caughtUpAt?: string): Promise<string> {
      const tableName = `status-index-${runId}-${readToEnd.length}`;
      await aws.dynamo.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: "PAY_PER_REQUEST",
          ...customerIndexTableKeySchema,
        }),
      );
      const store = new CustomerIndexStore({ dynamo: aws.dynamo, tableName });
      const readAt = new Date().toISOString();
      for (const feed of readToEnd) {
        const move = { from: undefined, to: "t1", readAt, reachedEnd: true, newRecords: 3, skippedRows: 0 };
        await store.advanceFeed(feed, move);
      }
      if (caughtUpAt !== undefined) await store.markCaughtUp(caughtUpAt);
      return tableName;
    }
    const withIndex = (tableName: string, stdout = textStream(), stderr = textStream()) => ({
      ...deps(stdout, stderr),
      env: { LEDGER_TABLE_NAME: aws.tableName, CUSTOMER_INDEX_TABLE_NAME: tableName },
    });

    it("says the backfill isn't complete and that matching falls back to live searches", async () => {
      // Prepare
      const tableName = await indexTable([Feed.Customers]);
      const stdout = textStream();
      // Act
      const code = await runStatusCli(
        [completedKey.orderId, "--store", completedKey.store],
        withIndex(tableName, stdout),
      );
      // Assess
      expect(code).toBe(0);
      const text = stdout.text();
      expect(text).toContain("8404"); // the order's status is still shown first
      expect(text).toContain("Customer index: backfill not complete (1 of 4 feeds read to their end)");
      expect(text).toContain("matching falls back to live phone and name + address searches");
      expect(text).toContain("Index lag: unknown");
    });

    it("shows a complete backfill and the lag since the index last caught up", async () => {
      // Prepare
      const caughtUpAt = new Date(Date.now() - 10 * 60_000).toISOString();
      const tableName = await indexTable(feeds, caughtUpAt);
      const stdout = textStream();
      // Act
      const code = await runStatusCli(["--failed"], withIndex(tableName, stdout));
      // Assess
      expect(code).toBe(0);
      const text = stdout.text();
      expect(text).toContain(failedKey.orderId);
      expect(text).toContain("Customer index: backfill complete, matching uses it");
      expect(text).not.toContain("falls back");
      expect(text).toMatch(new RegExp(`Index lag: \\d+ min \\(caught up to ${caughtUpAt.replace(/\./g, "\\.")}\\)`));
    });

    it("still shows the order when the index table can't be read, and keeps --json pure", async () => {
      // Prepare
      const missing = textStream();
      const json = textStream();
      const tableName = await indexTable([]);
      // Act
      const missingCode = await runStatusCli(
        [completedKey.orderId, "--store", completedKey.store],
        withIndex(`no-such-table-${runId}`, missing),
      );
      const jsonCode = await runStatusCli(
        [failedKey.orderId, "--store", failedKey.store, "--json"],
        withIndex(tableName, json),
      );
      // Assess
      expect(missingCode).toBe(0);
      expect(missing.text()).toContain("8404");
      expect(missing.text()).toContain("Customer index: not readable (ResourceNotFoundException)");
      expect(jsonCode).toBe(0);
      expect(JSON.parse(json.text())).toMatchObject({ status: "failed" });
    });
  });
});
