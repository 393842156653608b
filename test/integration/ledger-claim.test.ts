/**
 * `OrderLedger.claim` against dynalite over loopback: every outcome of the decision table, its
 * DynamoDB cost, and the races it must win exactly once. Each test asserts the stored item.
 */
import { describe, expect, it } from "vitest";
import { ServiceTitanRejectedError } from "../../lib/errors.ts";
import { LedgerStatus, type OrderKey } from "../../lib/ledger/ledger.ts";
import { hashA, hashB, ledgerTestStartMs, newOrderKey, useLedgerTable } from "../support/ledger-table.ts";

const startMs = ledgerTestStartMs;
const leaseMs = 60_000;

const table = useLedgerTable();
const ledgerAt = (clock: { ms: number }) => table.ledgerAt(clock);
const newKey = () => newOrderKey();
const storedItem = (key: OrderKey) => table.orderItem(key);

function rejected(): ServiceTitanRejectedError {
  return new ServiceTitanRejectedError("ServiceTitan rejected the job", 400);
}

describe("claim on a fresh order", () => {
  it("is fresh, costs exactly one write and no read, and stores an in_progress item", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();

    // Act
    const result = await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });

    // Assess
    expect(result.outcome).toBe("fresh");
    expect(ledger.stats).toEqual({ reads: 0, writes: 1 });
    expect(result.record).toMatchObject({
      key,
      status: LedgerStatus.InProgress,
      payloadHash: hashA,
      ownerToken: "owner-1",
      leaseExpiresAtMs: startMs + leaseMs,
      attempts: 1,
      progress: {},
    });
    const item = await storedItem(key);
    expect(item).toMatchObject({
      pk: `ORDER#test-store#${encodeURIComponent(key.orderId)}`,
      status: "in_progress",
      payloadHash: hashA,
      ownerToken: "owner-1",
      leaseExpiresAtMs: startMs + leaseMs,
      attempts: 1,
      createdAt: new Date(startMs).toISOString(),
      expiresAt: Math.floor(startMs / 1000) + 90 * 86_400,
    });
  });

  it("URL-encodes key parts so a '#' in an id can't collide with another order's key", async () => {
    // Prepare
    const ledger = ledgerAt({ ms: startMs });
    const left = { store: "a#b", orderId: "c" };
    const right = { store: "a", orderId: "b#c" };

    // Act
    const first = await ledger.claim(left, hashA, { ownerToken: "owner-1", leaseMs });
    const second = await ledger.claim(right, hashB, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect([first.outcome, second.outcome]).toEqual(["fresh", "fresh"]);
    expect(await storedItem(left)).toMatchObject({ pk: "ORDER#a%23b#c", store: "a#b", orderId: "c" });
    expect(await storedItem(right)).toMatchObject({ pk: "ORDER#a#b%23c", store: "a", orderId: "b#c" });
  });

  it("lets exactly one of two concurrent claims win; the other sees lease_held", async () => {
    // Prepare
    const clock = { ms: startMs };
    const key = newKey();
    const ledgers = [ledgerAt(clock), ledgerAt(clock)] as const;

    // Act
    const results = await Promise.all([
      ledgers[0].claim(key, hashA, { ownerToken: "owner-1", leaseMs }),
      ledgers[1].claim(key, hashA, { ownerToken: "owner-2", leaseMs }),
    ]);

    // Assess
    const outcomes = results.map((result) => result.outcome).sort();
    expect(outcomes).toEqual(["fresh", "lease_held"]);
    const winner = results.find((result) => result.outcome === "fresh");
    const item = await storedItem(key);
    expect(item).toMatchObject({ ownerToken: winner?.record.ownerToken, attempts: 1, status: "in_progress" });
  });
});

describe("claim on an existing order", () => {
  it("is a duplicate after completion with the same hash and changes nothing", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.complete(key, "owner-1", { jobId: 501, invoiceId: 601 });
    const before = await storedItem(key);
    clock.ms += 10 * 60_000;
    const reader = ledgerAt(clock);

    // Act
    const result = await reader.claim(key, hashA, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect(result.outcome).toBe("duplicate");
    expect(result.record.progress).toEqual({ jobId: 501, invoiceId: 601 });
    expect(reader.stats).toEqual({ reads: 1, writes: 1 });
    expect(await storedItem(key)).toEqual(before);
  });

  it("is a conflict after completion with a different hash and changes nothing", async () => {
    // Prepare
    const ledger = ledgerAt({ ms: startMs });
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.complete(key, "owner-1", { jobId: 501 });
    const before = await storedItem(key);

    // Act
    const result = await ledger.claim(key, hashB, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect(result.outcome).toBe("conflict");
    expect(result.record.payloadHash).toBe(hashA);
    expect(await storedItem(key)).toEqual(before);
  });

  it("is a conflict for different content even while the first attempt is still running", async () => {
    // Prepare
    const ledger = ledgerAt({ ms: startMs });
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });

    // Act
    const result = await ledger.claim(key, hashB, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect(result.outcome).toBe("conflict");
    expect(await storedItem(key)).toMatchObject({ ownerToken: "owner-1", payloadHash: hashA, attempts: 1 });
  });

  it("is lease_held while another owner's lease is live, and changes nothing", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    const before = await storedItem(key);
    clock.ms += leaseMs - 1;

    // Act
    const result = await ledger.claim(key, hashA, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect(result.outcome).toBe("lease_held");
    expect(result.record.ownerToken).toBe("owner-1");
    expect(await storedItem(key)).toEqual(before);
  });

  it("resumes an expired lease: new owner and lease, attempts + 1, progress kept", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.checkpoint(key, "owner-1", { customerId: 101, matchedBy: "email", locationId: 201 });
    clock.ms += leaseMs;
    const taker = ledgerAt(clock);

    // Act
    const result = await taker.claim(key, hashA, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect(result.outcome).toBe("resumed");
    expect(result.record).toMatchObject({
      ownerToken: "owner-2",
      leaseExpiresAtMs: clock.ms + leaseMs,
      attempts: 2,
      status: LedgerStatus.InProgress,
      progress: { customerId: 101, matchedBy: "email", locationId: 201 },
    });
    expect(taker.stats).toEqual({ reads: 1, writes: 2 });
    expect(await storedItem(key)).toMatchObject({
      ownerToken: "owner-2",
      leaseExpiresAtMs: clock.ms + leaseMs,
      attempts: 2,
      status: "in_progress",
      progress: { customerId: 101, matchedBy: "email", locationId: 201 },
      updatedAt: new Date(clock.ms).toISOString(),
    });
  });

  it("resumes at once after a transient failure released the lease", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.fail(key, "owner-1", rejected(), { permanent: false });

    // Act
    const result = await ledger.claim(key, hashA, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect(result.outcome).toBe("resumed");
    expect(await storedItem(key)).toMatchObject({ ownerToken: "owner-2", attempts: 2, status: "in_progress" });
  });

  it("lets exactly one of several concurrent takers of an expired lease resume", async () => {
    // Prepare
    const clock = { ms: startMs };
    const key = newKey();
    await ledgerAt(clock).claim(key, hashA, { ownerToken: "owner-0", leaseMs });
    clock.ms += leaseMs + 1;
    const takers = ["owner-1", "owner-2", "owner-3", "owner-4"];

    // Act
    const results = await Promise.all(
      takers.map((ownerToken) => ledgerAt(clock).claim(key, hashA, { ownerToken, leaseMs })),
    );

    // Assess
    const resumed = results.filter((result) => result.outcome === "resumed");
    expect(resumed).toHaveLength(1);
    expect(results.filter((result) => result.outcome === "lease_held")).toHaveLength(takers.length - 1);
    expect(await storedItem(key)).toMatchObject({ ownerToken: resumed[0]?.record.ownerToken, attempts: 2 });
  });
});

describe("claim after a permanent failure", () => {
  it("replays with the same hash: resumed, status back to in_progress, progress kept", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.checkpoint(key, "owner-1", { customerId: 101, jobId: 301 });
    await ledger.fail(key, "owner-1", rejected(), { permanent: true });
    clock.ms += 60_000;

    // Act
    const result = await ledger.claim(key, hashA, { ownerToken: "replay-1", leaseMs, replayCount: 1 });

    // Assess
    expect(result.outcome).toBe("resumed");
    expect(result.record.progress).toEqual({ customerId: 101, jobId: 301 });
    expect(await storedItem(key)).toMatchObject({
      status: "in_progress",
      ownerToken: "replay-1",
      attempts: 2,
      replayCount: 1,
      payloadHash: hashA,
      lastError: { reason: "ST_REJECTED", kind: "permanent" },
    });
  });

  it("a redelivery with the same hash and no newer replay mark is `failed` and changes nothing", async () => {
    // Prepare: failed under a message replayed once; SQS then delivers that same message again
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs, replayCount: 1 });
    await ledger.fail(key, "owner-1", rejected(), { permanent: true, progress: { customerId: 101 } });
    const before = await storedItem(key);
    clock.ms += 60_000;

    // Act
    const redelivered = await ledger.claim(key, hashA, { ownerToken: "owner-2", leaseMs, replayCount: 1 });
    const unmarked = await ledger.claim(key, hashA, { ownerToken: "owner-3", leaseMs });

    // Assess
    expect(redelivered.outcome).toBe("failed");
    expect(unmarked.outcome).toBe("failed");
    expect(redelivered.record.lastError).toMatchObject({ reason: "ST_REJECTED" });
    expect(await storedItem(key)).toEqual(before);
  });

  it("saves what the failed attempt created: new content is then a conflict", async () => {
    // Prepare: the customer was created, then ServiceTitan rejected the job; no checkpoint in between
    const ledger = ledgerAt({ ms: startMs });
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.fail(key, "owner-1", rejected(), {
      permanent: true,
      progress: { customerId: 101, customerCreated: true, matchedBy: "created", locationId: 201 },
    });

    // Act
    const result = await ledger.claim(key, hashB, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect(result.outcome).toBe("conflict");
    expect(await storedItem(key)).toMatchObject({
      status: "failed",
      payloadHash: hashA,
      progress: { customerId: 101 },
    });
  });

  it("new content waits while the failed attempt holds its lease (a write of it may still land)", async () => {
    // Prepare
    const clock = { ms: startMs };
    const ledger = ledgerAt(clock);
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.fail(key, "owner-1", rejected(), { permanent: true, holdLeaseMs: 30_000 });

    // Act
    const early = await ledger.claim(key, hashB, { ownerToken: "owner-2", leaseMs });
    clock.ms += 30_000;
    const later = await ledger.claim(key, hashB, { ownerToken: "owner-3", leaseMs });

    // Assess
    expect(early.outcome).toBe("lease_held");
    expect(later.outcome).toBe("resumed");
  });

  it("takes over with a different hash when nothing was recorded (nothing reached ServiceTitan)", async () => {
    // Prepare
    const ledger = ledgerAt({ ms: startMs });
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.fail(key, "owner-1", rejected(), { permanent: true });

    // Act
    const result = await ledger.claim(key, hashB, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect(result.outcome).toBe("resumed");
    expect(await storedItem(key)).toMatchObject({
      status: "in_progress",
      payloadHash: hashB,
      ownerToken: "owner-2",
      attempts: 2,
    });
  });

  it("is a conflict with a different hash once progress was recorded, and changes nothing", async () => {
    // Prepare
    const ledger = ledgerAt({ ms: startMs });
    const key = newKey();
    await ledger.claim(key, hashA, { ownerToken: "owner-1", leaseMs });
    await ledger.checkpoint(key, "owner-1", { customerId: 101, customerCreated: true });
    await ledger.fail(key, "owner-1", rejected(), { permanent: true });
    const before = await storedItem(key);

    // Act
    const result = await ledger.claim(key, hashB, { ownerToken: "owner-2", leaseMs });

    // Assess
    expect(result.outcome).toBe("conflict");
    expect(await storedItem(key)).toEqual(before);
    expect(before).toMatchObject({ status: "failed", payloadHash: hashA });
  });
});
