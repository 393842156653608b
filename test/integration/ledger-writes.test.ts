/**
 * The ledger's writes after a claim (checkpoint, complete, fail), its reads (get, list) and how
 * DynamoDB failures surface — against dynalite over loopback, asserting the stored item.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LedgerUnavailableError,
  ServiceTitanRejectedError,
  ServiceTitanUnavailableError,
  TransientError,
  UnexpectedError,
} from "../../lib/errors.ts";
import { CreationLock, LockScope } from "../../lib/ledger/creation-lock.ts";
import {
  LeaseLostError,
  LedgerStatus,
  type OrderKey,
  OrderLedger,
  type SyncProgress,
} from "../../lib/ledger/ledger.ts";
import { ledgerTableKeySchema } from "../../lib/ledger/table.ts";
import { localCredentials, localRegion } from "../../local/aws.ts";
import { hashA, ledgerTestStartMs, newOrderKey, useLedgerTable } from "../support/ledger-table.ts";

const startMs = ledgerTestStartMs;
const leaseMs = 60_000;

const table = useLedgerTable();
const ledgerAt = (clock: { ms: number }, tableName?: string) => table.ledgerAt(clock, tableName);
const newKey = (store?: string) => newOrderKey(store);
const storedItem = (key: OrderKey) => table.orderItem(key);

describe("checkpoint", () => {
  it("merges progress into what earlier checkpoints recorded, SKU by SKU", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.checkpoint(key, "owner-1", {
      customerId: 101,
      customerCreated: true,
      matchedBy: "created",
      pricebookItemIds: { "FLT-16x25x1-M11": 9001, "odd.sku #1": 9002 },
    });
    clock.ms += 1_000;

    // Act
    await ledger.checkpoint(key, "owner-1", {
      locationId: 201,
      pricebookItemIds: { "FLT-20x25x1-M13": 9003 },
      jobId: 301,
      invoiceId: 401,
    });

    // Assess
    const expected: SyncProgress = {
      customerId: 101,
      customerCreated: true,
      matchedBy: "created",
      locationId: 201,
      pricebookItemIds: { "FLT-16x25x1-M11": 9001, "odd.sku #1": 9002, "FLT-20x25x1-M13": 9003 },
      jobId: 301,
      invoiceId: 401,
    };
    expect((await ledger.get(key))?.progress).toEqual(expected);
    expect(await storedItem(key)).toMatchObject({
      progress: expected,
      status: "in_progress",
      updatedAt: new Date(clock.ms).toISOString(),
      expiresAt: Math.floor(clock.ms / 1000) + 90 * 86_400,
    });
  });

  it("never moves the lease: it ends when the claim said", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    clock.ms += 30_000;

    // Act
    await ledger.checkpoint(key, "owner-1", { customerId: 101 });

    // Assess
    expect(await storedItem(key)).toMatchObject({ leaseExpiresAtMs: startMs + leaseMs });
  });

  it("refuses progress that isn't a SyncProgress and writes nothing", async () => {
    // Prepare
    const ledger = ledgerAt({ ms: startMs });
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    const before = await storedItem(key);

    // Act
    const attempt = ledger.checkpoint(key, "owner-1", { jobId: Number.NaN, surprise: 1 } as SyncProgress);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnexpectedError);
    expect(await storedItem(key)).toEqual(before);
  });
});

describe("a stale owner after a takeover", () => {
  it("gets LeaseLostError from checkpoint, complete and fail, and the new owner's record is untouched", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "stale", leaseMs });
    await ledger.checkpoint(key, "stale", { customerId: 101 });
    clock.ms += leaseMs + 1;
    const takeover = await ledger.claim(key, hashA, { ownerToken: "current", leaseMs });
    await ledger.checkpoint(key, "current", { customerId: 102, locationId: 202 });
    const before = await storedItem(key);

    // Act
    const attempts = await Promise.allSettled([
      ledger.checkpoint(key, "stale", { locationId: 999, jobId: 999 }),
      ledger.complete(key, "stale", { jobId: 999, invoiceId: 999 }),
      ledger.fail(key, "stale", new ServiceTitanRejectedError("rejected", 400), { permanent: true }),
    ]);

    // Assess
    expect(takeover.outcome).toBe("resumed");
    for (const attempt of attempts) {
      expect(attempt.status).toBe("rejected");
      const reason = attempt.status === "rejected" ? attempt.reason : undefined;
      expect(reason).toBeInstanceOf(LeaseLostError);
      expect(reason).toBeInstanceOf(TransientError);
      expect((reason as LeaseLostError).reason).toBe("LEASE_HELD");
    }
    expect(await storedItem(key)).toEqual(before);
    expect(before).toMatchObject({ ownerToken: "current", status: "in_progress", progress: { customerId: 102 } });
  });

  it("may still write while its expired lease was not taken over", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "slow", leaseMs });
    clock.ms += leaseMs * 3;

    // Act
    await ledger.complete(key, "slow", { jobId: 301 });

    // Assess
    expect(await storedItem(key)).toMatchObject({ status: "completed", ownerToken: "slow", progress: { jobId: 301 } });
  });

  it("gets LeaseLostError when the item doesn't exist", async () => {
    // Prepare
    const ledger = ledgerAt({ ms: startMs });
    const key = newKey();

    // Act
    const attempt = ledger.checkpoint(key, "nobody", { customerId: 1 });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(LeaseLostError);
    expect(await storedItem(key)).toBeUndefined();
  });
});

describe("complete and fail", () => {
  it("complete merges the last progress and marks the order completed", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.checkpoint(key, "owner-1", { customerId: 101, jobId: 301, invoiceId: 401 });
    clock.ms += 5_000;

    // Act
    await ledger.complete(key, "owner-1", { invoiceLinesAdded: 2, invoiceVerified: true, tagged: true });

    // Assess
    const completedAt = new Date(clock.ms).toISOString();
    expect(await storedItem(key)).toMatchObject({
      status: "completed",
      completedAt,
      leaseExpiresAtMs: clock.ms,
      progress: {
        customerId: 101,
        jobId: 301,
        invoiceId: 401,
        invoiceLinesAdded: 2,
        invoiceVerified: true,
        tagged: true,
      },
    });
    expect(await ledger.get(key)).toMatchObject({ status: LedgerStatus.Completed, completedAt, attempts: 1 });
  });

  it("a transient failure keeps in_progress, records the error and releases the lease", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    clock.ms += 2_000;
    const error = new ServiceTitanUnavailableError("ST_UNAVAILABLE", "ServiceTitan answered 503", { status: 503 });

    // Act
    await ledger.fail(key, "owner-1", error, { permanent: false });

    // Assess
    expect(await storedItem(key)).toMatchObject({
      status: "in_progress",
      leaseExpiresAtMs: clock.ms,
      lastError: {
        reason: "ST_UNAVAILABLE",
        kind: "transient",
        message: "ServiceTitan answered 503",
        at: new Date(clock.ms).toISOString(),
      },
    });
  });

  it("a permanent failure marks the order failed", async () => {
    // Prepare
    const ledger = ledgerAt({ ms: startMs });
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });

    // Act
    await ledger.fail(key, "owner-1", new ServiceTitanRejectedError("Job type is inactive", 400), { permanent: true });

    // Assess
    expect(await storedItem(key)).toMatchObject({
      status: "failed",
      leaseExpiresAtMs: startMs,
      lastError: { reason: "ST_REJECTED", kind: "permanent", message: "Job type is inactive" },
    });
  });
});

describe("get and list", () => {
  it("get returns undefined for an order never claimed", async () => {
    // Prepare
    const ledger = ledgerAt({ ms: startMs });

    // Act
    const record = await ledger.get(newKey());

    // Assess
    expect(record).toBeUndefined();
    expect(ledger.stats).toEqual({ reads: 1, writes: 0 });
  });

  it("list filters by status, skips creation locks and honours the limit", async () => {
    // Prepare: a table of its own, so other tests' orders don't count
    const tableName = `ledger-list-${randomUUID()}`;
    await table.aws.dynamo.send(
      new CreateTableCommand({ TableName: tableName, BillingMode: "PAY_PER_REQUEST", ...ledgerTableKeySchema }),
    );
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock, tableName);
    await new CreationLock({ dynamo: table.aws.dynamo, tableName }).acquire(
      [{ scope: LockScope.CustomerIdentity, value: "email:testy@example.com" }],
      "lock-owner",
      leaseMs,
    );
    const keys = [newKey("list"), newKey("list"), newKey("list")] as const;
    for (const key of keys) {
      clock.ms += 1_000;
      await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    }
    await ledger.complete(keys[0], "owner-1", {});
    await ledger.fail(keys[1], "owner-1", new ServiceTitanRejectedError("rejected", 422), { permanent: true });

    // Act
    const all = await ledger.list({});
    const failed = await ledger.list({ status: LedgerStatus.Failed });
    const inProgress = await ledger.list({ status: LedgerStatus.InProgress });
    const limited = await ledger.list({ limit: 2 });

    // Assess
    expect(all.map((record) => record.key.orderId).sort()).toEqual(keys.map((key) => key.orderId).sort());
    expect(failed.map((record) => record.key)).toEqual([keys[1]]);
    expect(inProgress.map((record) => record.key)).toEqual([keys[2]]);
    expect(limited).toHaveLength(2);
  });
});

describe("DynamoDB failures", () => {
  let server: Server;
  let throttlingEndpoint: string;

  beforeAll(async () => {
    // A loopback endpoint answering every request the way DynamoDB answers when throttling.
    server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        response.end(
          JSON.stringify({
            __type: "com.amazontable.aws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            message: "The level of configured provisioned throughput for the table was exceeded.",
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    throttlingEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  function clientFor(endpoint: string): DynamoDBClient {
    return new DynamoDBClient({ region: localRegion, endpoint, credentials: localCredentials, maxAttempts: 1 });
  }

  it("throttling surfaces as LedgerUnavailableError (transient)", async () => {
    // Prepare
    const dynamo = clientFor(throttlingEndpoint);
    const ledger = new OrderLedger({ dynamo, tableName: table.aws.tableName });

    // Act
    const attempt = ledger.claim(newKey(), hashA, { ownerToken: "owner-1", leaseMs });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(attempt).rejects.toMatchObject({ reason: "LEDGER_UNAVAILABLE", kind: "transient" });
    dynamo.destroy();
  });

  it("a refused connection surfaces as LedgerUnavailableError", async () => {
    // Prepare: a port that was just free
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const dynamo = clientFor(`http://127.0.0.1:${port}`);
    const ledger = new OrderLedger({ dynamo, tableName: table.aws.tableName });

    // Act
    const attempt = ledger.get(newKey());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(LedgerUnavailableError);
    dynamo.destroy();
  });

  it("a missing table is a misconfiguration, not an outage: the SDK error is rethrown", async () => {
    // Prepare
    const ledger = new OrderLedger({ dynamo: table.aws.dynamo, tableName: "no-such-table" });

    // Act
    const attempt = ledger.claim(newKey(), hashA, { ownerToken: "owner-1", leaseMs });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(attempt).rejects.not.toBeInstanceOf(LedgerUnavailableError);
  });
});
